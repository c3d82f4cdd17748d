// Closed-form checks of the analytical cost model (sim/cost_model.h). Unit: 8 Mbit/s moves one
// byte per microsecond, so up_ms(bytes) = bytes / 1000; 16 Mbit/s: down_ms(bytes) = bytes / 2000.
#include <gtest/gtest.h>

#include "sim/cost_model.h"
#include "sim/split_scan.h"
#include "sim_test_support.h"

namespace dnntune::sim {
namespace {

using test::FakeModel;

constexpr double kTol = 1e-9;

struct ChainFixture : ::testing::Test {
  // Chain in(10000 B) -> L0 -> t0(4000 B) -> L1 -> t1(2000 B) -> L2 -> t2(100 B, model output).
  LayerGraph graph = test::build_graph(test::chain_spec({4000, 2000, 100}, 10000));
  FakeModel phone, cloud;
  Scenario scenario;
  void SetUp() override {
    phone.set("L0", 2, 2);
    phone.set("L1", 3, 2);
    phone.set("L2", 5, 2);
    cloud.set("L0", 0.2, 100);
    cloud.set("L1", 0.3, 100);
    cloud.set("L2", 0.5, 100);
    scenario = test::fake_scenario({&phone}, &cloud, test::plain_link(8, 16, 20, 1000));
    scenario.phone_idle_power_W = 0.5;
    scenario.cloud_price_usd_per_hour = 3.6;  // 1e-6 USD per ms of cloud time
  }
  InferenceCost eval(const Placement& p, EvalDetail d = EvalDetail::kTotals) {
    return evaluate_placement(graph, scenario, CostTable::build(graph, scenario), p, d);
  }
};

TEST_F(ChainFixture, MobileOnlyIsTheSumOfPhoneLayers) {
  const InferenceCost c = eval(Placement::all_on(3, 0));
  ASSERT_TRUE(c.status.feasible);
  EXPECT_NEAR(c.latency_ms, 2 + 3 + 5, kTol);               // T = sum t_i
  EXPECT_NEAR(c.energy.compute_mJ, 2 * (2 + 3 + 5), kTol);  // E = sum P_i t_i
  EXPECT_NEAR(c.energy.idle_mJ, 0, kTol);                   // never waits
  EXPECT_NEAR(c.energy.radio.total_mJ(), 0, kTol);          // radio never used
  EXPECT_EQ(c.upload_bytes, 0);
  EXPECT_NEAR(c.cloud_cost_usd, 0, kTol);
}

TEST_F(ChainFixture, CloudOnlySendsTheInputAndGetsTheOutputBack) {
  const InferenceCost c = eval(Placement::all_on(3, 1));
  ASSERT_TRUE(c.status.feasible);
  // T = up(10000 B) + rtt + sum t_cloud + down(100 B) = 10 + 20 + 1.0 + 0.05
  EXPECT_NEAR(c.latency_ms, 31.05, kTol);
  EXPECT_EQ(c.upload_bytes, 10000);
  EXPECT_EQ(c.download_bytes, 100);
  EXPECT_NEAR(c.busy_ms[1], 1.0, kTol);
  EXPECT_NEAR(c.energy.compute_mJ, 0, kTol);
  EXPECT_NEAR(c.energy.idle_mJ, 0.5 * 31.05, kTol);                  // P_idle * (T - 0)
  EXPECT_NEAR(c.energy.radio.transfer_mJ, 1.0 * (10 + 0.05), kTol);  // beta 1 W * radio time
  EXPECT_NEAR(c.cloud_cost_usd, 1e-6 * 1.0, 1e-15);                  // 3.6 $/h * 1 ms
}

TEST_F(ChainFixture, SplitAfterFirstLayer) {
  const InferenceCost c = eval(Placement::split(3, 0, 0, 1), EvalDetail::kTimeline);
  // T = t0 + up(4000 B) + rtt + t1c + t2c + down(100 B) = 2 + 4 + 20 + 0.8 + 0.05
  EXPECT_NEAR(c.latency_ms, 26.85, kTol);
  EXPECT_NEAR(c.energy.compute_mJ, 4, kTol);
  EXPECT_NEAR(c.energy.idle_mJ, 0.5 * (26.85 - 2), kTol);
  EXPECT_NEAR(c.energy.radio.transfer_mJ, 4 + 0.05, kTol);
  // Timeline: L0, upload (starts at 2, radio 4 ms, +10 ms propagation), L1, L2, download.
  ASSERT_EQ(c.timeline.size(), 5u);
  EXPECT_EQ(c.timeline[1].kind, SpanKind::kUpload);
  EXPECT_NEAR(c.timeline[1].start_ms, 2, kTol);
  EXPECT_NEAR(c.timeline[1].radio_ms, 4, kTol);
  EXPECT_NEAR(c.timeline[1].duration_ms, 14, kTol);
  EXPECT_EQ(c.timeline[2].layer, 1);
  EXPECT_NEAR(c.timeline[2].start_ms, 16, kTol);
  EXPECT_EQ(c.timeline[4].kind, SpanKind::kDownload);
  EXPECT_NEAR(c.timeline[4].radio_start_ms, 16 + 0.8 + 10, kTol);
  double sum = 0;
  for (const Span& s : c.timeline) sum += s.duration_ms;
  EXPECT_NEAR(sum, c.latency_ms, kTol);  // single stream: spans tile the request
}

TEST_F(ChainFixture, ResultDownloadCanBeLeftOutAsInDnntune) {
  scenario.charge_result_download = false;
  const InferenceCost c = eval(Placement::all_on(3, 1));
  EXPECT_NEAR(c.latency_ms, 10 + 20 + 1.0, kTol);  // the return still costs rtt/2
  EXPECT_EQ(c.download_bytes, 0);
}

TEST_F(ChainFixture, UnsupportedOperatorIsAResultWithAReason) {
  cloud.forbid("L1", "operator Foo unsupported");
  const InferenceCost c = eval(Placement::all_on(3, 1));
  EXPECT_FALSE(c.status.feasible);
  EXPECT_EQ(c.status.reason, "cloud cannot run layer 'L1' (#1): operator Foo unsupported");
  const CostTable table = CostTable::build(graph, scenario);
  const auto splits = scan_splits(graph, scenario, table, 0);
  EXPECT_FALSE(splits[0].cost.status.feasible);  // k = -1: L1 on the cloud
  EXPECT_FALSE(splits[1].cost.status.feasible);  // k = 0
  EXPECT_TRUE(splits[2].cost.status.feasible);   // k = 1: L1 on the phone
}

TEST_F(ChainFixture, ModelThatDoesNotFitIsInfeasible) {
  // Phone memory 5000 B: weights 100+200+300 plus the largest layer's in+out 10000+4000.
  scenario.phone[0].memory_bytes = 5000;
  const InferenceCost c = eval(Placement::all_on(3, 0));
  EXPECT_FALSE(c.status.feasible);
  EXPECT_NE(c.status.reason.find("exceed cpu memory"), std::string::npos) << c.status.reason;
  // Layers 1.. alone fit: weights 200+300 + 2000+100 < 5000... but L0 is the big one.
  const auto splits = scan_splits(graph, scenario, CostTable::build(graph, scenario), 0);
  EXPECT_TRUE(splits[0].cost.status.feasible);   // nothing on the phone
  EXPECT_FALSE(splits[1].cost.status.feasible);  // L0: 100 + 14000 > 5000
}

TEST(CostModel, TensorReadByTwoCloudLayersIsSentOnce) {
  // L0 -> t0 -> {L1, L2} -> L3
  test::GraphSpec spec;
  spec.input_bytes = 500;
  spec.out_bytes = {3000, 10, 10, 10};
  spec.reads = {{"in"}, {"t0"}, {"t0"}, {"t1", "t2"}};
  const LayerGraph g = test::build_graph(spec);
  FakeModel phone, cloud;
  test::fill_random(phone, g, 1, 5, 2);
  test::fill_random(cloud, g, 2, 1, 0);
  const Scenario s = test::fake_scenario({&phone}, &cloud, test::plain_link(8, 16, 10, 0));
  const InferenceCost c = evaluate_placement(g, s, CostTable::build(g, s), Placement{{0, 1, 1, 1}});
  EXPECT_EQ(c.upload_bytes, 3000);
  EXPECT_EQ(g.cut_after(0), 3000);
}

TEST(CostModel, CopiesBetweenPhoneProcessors) {
  const LayerGraph g = test::build_graph(test::chain_spec({4000, 2000, 100}));
  FakeModel cpu, gpu, cloud;
  test::fill_random(cpu, g, 3, 5, 2);
  test::fill_random(gpu, g, 4, 5, 3);
  test::fill_random(cloud, g, 5, 1, 0);
  Scenario s = test::fake_scenario({&cpu, &gpu}, &cloud, test::plain_link(8, 16, 10, 0));
  s.copy_GBps = 1;  // copy_ms = bytes / 1e6
  s.phone_idle_power_W = 0.25;
  const CostTable table = CostTable::build(g, s);
  const InferenceCost c = evaluate_placement(g, s, table, Placement{{0, 1, 0}});
  const double compute =
      table.at(0, 0).latency_ms + table.at(1, 1).latency_ms + table.at(2, 0).latency_ms;
  // T = compute + copy(t0 to gpu) + copy(t1 to cpu); the input sits in shared memory.
  EXPECT_NEAR(c.latency_ms, compute + (4000 + 2000) / 1e6, kTol);
  EXPECT_NEAR(c.copy_ms, 6000 / 1e6, kTol);
  EXPECT_NEAR(c.energy.idle_mJ, 0.25 * 6000 / 1e6, kTol);  // copies are charged at idle power
}

// The O(n) split scan equals the general evaluation at every split, on random DAGs with a
// radio that has promotion and tail states and an idle phone.
TEST(SplitScan, EqualsEvaluatePlacementOnRandomDags) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    const LayerGraph g = test::build_graph(test::random_dag_spec(12, seed));
    FakeModel phone, cloud;
    test::fill_random(phone, g, seed * 7, 8, 2.5);
    test::fill_random(cloud, g, seed * 11, 1, 0);
    hw::LinkSpec link = test::plain_link(5, 20, 30, 900);
    link.radio.alpha_up_mW_per_Mbps = 400;
    link.radio.promotion_s = 0.1;
    link.radio.promotion_W = 1.2;
    link.radio.tail_states = {{"inactivity", 0.05, 1.0}, {"drx", 1.0, 0.4}};
    Scenario s = test::fake_scenario({&phone}, &cloud, link);
    s.phone_idle_power_W = 0.3;
    s.cloud_price_usd_per_hour = 2;
    const CostTable table = CostTable::build(g, s);
    for (const SplitPoint& p : scan_splits(g, s, table, 0)) {
      const InferenceCost e =
          evaluate_placement(g, s, table, Placement::split(12, p.split_after, 0, 1));
      SCOPED_TRACE("seed " + std::to_string(seed) + " split " + std::to_string(p.split_after));
      EXPECT_NEAR(p.cost.latency_ms, e.latency_ms, 1e-9);
      EXPECT_NEAR(p.cost.energy.compute_mJ, e.energy.compute_mJ, 1e-9);
      EXPECT_NEAR(p.cost.energy.idle_mJ, e.energy.idle_mJ, 1e-9);
      EXPECT_NEAR(p.cost.energy.radio.total_mJ(), e.energy.radio.total_mJ(), 1e-9);
      EXPECT_EQ(p.cost.upload_bytes, e.upload_bytes);
      EXPECT_EQ(p.cost.download_bytes, e.download_bytes);
      EXPECT_NEAR(p.cost.cloud_cost_usd, e.cloud_cost_usd, 1e-15);
    }
  }
}

TEST(Placement, RecognisesSplits) {
  FakeModel m;
  Scenario s = test::fake_scenario({&m, &m}, &m, test::plain_link(1, 1, 1, 0));
  EXPECT_EQ((Placement{{0, 0, 2}}).split_after(s), 1);
  EXPECT_EQ((Placement{{2, 2, 2}}).split_after(s), -1);
  EXPECT_EQ((Placement{{1, 1, 1}}).split_after(s), 2);
  EXPECT_EQ((Placement{{0, 2, 0}}).split_after(s), Placement::kNotASplit);
  EXPECT_EQ((Placement{{0, 1, 2}}).split_after(s), Placement::kNotASplit);
}

}  // namespace
}  // namespace dnntune::sim
