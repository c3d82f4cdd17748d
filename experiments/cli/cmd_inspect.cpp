// dnntune inspect MODEL [--format table|json|csv] [-o FILE]
#include <iostream>
#include <memory>
#include <sstream>

#include "experiments/cli/commands.h"
#include "experiments/cli/inspect_report.h"
#include "experiments/cli/model_options.h"
#include "traces/common/atomic_file.h"

namespace dnntune::cli {

namespace {

struct InspectArgs {
  std::string model;
  std::string format = "table";
  std::string output;
  ModelOptions model_options;
};

void run_inspect(const InspectArgs& args) {
  const LayerGraph graph = load_layer_graph(args.model, args.model_options.to_load_options());
  for (const auto& w : graph.warnings)
    std::cerr << "dnntune: warning: " << args.model << ": " << w << "\n";
  std::ostringstream text;
  if (args.format == "json")
    text << inspect_json(graph).dump(2) << "\n";
  else if (args.format == "csv")
    print_inspect_csv(graph, text);
  else
    print_inspect_table(graph, text);
  if (args.output.empty())
    std::cout << text.str();
  else
    write_file_atomically(args.output, text.str());
}

}  // namespace

CommandDef inspect_command() {
  return {"inspect",
          "Show a model's layer graph: shapes, MACs, weights and the bytes crossing every cut",
          [](CLI::App& sub) {
            auto args = std::make_shared<InspectArgs>();
            sub.add_option("MODEL", args->model,
                           "ONNX file or suite model name (see `dnntune zoo list`)")
                ->required();
            sub.add_option("--format", args->format, "Output format")
                ->check(CLI::IsMember({"table", "json", "csv"}))
                ->capture_default_str();
            sub.add_option("-o,--output", args->output, "Write to FILE instead of standard output");
            args->model_options.add_to(sub);
            sub.callback([args] { run_inspect(*args); });
          }};
}

}  // namespace dnntune::cli
