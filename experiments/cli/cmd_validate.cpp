// dnntune validate MODEL... --device PROFILE --engine opencv [--threads N] [--format table|json]
#include <cmath>
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
  bool per_layer = false;
  int rounds = 3;
  double max_wait_s = 3;  // per model and round, for the machine to reach its calibration speed
};

void run_validate(const ValidateArgs& args) {
  const calib::DeviceProfile profile = calib::read_profile(args.profile);
  const int threads = args.threads > 0 ? args.threads : profile.threads;
  if (threads != profile.threads || args.engine != profile.engine)
    std::cerr << "dnntune: warning: validating on " << args.engine << " with " << threads
              << " thread(s), but " << args.profile << " was calibrated on " << profile.engine
              << " with " << profile.threads << "\n";
  auto engine = calib::make_engine(args.engine, {threads});
  calib::MeasureOptions m;
  m.warmup_runs = 2;
  m.warmup_min_ms = calib::kModelWarmupMs;
  m.min_repeats = 10;
  m.max_repeats = 40;
  m.max_time_ms = 4000;
  m.threads = threads;
  std::vector<calib::ValidationRow> rows;
  const double load = calib::host_load_avg_1m();
  // Where the threads run now against where they ran at calibration (host_info.h): a host that
  // moved the vCPUs changes multi-thread times by tens of percent, one way or the other.
  const double core_to_core_ns = threads > 1 ? calib::measure_core_to_core_ns() : 0.0;
  if (calib::placement_changed(profile.core_to_core_ns, core_to_core_ns))
    std::cerr << "dnntune: warning: this machine's CPUs are now " << std::lround(core_to_core_ns)
              << " ns apart (cache-line round trip), at calibration "
              << std::lround(profile.core_to_core_ns)
              << " ns: the host placed the engine's threads differently, so " << threads
              << "-thread times are not comparable with " << args.profile << "\n";
  rows = calib::validate_models(args.models, profile, *engine, m, args.rounds, args.max_wait_s);
  for (const auto& r : rows)
    if (!r.ran) std::cerr << "dnntune: warning: " << r.model << ": skipped: " << r.error << "\n";
  const calib::ValidationSummary s = calib::summarize(std::move(rows));
  if (args.format == "json") {
    nlohmann::json models = nlohmann::json::array();
    for (const auto& r : s.rows)
      if (r.ran)
        models.push_back(
            {{"model", r.model},
             {"measured_ms", r.measured_ms},
             {"predicted_ms", r.predicted_ms},
             {"error_pct", r.error_pct},
             {"layer_mape_pct",
              r.layers_compared > 0 ? nlohmann::json(r.layer_mape_pct) : nlohmann::json(nullptr)},
             {"layers_compared", r.layers_compared},
             {"wall_ms", r.wall_ms},
             {"cpu_share", r.cpu_share},
             {"reference_ratio", r.reference_ratio},
             {"speed_adjusted_error_pct", r.speed_adjusted_error_pct}});
    std::cout << nlohmann::json{{"models", models},
                                {"within_10pct", s.within_10pct},
                                {"within_20pct", s.within_20pct},
                                {"speed_adjusted_within_10pct", s.adjusted_within_10pct},
                                {"speed_adjusted_within_20pct", s.adjusted_within_20pct},
                                {"core_to_core_ns", core_to_core_ns},
                                {"calibrated_core_to_core_ns", profile.core_to_core_ns}}
                     .dump(2)
              << "\n";
    return;
  }
  TextTable table({"model", "measured ms", "predicted ms", "error %", "layer MAPE %", "layers",
                   "wall ms", "cpu share", "ref x", "adj error %"},
                  {false, true, true, true, true, true, true, true, true, true});
  for (const auto& r : s.rows)
    if (r.ran)
      table.add_row({r.model, fixed(r.measured_ms, 3), fixed(r.predicted_ms, 3),
                     fixed(r.error_pct, 1),
                     r.layers_compared > 0 ? fixed(r.layer_mape_pct, 1) : "-",
                     std::to_string(r.layers_compared), fixed(r.wall_ms, 2), fixed(r.cpu_share, 2),
                     r.reference_ratio > 0 ? fixed(r.reference_ratio, 2) : "-",
                     fixed(r.speed_adjusted_error_pct, 1)});
  std::cout << "validate on " << profile.device << " (" << args.engine << ", " << threads
            << " thread(s), load average at start " << fixed(load, 2);
  if (core_to_core_ns > 0)
    std::cout << ", core-to-core " << std::lround(core_to_core_ns) << " ns, at calibration "
              << (profile.core_to_core_ns > 0 ? std::to_string(std::lround(profile.core_to_core_ns))
                                              : std::string("unknown"));
  std::cout << ")\n";
  table.print(std::cout);
  if (args.per_layer)
    for (const auto& r : s.rows) {
      TextTable lt({"layer", "kind", "measured ms", "predicted ms", "error %"},
                   {false, false, true, true, true});
      for (const auto& l : r.layers)
        lt.add_row({l.name, l.kind, fixed(l.measured_ms, 3), fixed(l.predicted_ms, 3),
                    l.measured_ms > 0
                        ? fixed(100 * (l.predicted_ms - l.measured_ms) / l.measured_ms, 1)
                        : "-"});
      std::cout << "\n" << r.model << "\n";
      lt.print(std::cout);
    }
  std::cout << "within +-10%: " << fixed(100 * s.within_10pct, 0)
            << "%   within +-20%: " << fixed(100 * s.within_20pct, 0)
            << "%   speed-adjusted (ref x): within +-10%: "
            << fixed(100 * s.adjusted_within_10pct, 0)
            << "%   within +-20%: " << fixed(100 * s.adjusted_within_20pct, 0) << "%\n";
}

}  // namespace

CommandDef validate_command() {
  return {"validate", "Run models on the engine and compare measured with predicted latency",
          [](CLI::App& sub) {
            auto args = std::make_shared<ValidateArgs>();
            sub.add_option("MODEL", args->models, "ONNX files or suite model names")->required();
            sub.add_option("--device", args->profile, "Device profile (YAML from dnntune fit)")
                ->required();
            sub.add_option("--engine", args->engine, "Inference engine")
                ->check(CLI::IsMember(calib::engine_names()))
                ->capture_default_str();
            sub.add_option("--threads", args->threads, "Engine threads (default: the profile's)")
                ->check(CLI::PositiveNumber);
            sub.add_option("--format", args->format, "Output format")
                ->check(CLI::IsMember({"table", "json"}))
                ->capture_default_str();
            sub.add_option("--rounds", args->rounds,
                           "Interleaved measurement rounds, each on a freshly loaded instance (the "
                           "lowest median counts)")
                ->check(CLI::PositiveNumber)
                ->capture_default_str();
            sub.add_option("--max-wait", args->max_wait_s,
                           "Seconds to wait, per model and round, for the reference kernel to run "
                           "within 10% of its calibrated time before measuring")
                ->check(CLI::NonNegativeNumber)
                ->capture_default_str();
            sub.add_flag("--per-layer", args->per_layer,
                         "Also print measured and predicted time of every layer (table)");
            sub.callback([args] { run_validate(*args); });
          }};
}

}  // namespace dnntune::cli
