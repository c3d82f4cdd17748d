#pragma once
// DNNTune's analytical model of a mobile-cloud split (Xia, Zhao, Cui, Feng, Xue: "DNNTune:
// Automatic Benchmarking DNN Models for Mobile-cloud Computing", ACM TACO 16(4), 2019), written
// out as closed forms so the general cost model can be checked against them. For a split after
// layer k (layers 0..k on the phone, k+1..n-1 on the cloud):
//   Eq. 1  T_mobile(k) = sum_{i<=k} t_i^mobile                      T_cloud(k) = sum_{i>k}
//   t_i^cloud Eq. 2  T(k)        = T_mobile(k) + T_rtt + D_k / B_up + T_cloud(k)   (no network
//   terms if k = n-1) Eq. 3  E_mobile(k) = sum_{i<=k} P_i^mobile * t_i^mobile Eq. 4  E(k)        =
//   E_mobile(k) + P_radio * D_k / B_up
// D_k: bytes crossing the cut (model inputs for k = -1), B_up: uplink bandwidth. The numbering is
// this file's: the paper's full text was not available to us (see sim/README.md).
#include <cstdint>
#include <vector>

namespace dnntune::sim {

struct DnntuneInputs {
  std::vector<double> mobile_ms;       // t_i^mobile, one per layer
  std::vector<double> mobile_power_W;  // P_i^mobile
  std::vector<double> cloud_ms;        // t_i^cloud
  std::vector<int64_t> cut_bytes;      // D_k for k = -1..n-1, stored at [k+1]
  double uplink_mbps = 0;
  double rtt_ms = 0;
  double radio_power_W = 0;
};

struct DnntuneSplit {
  int split_after = -1;
  double latency_ms = 0;  // Eq. 2
  double energy_mJ = 0;   // Eq. 4
};

// One entry per k = -1..n-1. Contract: all vectors sized consistently (n and n+1), else
// std::invalid_argument.
std::vector<DnntuneSplit> dnntune_equations(const DnntuneInputs& in);

}  // namespace dnntune::sim
