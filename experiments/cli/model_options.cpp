#include "experiments/cli/model_options.h"

#include "traces/common/error.h"

namespace dnntune::cli {

void ModelOptions::add_to(CLI::App& sub) {
  sub.add_option("--input-shape", input_shapes,
                 "Concrete shape of a model input, NAME=1x3x224x224 (repeatable); needed for "
                 "symbolic or dynamic dimensions");
  sub.add_option("--batch", batch, "Batch size: the leading dimension of every model input")
      ->check(CLI::PositiveNumber);
}

LoadOptions ModelOptions::to_load_options() const {
  LoadOptions options;
  options.batch = batch;
  for (const auto& spec : input_shapes) {
    const auto eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("<command line>", "--input-shape '" + spec + "': expected NAME=1x3x224x224");
    options.input_shapes[spec.substr(0, eq)] = parse_shape(spec.substr(eq + 1));
  }
  return options;
}

}  // namespace dnntune::cli
