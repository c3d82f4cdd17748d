// dnntune zoo list [--format table|json]
// dnntune zoo export NAME [--batch N] [--input-size HxW|N] [--weights none|random] -o FILE.onnx
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "experiments/cli/commands.h"
#include "experiments/cli/format.h"
#include "traces/common/atomic_file.h"
#include "traces/common/error.h"
#include "traces/onnx/onnx_builder.h"
#include "traces/zoo/zoo.h"

namespace dnntune::cli {

namespace {

struct ZooListArgs {
  std::string format = "table";
};

struct ZooExportArgs {
  std::string name;
  int64_t batch = 1;
  std::string input_size;
  std::string weights = "none";
  std::string output;
};

void run_zoo_list(const ZooListArgs& args) {
  // Parameter counts come from the built models (weights none: dims only, fast).
  if (args.format == "json") {
    nlohmann::json models = nlohmann::json::array();
    for (const auto& e : zoo::registry())
      models.push_back({{"name", e.name},
                        {"params", count_parameters(e.build(zoo::ZooOptions{}))},
                        {"table1_params", e.table1_params},
                        {"default_input", e.default_input},
                        {"description", e.description},
                        {"citation", e.citation}});
    std::cout << models.dump(2) << "\n";
    return;
  }
  TextTable table({"name", "params", "Table 1", "default input", "description", "citation"},
                  {false, true, true, false, false, false});
  for (const auto& e : zoo::registry())
    table.add_row({e.name, si(static_cast<double>(count_parameters(e.build(zoo::ZooOptions{})))),
                   si(static_cast<double>(e.table1_params)), e.default_input, e.description,
                   e.citation});
  table.print(std::cout);
}

void run_zoo_export(const ZooExportArgs& args) {
  zoo::ZooOptions options;
  options.batch = args.batch;
  if (!args.input_size.empty()) options.input_size = zoo::parse_input_size(args.input_size);
  options.weights = args.weights == "random" ? WeightFill::kRandom : WeightFill::kNone;
  const onnx::ModelProto model = zoo::build_model(args.name, options);
  write_file_atomically(args.output, [&model, &args](std::ostream& out) {
    if (!model.SerializeToOstream(&out))
      throw InputError(args.output, "could not serialise the model (larger than 2 GiB?)");
  });
  std::cout << "wrote " << args.output << ": " << args.name << ", "
            << with_separators(count_parameters(model)) << " parameters, weights " << args.weights
            << "\n";
}

}  // namespace

CommandDef zoo_command() {
  return {"zoo", "The benchmark suite: DNNTune's 13 models (+ AlexNet); list them or export ONNX",
          [](CLI::App& sub) {
            sub.require_subcommand(1);
            auto list_args = std::make_shared<ZooListArgs>();
            CLI::App* list = sub.add_subcommand(
                "list", "Suite models with parameter counts (built) vs DNNTune's Table 1");
            list->add_option("--format", list_args->format, "Output format")
                ->check(CLI::IsMember({"table", "json"}))
                ->capture_default_str();
            list->callback([list_args] { run_zoo_list(*list_args); });

            auto exp_args = std::make_shared<ZooExportArgs>();
            CLI::App* exp = sub.add_subcommand("export", "Write a suite model as an ONNX file");
            exp->add_option("NAME", exp_args->name, "Suite model name (see `dnntune zoo list`)")
                ->required();
            exp->add_option("--batch", exp_args->batch, "Batch size (the leading input dimension)")
                ->capture_default_str();
            exp->add_option("--input-size", exp_args->input_size,
                            "Image size HxW (e.g. 299x299) or sequence length (e.g. 35)");
            exp->add_option("--weights", exp_args->weights,
                            "none: dims only, no payload (like ../shared/models); random: "
                            "deterministic random values")
                ->check(CLI::IsMember({"none", "random"}))
                ->capture_default_str();
            exp->add_option("-o,--output", exp_args->output, "ONNX file to write")->required();
            exp->callback([exp_args] { run_zoo_export(*exp_args); });
          }};
}

}  // namespace dnntune::cli
