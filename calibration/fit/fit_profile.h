#pragma once
// dnntune fit: calibration traces -> device profile. Kernels are grouped by feature kind, every
// kind gets a cross-validated latency model, a "default" memory-bound model covers kinds the
// engine never ran, and the fusion probes become the profile's fusion rules.
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
  bool drop_noisy = true;  // drop kernels flagged noisy when their kind keeps >= 8 clean ones
};

// Throws InputError when traces disagree on engine/threads or hold no kernels.
DeviceProfile fit_profile(const std::vector<std::pair<std::string, Trace>>& traces,
                          const FitProfileOptions& options,
                          std::vector<std::string>* notes = nullptr);

}  // namespace dnntune::calib
