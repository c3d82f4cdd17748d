// DNNTune's Eqs. 1-4 (sim/dnntune_equations.h) and the general cost model configured as DNNTune
// describes its setting (radio power constant while sending, no promotion or tail, no idle power,
// no result download term) must agree at every split.
//
// Provenance: the paper's published per-network figures were not available to us (only its
// abstract was found), so the inputs below are stated here, not taken from the paper: a 4-layer
// chain, uplink 10 Mbit/s (up_ms(bytes) = bytes * 8e-4), rtt 50 ms, P_radio 1.2 W.
#include <gtest/gtest.h>

#include "sim/cost_model.h"
#include "sim/dnntune_equations.h"
#include "sim/split_scan.h"
#include "sim_test_support.h"

namespace dnntune::sim {
namespace {

const std::vector<double> kMobileMs = {12, 30, 8, 4};
const std::vector<double> kMobileW = {2.0, 2.2, 1.8, 1.5};
const std::vector<double> kCloudMs = {0.6, 1.5, 0.4, 0.2};
const std::vector<int64_t> kOutBytes = {193600, 43264, 16384, 4000};
constexpr int64_t kInputBytes = 150528;  // 1x3x224x224 uint8
constexpr double kUplinkMbps = 10, kRttMs = 50, kRadioW = 1.2;

DnntuneInputs inputs() {
  DnntuneInputs in;
  in.mobile_ms = kMobileMs;
  in.mobile_power_W = kMobileW;
  in.cloud_ms = kCloudMs;
  in.cut_bytes = {kInputBytes, kOutBytes[0], kOutBytes[1], kOutBytes[2], kOutBytes[3]};
  in.uplink_mbps = kUplinkMbps;
  in.rtt_ms = kRttMs;
  in.radio_power_W = kRadioW;
  return in;
}

TEST(DnntuneEquations, HandComputedSplits) {
  const auto out = dnntune_equations(inputs());
  ASSERT_EQ(out.size(), 5u);
  // k = -1: T = rtt + D/B + T_cloud = 50 + 150528*8e-4 + 2.7;  E = 1.2 W * 120.4224 ms
  EXPECT_NEAR(out[0].latency_ms, 50 + 120.4224 + 2.7, 1e-9);
  EXPECT_NEAR(out[0].energy_mJ, 144.50688, 1e-9);
  // k = 1: T = (12 + 30) + 50 + 43264*8e-4 + (0.4 + 0.2) = 127.2112
  //        E = (2*12 + 2.2*30) + 1.2 * 34.6112 = 90 + 41.53344
  EXPECT_NEAR(out[2].latency_ms, 127.2112, 1e-9);
  EXPECT_NEAR(out[2].energy_mJ, 131.53344, 1e-9);
  // k = 3 (all on the phone): T = 54, E = 24 + 66 + 14.4 + 6 = 110.4, no network terms
  EXPECT_NEAR(out[4].latency_ms, 54, 1e-9);
  EXPECT_NEAR(out[4].energy_mJ, 110.4, 1e-9);
}

TEST(DnntuneEquations, GeneralModelReproducesThemAtEverySplit) {
  const LayerGraph g = test::build_graph(test::chain_spec(kOutBytes, kInputBytes));
  test::FakeModel phone, cloud;
  for (int i = 0; i < 4; ++i) {
    phone.set("L" + std::to_string(i), kMobileMs[i], kMobileW[i]);
    cloud.set("L" + std::to_string(i), kCloudMs[i], 250);
  }
  // DNNTune's setting: P_radio while sending (beta), nothing else.
  Scenario s = test::fake_scenario({&phone}, &cloud,
                                   test::plain_link(kUplinkMbps, 100, kRttMs, kRadioW * 1000));
  s.charge_result_download = false;
  s.phone_idle_power_W = 0;
  const CostTable table = CostTable::build(g, s);
  const auto expected = dnntune_equations(inputs());
  const auto scanned = scan_splits(g, s, table, 0);
  for (const DnntuneSplit& e : expected) {
    SCOPED_TRACE("split after " + std::to_string(e.split_after));
    const InferenceCost c =
        evaluate_placement(g, s, table, Placement::split(4, e.split_after, 0, 1));
    EXPECT_NEAR(c.latency_ms, e.latency_ms, 1e-9);
    EXPECT_NEAR(c.energy.total_mJ(), e.energy_mJ, 1e-9);
    const InferenceCost& fast = scanned[static_cast<size_t>(e.split_after + 1)].cost;
    EXPECT_NEAR(fast.latency_ms, e.latency_ms, 1e-9);
    EXPECT_NEAR(fast.energy.total_mJ(), e.energy_mJ, 1e-9);
  }
}

TEST(DnntuneEquations, RejectsInconsistentInputs) {
  DnntuneInputs in = inputs();
  in.cut_bytes.pop_back();
  EXPECT_THROW(dnntune_equations(in), std::invalid_argument);
}

}  // namespace
}  // namespace dnntune::sim
