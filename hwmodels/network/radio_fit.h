#pragma once
// Fits the transfer-power model P = alpha_up * up + alpha_down * down + beta (Huang et al.,
// MobiSys 2012) to measured (throughput, power) samples by linear least squares (Eigen). Used to
// derive the 5g preset from the 5Gophers measurements (../shared/data/network/
// 5gophers_measurements/power_throughput_rsrp_mi-combined.csv); the result is stored in
// hwmodels/catalog/network/5g.yaml and a shared test refits and compares.
#include <cstddef>
#include <string>
#include <vector>

namespace dnntune::hw {

struct PowerSample {
  double uplink_mbps = 0;
  double downlink_mbps = 0;
  double power_mW = 0;
};

struct RadioPowerFit {
  double alpha_up_mW_per_Mbps = 0;
  double alpha_down_mW_per_Mbps = 0;
  double beta_mW = 0;
  double rmse_mW = 0;    // root mean square residual
  double r_squared = 0;  // 1 - SSE / SST
  size_t samples = 0;
  double max_uplink_mbps = 0;  // the range the fit is supported by
  double max_downlink_mbps = 0;
};

// Contract: throws InputError("<fit>", ...) with fewer than 3 samples or a rank-deficient design
// (e.g. no sample with uplink traffic).
RadioPowerFit fit_radio_power(const std::vector<PowerSample>& samples);

// Reads the 5Gophers power CSV (header with nrStatus, downlink_Mbps, uplink_Mbps and
// `power_column`); keeps rows whose nrStatus is CONNECTED (5G NR attached). Throws
// InputError(path, "line N: ...") for a missing column or a malformed number.
std::vector<PowerSample> load_5gophers_power_csv(
    const std::string& path, const std::string& power_column = "hardware_power");

}  // namespace dnntune::hw
