// dnntune crossval TRACE... [--model M]... [--format table|json]
#include <algorithm>
#include <iostream>
#include <memory>

#include "calibration/fit/holdout.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/format.h"
#include "traces/common/error.h"

namespace dnntune::cli {
namespace {

struct CrossvalArgs {
  std::vector<std::string> traces, models;
  std::string format = "table";
  bool per_layer = false;
};

void run_crossval(const CrossvalArgs& args) {
  std::vector<std::pair<std::string, calib::Trace>> traces;
  for (const auto& path : args.traces) traces.emplace_back(path, calib::read_trace(path));
  std::vector<std::string> models = args.models;
  if (models.empty())
    for (const auto& [path, trace] : traces)
      for (const auto& prior : trace.header.priors)
        if (std::find(models.begin(), models.end(), prior) == models.end()) models.push_back(prior);
  if (models.empty())
    throw InputError(args.traces.front(),
                     "the trace names no prior models: pass the models to hold out with --model");
  const calib::HoldoutSummary s = calib::holdout_models(traces, models, {});
  if (args.format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : s.rows) {
      nlohmann::json j = {{"model", r.model}};
      if (!r.error.empty()) {
        j["error"] = r.error;
      } else {
        j.update({{"kernel_ms", r.kernel_ms},
                  {"predicted_ms", r.predicted_ms},
                  {"error_pct", r.error_pct},
                  {"layer_mape_pct", r.layers_compared > 0 ? nlohmann::json(r.layer_mape_pct)
                                                           : nlohmann::json(nullptr)},
                  {"layers", r.layers},
                  {"layers_measured", r.matched},
                  {"excluded_kernels", r.excluded_kernels}});
      }
      rows.push_back(j);
    }
    std::cout << nlohmann::json{{"models", rows},
                                {"within_10pct", s.within_10pct},
                                {"within_20pct", s.within_20pct}}
                     .dump(2)
              << "\n";
    return;
  }
  TextTable table({"held-out model", "layers", "kernels ms", "predicted ms", "error %",
                   "layer MAPE %", "kernels left out"},
                  {false, true, true, true, true, true, true});
  for (const auto& r : s.rows) {
    if (!r.error.empty()) {
      std::cerr << "crossval: " << r.model << ": " << r.error << "\n";
      continue;
    }
    table.add_row({r.model, std::to_string(r.matched) + "/" + std::to_string(r.layers),
                   fixed(r.kernel_ms, 3), fixed(r.predicted_ms, 3), fixed(r.error_pct, 1),
                   r.layers_compared > 0 ? fixed(r.layer_mape_pct, 1) : "-",
                   std::to_string(r.excluded_kernels)});
  }
  table.print(std::cout);
  if (args.per_layer)
    for (const auto& r : s.rows) {
      if (!r.error.empty()) continue;
      TextTable layers({r.model + " layer", "kind", "kernel ms", "predicted ms", "error %"},
                       {false, false, true, true, true});
      for (const auto& l : r.layer_pairs)
        layers.add_row({l.name, l.kind, fixed(l.kernel_ms, 3), fixed(l.predicted_ms, 3),
                        fixed(100 * (l.predicted_ms - l.kernel_ms) / l.kernel_ms, 1)});
      std::cout << "\n";
      layers.print(std::cout);
    }
  std::cout << "within +-10%: " << fixed(100 * s.within_10pct, 0)
            << "%   within +-20%: " << fixed(100 * s.within_20pct, 0) << "%\n";
}

}  // namespace

CommandDef crossval_command() {
  return {"crossval",
          "Leave-one-model-out on a calibration trace: each model's layers predicted by a fit "
          "without them, against their kernels as measured",
          [](CLI::App& sub) {
            auto args = std::make_shared<CrossvalArgs>();
            sub.add_option("TRACE", args->traces, "Calibration traces from dnntune calibrate")
                ->required();
            sub.add_option("--model", args->models,
                           "Model to hold out (repeatable; default: every prior of the traces)");
            sub.add_option("--format", args->format, "Output format")
                ->check(CLI::IsMember({"table", "json"}))
                ->capture_default_str();
            sub.add_flag("--per-layer", args->per_layer,
                         "Also print every layer's kernel time and prediction (table format)");
            sub.callback([args] { run_crossval(*args); });
          }};
}

}  // namespace dnntune::cli
