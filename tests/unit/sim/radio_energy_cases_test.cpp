// Phone energy of one cloud-only request, by hand, for one radio of each kind. The request:
// upload 10000 B at 8 Mbit/s (radio [0, 10) ms), rtt 20 ms, cloud 1 ms, download 100 B at
// 16 Mbit/s. The upload ends at 10 ms; the download's radio starts at 10 + rtt/2 + 1 + rtt/2 =
// 31 ms (radio [31, 31.05) ms): a 21 ms gap.
// Radio numbers are made up for the test (not a real radio's); energies in mJ (mW * ms / 1000).
#include <gtest/gtest.h>

#include "sim/cost_model.h"
#include "sim_test_support.h"

namespace dnntune::sim {
namespace {

using test::FakeModel;

InferenceCost cloud_only_with(const hw::RadioPowerModel& radio) {
  static const LayerGraph g = test::build_graph(test::chain_spec({4000, 2000, 100}, 10000));
  static FakeModel phone, cloud;
  for (int i = 0; i < 3; ++i) {
    phone.set("L" + std::to_string(i), 1, 1);
    cloud.set("L" + std::to_string(i), 1.0 / 3, 0);
  }
  hw::LinkSpec link = test::plain_link(8, 16, 20, 0);
  link.radio = radio;
  Scenario s = test::fake_scenario({&phone}, &cloud, link);
  s.phone_idle_power_W = 0.5;
  return evaluate_placement(g, s, CostTable::build(g, s), Placement::all_on(3, 1));
}

TEST(RadioEnergyCases, LteLike) {
  hw::RadioPowerModel r;
  r.alpha_up_mW_per_Mbps = 400;
  r.alpha_down_mW_per_Mbps = 50;
  r.beta_mW = 1000;
  r.promotion_s = 0.26;
  r.promotion_W = 1.2;
  r.tail_states = {{"tail", 0.1, 1.0}};
  const InferenceCost c = cloud_only_with(r);
  EXPECT_NEAR(c.latency_ms, 31.05, 1e-9);
  // transfer = (400*8 + 1000) mW * 10 ms + (50*16 + 1000) mW * 0.05 ms = 42 + 0.09
  EXPECT_NEAR(c.energy.radio.transfer_mJ, 42.09, 1e-9);
  // promotion = 0.26 s * 1.2 W = 312 mJ
  EXPECT_NEAR(c.energy.radio.promotion_mJ, 312, 1e-9);
  // tail = 21 ms gap at 1 W + full tail 100 ms at 1 W = 21 + 100
  EXPECT_NEAR(c.energy.radio.tail_mJ, 121, 1e-9);
  // idle = 0.5 W * 31.05 ms (the phone computes nothing)
  EXPECT_NEAR(c.energy.idle_mJ, 15.525, 1e-9);
  EXPECT_NEAR(c.energy.total_mJ(), 42.09 + 312 + 121 + 15.525, 1e-9);
}

TEST(RadioEnergyCases, ThreeGLike) {
  hw::RadioPowerModel r;
  r.beta_mW = 800;  // DCH power while sending, no throughput term
  r.promotion_s = 2;
  r.promotion_W = 0.8;
  r.tail_states = {{"dch", 5, 0.8}, {"fach", 12, 0.46}};
  const InferenceCost c = cloud_only_with(r);
  EXPECT_NEAR(c.energy.radio.transfer_mJ, 0.8 * 10.05, 1e-9);  // 800 mW * (10 + 0.05) ms
  EXPECT_NEAR(c.energy.radio.promotion_mJ, 1600, 1e-9);        // 2 s * 0.8 W
  // gap 21 ms in DCH (0.8 W) = 16.8; full tail 5 s * 0.8 W + 12 s * 0.46 W = 4000 + 5520
  EXPECT_NEAR(c.energy.radio.tail_mJ, 16.8 + 9520, 1e-9);
}

TEST(RadioEnergyCases, WifiLike) {
  hw::RadioPowerModel r;
  r.alpha_up_mW_per_Mbps = 280;
  r.alpha_down_mW_per_Mbps = 140;
  r.beta_mW = 130;
  r.tail_states = {{"psm-timeout", 0.2, 0.3}};
  const InferenceCost c = cloud_only_with(r);
  // (280*8 + 130) mW * 10 ms + (140*16 + 130) mW * 0.05 ms = 23.7 + 0.1185
  EXPECT_NEAR(c.energy.radio.transfer_mJ, 23.8185, 1e-9);
  EXPECT_NEAR(c.energy.radio.promotion_mJ, 0, 1e-9);
  EXPECT_NEAR(c.energy.radio.tail_mJ, 0.021 * 300 + 0.2 * 300, 1e-9);  // 6.3 + 60
}

TEST(RadioEnergyCases, ShortTailPromotesAgain) {
  // 5G-like with a 10 ms tail: the 21 ms wait outlasts it, so the download promotes again.
  hw::RadioPowerModel r;
  r.beta_mW = 2000;
  r.promotion_s = 0.005;
  r.promotion_W = 1.0;
  r.tail_states = {{"tail", 0.01, 1.5}};
  const InferenceCost c = cloud_only_with(r);
  EXPECT_NEAR(c.energy.radio.transfer_mJ, 2.0 * 10.05, 1e-9);
  EXPECT_NEAR(c.energy.radio.promotion_mJ, 2 * 5.0, 1e-9);         // 2 * 5 ms * 1 W
  EXPECT_NEAR(c.energy.radio.tail_mJ, 10 * 1.5 + 10 * 1.5, 1e-9);  // tail in the gap + after
}

}  // namespace
}  // namespace dnntune::sim
