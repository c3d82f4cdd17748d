// Placement across the phone's processors against brute force over every assignment, scored by
// the cost model itself (evaluate_placement).
#include <gtest/gtest.h>

#include <limits>

#include "sim/cost_model.h"
#include "sim/strategies/processor_placement.h"
#include "sim_test_support.h"

namespace dnntune::sim {
namespace {

double brute_force(const LayerGraph& g, const Scenario& s, const CostTable& t, int processors,
                   Objective objective) {
  const int n = static_cast<int>(g.size());
  int total = 1;
  for (int i = 0; i < n; ++i) total *= processors;
  double best = std::numeric_limits<double>::infinity();
  for (int code = 0; code < total; ++code) {
    Placement p;
    for (int i = 0, c = code; i < n; ++i, c /= processors)
      p.resource_of_layer.push_back(c % processors);
    const InferenceCost cost = evaluate_placement(g, s, t, p);
    best =
        std::min(best, objective == Objective::kLatency ? cost.latency_ms : cost.energy.total_mJ());
  }
  return best;
}

struct PhoneSetup {
  LayerGraph graph;
  test::FakeModel models[3], cloud;
  Scenario scenario;
};

void fill(PhoneSetup& s, int processors, uint32_t seed) {
  std::vector<const test::FakeModel*> phone;
  for (int p = 0; p < processors; ++p) {
    test::fill_random(s.models[p], s.graph, seed * 13 + p, 5, 1.0 + p);
    phone.push_back(&s.models[p]);
  }
  test::fill_random(s.cloud, s.graph, seed, 1, 0);
  s.scenario = test::fake_scenario(phone, &s.cloud, test::plain_link(10, 10, 10, 0));
  s.scenario.copy_GBps = 0.004;  // 4 MB/s: a 2000 B copy costs 0.5 ms, comparable to layers
  s.scenario.phone_idle_power_W = 0.7;
}

TEST(ProcessorPlacement, ChainDpEqualsBruteForceWithThreeProcessors) {
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    PhoneSetup s;
    std::vector<int64_t> bytes;
    for (int i = 0; i < 7; ++i) bytes.push_back(500 + 700 * ((seed + i) % 5));
    s.graph = test::build_graph(test::chain_spec(bytes));
    fill(s, 3, seed);
    ASSERT_TRUE(is_chain(s.graph));
    const CostTable t = CostTable::build(s.graph, s.scenario);
    for (Objective o : {Objective::kLatency, Objective::kEnergy}) {
      ObjectiveSpec spec;
      spec.objective = o;
      const ProcessorPlacement r = place_on_processors(s.graph, s.scenario, t, spec);
      EXPECT_EQ(r.method, "chain-dp");
      const InferenceCost c = evaluate_placement(s.graph, s.scenario, t, r.placement);
      const double got = o == Objective::kLatency ? c.latency_ms : c.energy.total_mJ();
      const double want = brute_force(s.graph, s.scenario, t, 3, o);
      SCOPED_TRACE("seed " + std::to_string(seed));
      EXPECT_NEAR(got, want, 1e-9);
      EXPECT_NEAR(r.objective, want, 1e-9);
    }
  }
}

TEST(ProcessorPlacement, DagPairCutEqualsBruteForceWithTwoProcessors) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    PhoneSetup s;
    s.graph = test::build_graph(test::random_dag_spec(10, seed + 77));
    fill(s, 2, seed);
    const CostTable t = CostTable::build(s.graph, s.scenario);
    for (Objective o : {Objective::kLatency, Objective::kEnergy}) {
      ObjectiveSpec spec;
      spec.objective = o;
      const ProcessorPlacement r = place_on_processors(s.graph, s.scenario, t, spec);
      const InferenceCost c = evaluate_placement(s.graph, s.scenario, t, r.placement);
      const double got = o == Objective::kLatency ? c.latency_ms : c.energy.total_mJ();
      SCOPED_TRACE("seed " + std::to_string(seed));
      if (!is_chain(s.graph)) {
        EXPECT_EQ(r.method, "pairwise-min-cut");
      }
      EXPECT_NEAR(got, brute_force(s.graph, s.scenario, t, 2, o), 1e-9);
    }
  }
}

TEST(ProcessorPlacement, DagWithThreeProcessorsIsNeverWorseThanOneProcessor) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    PhoneSetup s;
    s.graph = test::build_graph(test::random_dag_spec(8, seed + 300));
    fill(s, 3, seed);
    const CostTable t = CostTable::build(s.graph, s.scenario);
    ObjectiveSpec spec;
    const ProcessorPlacement r = place_on_processors(s.graph, s.scenario, t, spec);
    const double got = evaluate_placement(s.graph, s.scenario, t, r.placement).latency_ms;
    const double optimum = brute_force(s.graph, s.scenario, t, 3, Objective::kLatency);
    EXPECT_GE(got, optimum - 1e-9);
    for (int p = 0; p < 3; ++p)
      EXPECT_LE(
          got,
          evaluate_placement(s.graph, s.scenario, t, Placement::all_on(8, p)).latency_ms + 1e-9);
  }
}

}  // namespace
}  // namespace dnntune::sim
