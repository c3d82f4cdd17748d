// dnntune predict MODEL --device PROFILE [--format table|json]
#include <iostream>
#include <memory>

#include "calibration/predict.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/format.h"
#include "experiments/cli/model_options.h"

namespace dnntune::cli {
namespace {

struct PredictArgs {
  std::string model, profile, format = "table";
  ModelOptions model_options;
};

void run_predict(const PredictArgs& args) {
  const calib::DeviceProfile profile = calib::read_profile(args.profile);
  const LayerGraph graph = load_layer_graph(
      args.model, calib::profile_load_options(profile, args.model_options.to_load_options()));
  const calib::ModelPrediction p = calib::predict_model(graph, profile);
  for (const auto& l : p.layers)
    if (!l.feasible)
      std::cerr << "dnntune: warning: " << args.model << ": layer " << l.name << ": " << l.reason
                << "\n";
  if (args.format == "json") {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : p.layers)
      layers.push_back({{"index", l.index}, {"name", l.name}, {"latency_ms", l.latency_ms}});
    std::cout << nlohmann::json{{"model", p.model},
                                {"device", p.device},
                                {"layers", layers},
                                {"total_ms", p.total_ms}}
                     .dump(2)
              << "\n";
    return;
  }
  TextTable table({"#", "layer", "kind", "latency ms"}, {true, false, false, true});
  for (const auto& l : p.layers)
    table.add_row({std::to_string(l.index), l.name, l.kind,
                   l.feasible ? fixed(l.latency_ms, 3) : "infeasible"});
  table.add_separator();
  // The per-run overhead in microseconds: a small model's is well under 0.001 ms.
  table.add_row({"", "total (incl. " + fixed(p.run_overhead_ms * 1000, 1) + " us per run)", "",
                 fixed(p.total_ms, 3)});
  std::cout << p.model << " on " << p.device << "\n";
  table.print(std::cout);
}

}  // namespace

CommandDef predict_command() {
  return {"predict",
          "Predict a model's per-layer and total latency from a calibrated device profile",
          [](CLI::App& sub) {
            auto args = std::make_shared<PredictArgs>();
            sub.add_option("MODEL", args->model, "ONNX file or suite model name")->required();
            sub.add_option("--device", args->profile, "Device profile (YAML from dnntune fit)")
                ->required();
            sub.add_option("--format", args->format, "Output format")
                ->check(CLI::IsMember({"table", "json"}))
                ->capture_default_str();
            args->model_options.add_to(sub);
            sub.callback([args] { run_predict(*args); });
          }};
}

}  // namespace dnntune::cli
