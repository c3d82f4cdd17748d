#pragma once
// dnntune fit: calibration traces -> device profile. Kernels are grouped by feature kind, every
// kind gets a cross-validated latency model, a "default" memory-bound model covers kinds the
// engine never ran, and the fusion probes become the profile's fusion rules.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "calibration/fit/kind_model.h"
#include "calibration/profile/device_profile.h"
#include "calibration/trace.h"

namespace dnntune::calib {

struct FitProfileOptions {
  std::string device;  // empty: "host-<engine>-<threads>t"
  FitOptions fit;
  // Power when RAPL energy is absent: declared values, or a meter's log (CSV time_s,power_W).
  double declared_active_W = 0, declared_idle_W = 0;
  std::string power_log;
  // Leave-one-model-out: kernels whose spec comes from these models' layers (their priors and
  // every neighbour or refinement derived from them) are left out of the fit.
  std::vector<std::string> exclude_models;
  // Kernels with these KernelSpec keys are left out too: the excluded models' own layer
  // configurations, wherever the trace attributed them (a configuration two models share is
  // recorded once, under the first).
  std::set<std::string> exclude_keys;
  // Drop kernels flagged noisy or measured in a slow machine state (state_ratio > kSlowStateRatio)
  // when their kind keeps >= 8 others.
  bool drop_noisy = true;
  // Learn per-kind context factors from the traces' in-model records (learn_context_factors).
  // On by default: layers run 4-16 % slower inside a model than alone, and how much slower
  // varies from one calibration to the next (the median 1-thread error without them was -5 % in
  // one run and -10.5 % in another); the factors are measured in the same calibration as the
  // kernels, so they follow it (calibration/README.md has the runs). --no-context-factors: off.
  bool context_factors = true;
};

// Per feature kind, how much slower a layer runs inside a model than alone: over the layers of
// the in-model records (skipping excluded models and slow-state runs) whose kernel among `kernels`
// takes >= DeviceProfile::kContextFloorMs and that ran inside the model (not booked at under
// kZeroNodeShare of the kernel's time), sum of in-model times / sum of kernel times (each ratio
// clipped to [0.5, 2]); kinds with fewer than 5 such layers are left to "*", the ratio over all
// layers.
std::map<std::string, double> learn_context_factors(const std::vector<const KernelRecord*>& kernels,
                                                    const std::vector<InModelRecord>& in_model,
                                                    const std::vector<std::string>& exclude_models);

// True when `options` leave kernel `k` out of the fit.
bool is_excluded(const KernelRecord& k, const FitProfileOptions& options);

// Per-run overhead from the kernels' (input bytes, total - layer ms): run_overhead_ms is the
// median over kernels with inputs of at most kSmallInputBytes, input_copy_GBps the median rate
// at which the rest grows with the input between kCopyRateMinBytes and kCopyRateMaxBytes (above
// it, one calibration's overhead jumped to milliseconds: the engine's allocator, not the copy).
// Fewer than five small-input kernels: the median over all and no copy rate, as before.
inline constexpr double kSmallInputBytes = 16 * 1024;
inline constexpr double kCopyRateMinBytes = 64 * 1024;
inline constexpr double kCopyRateMaxBytes = 4 * 1024 * 1024;
void fit_run_overhead(const std::vector<std::pair<double, double>>& overheads, DeviceProfile& p);

// Kernels whose predicted fused tail exceeds this share of their time do not train their anchor.
inline constexpr double kMaxTailShare = 0.5;

// Throws InputError when traces disagree on engine/threads or hold no kernels.
DeviceProfile fit_profile(const std::vector<std::pair<std::string, Trace>>& traces,
                          const FitProfileOptions& options,
                          std::vector<std::string>* notes = nullptr);

}  // namespace dnntune::calib
