// dnntune calibrate --engine opencv [--threads N] [--budget SECONDS] [-o FILE]
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "calibration/calibrate.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/format.h"
#include "traces/common/atomic_file.h"

namespace dnntune::cli {
namespace {

struct CalibrateArgs {
  std::string engine = "opencv";
  int threads = 1;
  double budget_s = 180;
  std::string output;
  std::vector<std::string> priors;
  std::vector<std::string> exclude;
  bool no_priors = false;
  uint32_t seed = 1;
};

// The reference models next to the project (../shared/models), when present.
std::vector<std::string> default_priors() {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  const fs::path dir = fs::path(DNNTUNE_SOURCE_DIR) / ".." / "shared" / "models";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".onnx") out.push_back(fs::weakly_canonical(e.path()).string());
  std::sort(out.begin(), out.end());
  return out;
}

void run_calibrate(const CalibrateArgs& args) {
  auto engine = calib::make_engine(args.engine, {args.threads});
  calib::CalibrateOptions options;
  options.budget_s = args.budget_s;
  options.prior_models = args.no_priors ? std::vector<std::string>{}
                                        : (args.priors.empty() ? default_priors() : args.priors);
  options.exclude_models = args.exclude;
  options.seed = args.seed;
  const bool tty = isatty(fileno(stderr));
  double next_line_s = 0;
  options.progress = [&](const calib::CalibrateProgress& p) {
    const double frac = std::min(1.0, p.elapsed_s / p.budget_s);
    if (tty) {
      const int width = 30, filled = static_cast<int>(frac * width);
      std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] "
                << fixed(100 * frac, 0) << "% " << p.kernels << " kernels, " << p.phase << ", ETA "
                << fixed(std::max(0.0, p.budget_s - p.elapsed_s), 0) << " s   " << std::flush;
    } else if (p.elapsed_s >= next_line_s) {
      std::cerr << "calibrate: " << fixed(p.elapsed_s, 0) << "/" << fixed(p.budget_s, 0) << " s, "
                << p.kernels << " kernels, " << p.phase << "\n";
      next_line_s = p.elapsed_s + std::max(5.0, p.budget_s / 10);
    }
  };
  std::cerr << "calibrate: engine " << engine->name() << " " << engine->version() << ", "
            << args.threads << " thread(s), budget " << args.budget_s << " s, "
            << options.prior_models.size() << " prior model(s)"
            << (args.exclude.empty() ? "" : ", leaving out the excluded model(s)") << "\n";
  calib::CalibrateResult r = calib::calibrate(*engine, options);
  if (tty) std::cerr << "\n";
  for (const auto& w : r.warnings) std::cerr << "dnntune: warning: " << w << "\n";
  if (!r.trace.header.rapl)
    std::cerr << "calibrate: no RAPL energy counters (/sys/class/powercap): energy not measured; "
                 "dnntune fit falls back "
                 "to declared power or --power-log\n";
  std::cerr << "calibrate: " << r.trace.kernels.size() << " kernels and " << r.trace.fusion.size()
            << " fusion probes in " << fixed(r.elapsed_s, 1) << " s (load average at start "
            << fixed(r.trace.header.load_avg_1m, 2) << ")\n";
  const std::string text = calib::trace_to_text(r.trace);
  if (args.output.empty())
    std::cout << text;
  else
    write_file_atomically(args.output, text);
}

}  // namespace

CommandDef calibrate_command() {
  return {
      "calibrate",
      "Measure calibration kernels on an inference engine and write a trace (JSON Lines)",
      [](CLI::App& sub) {
        auto args = std::make_shared<CalibrateArgs>();
        sub.add_option("--engine", args->engine, "Inference engine")
            ->check(CLI::IsMember(calib::engine_names()))
            ->capture_default_str();
        sub.add_option("--threads", args->threads, "Engine threads")
            ->check(CLI::PositiveNumber)
            ->capture_default_str();
        sub.add_option("--budget", args->budget_s, "Time budget in seconds")
            ->check(CLI::PositiveNumber)
            ->capture_default_str();
        sub.add_option("-o,--output", args->output,
                       "Write the trace to FILE instead of standard output");
        sub.add_option("--priors", args->priors,
                       "Models (ONNX files or suite names) whose layers seed the sampling; "
                       "default: ../shared/models/*.onnx");
        sub.add_flag("--no-priors", args->no_priors, "Only space-filling kernels, no model priors");
        sub.add_option(
            "--exclude-model", args->exclude,
            "Leave this model (file stem, e.g. resnet18) out of the priors: leave-one-model-out");
        sub.add_option("--seed", args->seed, "Sampling seed")->capture_default_str();
        sub.callback([args] { run_calibrate(*args); });
      }};
}

}  // namespace dnntune::cli
