// dnntune validate MODEL... --device PROFILE --engine opencv [--threads N] [--format table|json]
#include <iostream>
#include <memory>

#include "calibration/host_info.h"
#include "calibration/predict.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/format.h"

namespace dnntune::cli {
namespace {

struct ValidateArgs {
  std::vector<std::string> models;
  std::string profile, engine = "opencv", format = "table";
  int threads = 0;
};

void run_validate(const ValidateArgs& args) {
  const calib::DeviceProfile profile = calib::read_profile(args.profile);
  const int threads = args.threads > 0 ? args.threads : profile.threads;
  if (threads != profile.threads || args.engine != profile.engine)
    std::cerr << "dnntune: warning: validating on " << args.engine << " with " << threads << " thread(s), but "
              << args.profile << " was calibrated on " << profile.engine << " with " << profile.threads << "\n";
  auto engine = calib::make_engine(args.engine, {threads});
  calib::MeasureOptions m;
  m.warmup_runs = 2;
  m.min_repeats = 10;
  m.max_repeats = 40;
  m.max_time_ms = 4000;
  m.threads = threads;
  std::vector<calib::ValidationRow> rows;
  const double load = calib::host_load_avg_1m();
  for (const auto& model : args.models) {
    rows.push_back(calib::validate_model(model, profile, *engine, m));
    if (!rows.back().ran) std::cerr << "dnntune: warning: " << model << ": skipped: " << rows.back().error << "\n";
  }
  const calib::ValidationSummary s = calib::summarize(std::move(rows));
  if (args.format == "json") {
    nlohmann::json models = nlohmann::json::array();
    for (const auto& r : s.rows)
      if (r.ran)
        models.push_back({{"model", r.model}, {"measured_ms", r.measured_ms}, {"predicted_ms", r.predicted_ms},
                          {"error_pct", r.error_pct}, {"layer_mape_pct", r.layer_mape_pct},
                          {"wall_ms", r.wall_ms}, {"cpu_share", r.cpu_share}});
    std::cout << nlohmann::json{{"models", models}, {"within_10pct", s.within_10pct}, {"within_20pct", s.within_20pct}}.dump(2)
              << "\n";
    return;
  }
  TextTable table({"model", "measured ms", "predicted ms", "error %", "layer MAPE %", "layers", "wall ms", "cpu share"},
                  {false, true, true, true, true, true, true, true});
  for (const auto& r : s.rows)
    if (r.ran)
      table.add_row({r.model, fixed(r.measured_ms, 2), fixed(r.predicted_ms, 2), fixed(r.error_pct, 1),
                     fixed(r.layer_mape_pct, 1), std::to_string(r.layers_compared), fixed(r.wall_ms, 2), fixed(r.cpu_share, 2)});
  std::cout << "validate on " << profile.device << " (" << args.engine << ", " << threads
            << " thread(s), load average at start " << fixed(load, 2) << ")\n";
  table.print(std::cout);
  std::cout << "within +-10%: " << fixed(100 * s.within_10pct, 0) << "%   within +-20%: " << fixed(100 * s.within_20pct, 0)
            << "%\n";
}

}  // namespace

CommandDef validate_command() {
  return {"validate", "Run models on the engine and compare measured with predicted latency",
          [](CLI::App& sub) {
            auto args = std::make_shared<ValidateArgs>();
            sub.add_option("MODEL", args->models, "ONNX files or suite model names")->required();
            sub.add_option("--device", args->profile, "Device profile (YAML from dnntune fit)")->required();
            sub.add_option("--engine", args->engine, "Inference engine")
                ->check(CLI::IsMember(calib::engine_names()))
                ->capture_default_str();
            sub.add_option("--threads", args->threads, "Engine threads (default: the profile's)")->check(CLI::PositiveNumber);
            sub.add_option("--format", args->format, "Output format")
                ->check(CLI::IsMember({"table", "json"}))
                ->capture_default_str();
            sub.callback([args] { run_validate(*args); });
          }};
}

}  // namespace dnntune::cli
