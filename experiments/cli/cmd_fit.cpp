// dnntune fit TRACE... -o PROFILE.yaml
#include <iostream>
#include <memory>

#include "calibration/fit/fit_profile.h"
#include "calibration/fit/holdout.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/format.h"
#include "traces/common/atomic_file.h"

namespace dnntune::cli {
namespace {

struct FitArgs {
  std::vector<std::string> traces;
  std::string output;
  calib::FitProfileOptions options;
};

void run_fit(const FitArgs& args) {
  std::vector<std::pair<std::string, calib::Trace>> traces;
  for (const auto& path : args.traces) traces.emplace_back(path, calib::read_trace(path));
  calib::FitProfileOptions options = args.options;
  calib::add_model_exclusions(traces, options);
  std::vector<std::string> notes;
  const calib::DeviceProfile profile = calib::fit_profile(traces, options, &notes);
  for (const auto& n : notes) std::cerr << "fit: " << n << "\n";
  TextTable table({"kind", "samples", "form", "cv MAPE %", "train MAPE %", "roofline", "loglinear",
                   "loglinear_knn", "split"},
                  {false, true, false, true, true, true, true, true, true});
  for (const auto& [kind, m] : profile.kinds) {
    auto cand = [&](const char* form) {
      auto it = m.stats.candidates_cv_mape_pct.find(form);
      return it == m.stats.candidates_cv_mape_pct.end() ? std::string("-") : fixed(it->second, 1);
    };
    // A split reads "split: log_in_spatial < 5.66 (287) loglinear_knn | roofline".
    std::string form = m.form;
    if (m.children.size() == 2)
      form += ": " + calib::split_feature_names().at(m.split_feature) + " < " +
              fixed(m.split_threshold, 2) + " (" + fixed(std::exp(m.split_threshold), 0) + ") " +
              m.children[0].form + " | " + m.children[1].form;
    table.add_row({kind, std::to_string(m.stats.samples), form, fixed(m.stats.cv_mape_pct, 1),
                   fixed(m.stats.train_mape_pct, 1), cand("roofline"), cand("loglinear"),
                   cand("loglinear_knn"), cand("split")});
  }
  table.print(std::cout);
  std::cout << "fusion rules:";
  for (const auto& r : profile.fusion) {
    std::cout << " " << r.name << "(";
    for (size_t i = 0; i < r.steps.size(); ++i)
      for (size_t j = 0; j < r.steps[i].ops.size(); ++j)
        std::cout << (i || j ? "," : "") << r.steps[i].ops[j];
    std::cout << ")";
  }
  std::cout << "\n";
  if (!profile.context_factor.empty()) {
    std::cout << "context factors (in a model / alone, for layers of 0.1/1/10 ms alone):";
    for (const auto& [kind, factor] : profile.context_factor)
      std::cout << " " << kind << " " << fixed(factor.at(0.1), 2) << "/" << fixed(factor.at(1), 2)
                << "/" << fixed(factor.at(10), 2);
    std::cout << "\n";
  }
  if (profile.weight_stream_GBps > 0)
    std::cout << "weights beyond the " << fixed(profile.llc_bytes / 1048576.0, 0)
              << " MiB last-level cache stream from memory at "
              << fixed(profile.weight_stream_GBps, 1) << " GB/s alone\n";
  if (profile.model_stream_GBps > 0)
    std::cout << "inside whole models beyond the cache, weight-bound layers read their weights at "
              << fixed(profile.model_stream_GBps, 1) << " GB/s\n";
  std::cout << "per forward pass: " << fixed(profile.run_overhead_ms * 1000, 2) << " us";
  if (profile.input_copy_GBps > 0)
    std::cout << " + the inputs copied at " << fixed(profile.input_copy_GBps, 1) << " GB/s";
  std::cout << "\n";
  write_file_atomically(args.output, calib::profile_to_yaml(profile));
  std::cerr << "fit: wrote " << args.output << " (device " << profile.device << ")\n";
}

}  // namespace

CommandDef fit_command() {
  return {"fit",
          "Fit a device profile (per-kind latency models, fusion rules) from calibration traces",
          [](CLI::App& sub) {
            auto args = std::make_shared<FitArgs>();
            sub.add_option("TRACE", args->traces, "Calibration traces from dnntune calibrate")
                ->required();
            sub.add_option("-o,--output", args->output, "Profile to write (YAML)")->required();
            sub.add_option("--device", args->options.device,
                           "Device name in the profile (default host-<engine>-<N>t)");
            sub.add_option("--active-power-W", args->options.declared_active_W,
                           "Declared active power, used when the traces hold no RAPL energy");
            sub.add_option("--idle-power-W", args->options.declared_idle_W, "Declared idle power");
            sub.add_option(
                "--exclude-model", args->options.exclude_models,
                "Leave-one-model-out: drop this model's layer configurations and the kernels "
                "derived from them (file stem of a prior, or a model file)");
            sub.add_flag("--context-factors,!--no-context-factors", args->options.context_factors,
                         "Scale each kind by how much slower its layers ran inside the prior "
                         "models than alone (learned from the trace's in_model records; on by "
                         "default)");
            sub.add_option("--power-log", args->options.power_log,
                           "External meter log (CSV time_s,power_W)");
            sub.callback([args] { run_fit(*args); });
          }};
}

}  // namespace dnntune::cli
