// rank_strategies: every strategy present, ranked best first, infeasible last, the comparison
// with mobile-only and cloud-only, and the Pareto marks.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/strategies/ranking_json.h"
#include "sim/strategies/strategies.h"
#include "sim_test_support.h"

namespace dnntune::sim {
namespace {

struct RankFixture : ::testing::Test {
  LayerGraph graph = test::build_graph(test::random_dag_spec(10, 42));
  test::FakeModel cpu, gpu, cloud;
  Scenario scenario;
  void SetUp() override {
    test::fill_random(cpu, graph, 1, 8, 3);
    test::fill_random(gpu, graph, 2, 4, 5);
    test::fill_random(cloud, graph, 3, 0.5, 0);
    scenario = test::fake_scenario({&cpu, &gpu}, &cloud, test::plain_link(20, 50, 10, 700));
    scenario.phone_idle_power_W = 0.1;
    scenario.copy_GBps = 0.01;
  }
  const StrategyResult& find(const ScenarioRanking& r, const std::string& name) {
    auto it = std::find_if(r.ranked.begin(), r.ranked.end(),
                           [&](const StrategyResult& s) { return s.strategy == name; });
    EXPECT_NE(it, r.ranked.end()) << name;
    return *it;
  }
};

TEST_F(RankFixture, RanksByTheObjectiveAndComparesWithMobileAndCloud) {
  const CostTable table = CostTable::build(graph, scenario);
  for (Objective o :
       {Objective::kLatency, Objective::kEnergy, Objective::kCost, Objective::kWeighted}) {
    const ScenarioRanking r = rank_strategies(graph, scenario, table, o, 0.5);
    for (size_t i = 1; i < r.ranked.size(); ++i)
      EXPECT_LE(r.ranked[i - 1].score, r.ranked[i].score);
    for (const char* name :
         {"mobile-only:cpu", "mobile-only:gpu", "cloud-only", "best-split:cpu", "best-split:gpu",
          "min-cut-latency:cpu", "min-cut-energy:gpu", "processors-latency", "processors-energy"})
      find(r, name);
    EXPECT_EQ(find(r, "cloud-only").split_after, -1);
    EXPECT_EQ(find(r, "mobile-only:gpu").split_after, 9);
    ASSERT_EQ(r.splits.size(), 2u);
    EXPECT_EQ(r.splits[0].size(), 11u);
    if (o == Objective::kWeighted) find(r, "min-cut-weighted:cpu");
  }
  const ScenarioRanking r = rank_strategies(graph, scenario, table, Objective::kLatency);
  const StrategyResult& best = r.ranked.front();
  const double mobile = std::min(find(r, "mobile-only:cpu").cost.latency_ms,
                                 find(r, "mobile-only:gpu").cost.latency_ms);
  // speedup = T_mobile / T_best; the DAG cut is never slower than the best single split.
  EXPECT_NEAR(r.speedup_vs_mobile, mobile / best.cost.latency_ms, 1e-12);
  EXPECT_NEAR(r.speedup_vs_cloud, find(r, "cloud-only").cost.latency_ms / best.cost.latency_ms,
              1e-12);
  EXPECT_LE(find(r, "min-cut-latency:cpu").cost.latency_ms,
            find(r, "best-split:cpu").cost.latency_ms + 1e-9);
  EXPECT_TRUE(std::any_of(r.ranked.begin(), r.ranked.end(),
                          [](const StrategyResult& s) { return s.pareto; }));
}

TEST_F(RankFixture, InfeasibleStrategiesComeLastWithTheirReason) {
  cloud.forbid("L3", "operator Foo unsupported");
  const ScenarioRanking r =
      rank_strategies(graph, scenario, CostTable::build(graph, scenario), Objective::kLatency);
  EXPECT_FALSE(r.ranked.back().cost.status.feasible);
  const StrategyResult& cloud_only = find(r, "cloud-only");
  EXPECT_FALSE(cloud_only.cost.status.feasible);
  EXPECT_NE(cloud_only.cost.status.reason.find("operator Foo unsupported"), std::string::npos);
  const nlohmann::json j = ranking_json(graph, scenario, {{"test", r}});
  const nlohmann::json& last = j["networks"][0]["strategies"].back();
  EXPECT_FALSE(last["feasible"].get<bool>());
  EXPECT_TRUE(last["latency_ms"].is_null());
  EXPECT_FALSE(last["reason"].get<std::string>().empty());
}

}  // namespace
}  // namespace dnntune::sim
