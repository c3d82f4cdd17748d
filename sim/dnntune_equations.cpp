#include "sim/dnntune_equations.h"

#include <stdexcept>

namespace dnntune::sim {

std::vector<DnntuneSplit> dnntune_equations(const DnntuneInputs& in) {
  const size_t n = in.mobile_ms.size();
  if (in.mobile_power_W.size() != n || in.cloud_ms.size() != n || in.cut_bytes.size() != n + 1)
    throw std::invalid_argument("dnntune_equations: inconsistent input sizes");
  std::vector<DnntuneSplit> out;
  for (int k = -1; k < static_cast<int>(n); ++k) {
    double t_mobile_ms = 0, e_mobile_mJ = 0, t_cloud_ms = 0;
    for (int i = 0; i < static_cast<int>(n); ++i) {
      if (i <= k) {
        t_mobile_ms += in.mobile_ms[i];                         // Eq. 1
        e_mobile_mJ += in.mobile_power_W[i] * in.mobile_ms[i];  // Eq. 3 (W * ms = mJ)
      } else {
        t_cloud_ms += in.cloud_ms[i];
      }
    }
    DnntuneSplit s{k, t_mobile_ms, e_mobile_mJ};
    if (k < static_cast<int>(n) - 1) {
      // D_k / B_up in ms: bytes * 8 bit / (Mbit/s * 1e6) * 1e3
      const double transfer_ms =
          static_cast<double>(in.cut_bytes[k + 1]) * 8.0 / (in.uplink_mbps * 1e6) * 1e3;
      s.latency_ms += in.rtt_ms + transfer_ms + t_cloud_ms;  // Eq. 2
      s.energy_mJ += in.radio_power_W * transfer_ms;         // Eq. 4
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace dnntune::sim
