// The min s-t cut equals brute force over every partition of random DAGs of up to 16 layers.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "sim/cost_model.h"
#include "sim/strategies/cut_costs.h"
#include "sim/strategies/min_cut.h"
#include "sim_test_support.h"

namespace dnntune::sim {
namespace {

std::vector<bool> bits(uint32_t mask, int n) {
  std::vector<bool> b(n);
  for (int i = 0; i < n; ++i) b[i] = (mask >> i) & 1u;
  return b;
}

// Random costs, some forbidden, so the constraint and the once-per-tensor rule both matter.
TwoWayCosts random_costs(const LayerGraph& g, uint32_t seed, bool forbid_b_to_a) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 10);
  TwoWayCosts c;
  for (size_t v = 0; v < g.size(); ++v) {
    c.a_cost.push_back(rng() % 17 == 0 ? kForbiddenCost : u(rng));
    c.b_cost.push_back(rng() % 19 == 0 ? kForbiddenCost : u(rng));
  }
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    c.a_to_b.push_back(u(rng));
    c.b_to_a.push_back(u(rng));
  }
  c.b_fixed = u(rng);
  c.forbid_b_to_a = forbid_b_to_a;
  return c;
}

double brute_force(const LayerGraph& g, const TwoWayCosts& c) {
  const int n = static_cast<int>(g.size());
  double best = std::numeric_limits<double>::infinity();
  for (uint32_t mask = 0; mask < (1u << n); ++mask)
    best = std::min(best, two_way_objective(g, c, bits(mask, n)));
  return best;
}

TEST(MinCut, EqualsBruteForceWithDownSetConstraint) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    const int n = 4 + static_cast<int>(seed % 13);  // 4..16 layers
    const LayerGraph g = test::build_graph(test::random_dag_spec(n, seed));
    const TwoWayCosts c = random_costs(g, seed * 3, true);
    const TwoWayCut cut = min_two_way_cut(g, c);
    const double expected = brute_force(g, c);
    SCOPED_TRACE("seed " + std::to_string(seed) + " layers " + std::to_string(n));
    EXPECT_NEAR(cut.objective, expected, 1e-6 * std::max(1.0, expected));
    EXPECT_NEAR(two_way_objective(g, c, cut.in_b), cut.objective, 1e-9);
  }
}

TEST(MinCut, EqualsBruteForceWithTransfersBothWays) {
  for (uint32_t seed = 100; seed <= 140; ++seed) {
    const int n = 4 + static_cast<int>(seed % 13);
    const LayerGraph g = test::build_graph(test::random_dag_spec(n, seed));
    const TwoWayCosts c = random_costs(g, seed * 5, false);
    const TwoWayCut cut = min_two_way_cut(g, c);
    const double expected = brute_force(g, c);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_NEAR(cut.objective, expected, 1e-6 * std::max(1.0, expected));
  }
}

TEST(MinCut, AllForbiddenIsInfeasible) {
  const LayerGraph g = test::build_graph(test::chain_spec({10, 10}));
  TwoWayCosts c;
  c.a_cost = {kForbiddenCost, 1};
  c.b_cost = {kForbiddenCost, 1};
  c.a_to_b = c.b_to_a = std::vector<double>(g.tensors.size(), 0.0);
  EXPECT_FALSE(min_two_way_cut(g, c).feasible);
}

// The latency cut's objective is the cost model's latency: the best down-set placement found by
// brute force with evaluate_placement has exactly the cut's latency.
TEST(MinCut, LatencyCutIsTheBestPlacementOfTheCostModel) {
  for (uint32_t seed = 1; seed <= 15; ++seed) {
    const int n = 6 + static_cast<int>(seed % 7);
    const LayerGraph g = test::build_graph(test::random_dag_spec(n, seed + 500));
    test::FakeModel phone, cloud;
    test::fill_random(phone, g, seed, 6, 2);
    test::fill_random(cloud, g, seed + 1, 0.6, 0);
    Scenario s = test::fake_scenario({&phone}, &cloud, test::plain_link(4, 20, 25, 800));
    const CostTable table = CostTable::build(g, s);
    ObjectiveSpec latency;
    const TwoWayCut cut = min_two_way_cut(g, phone_cloud_costs(g, s, table, 0, latency));
    double best = std::numeric_limits<double>::infinity();
    for (uint32_t mask = 0; mask < (1u << n); ++mask) {
      Placement p;
      for (bool b : bits(mask, n)) p.resource_of_layer.push_back(b ? 1 : 0);
      const auto in_b = bits(mask, n);
      if (!std::isfinite(two_way_objective(g, phone_cloud_costs(g, s, table, 0, latency), in_b)))
        continue;  // not a down-set
      best = std::min(best, evaluate_placement(g, s, table, p).latency_ms);
    }
    Placement chosen;
    for (bool b : cut.in_b) chosen.resource_of_layer.push_back(b ? 1 : 0);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_NEAR(cut.objective, best, 1e-9);
    EXPECT_NEAR(evaluate_placement(g, s, table, chosen).latency_ms, best, 1e-9);
  }
}

// Without promotion and tail states the energy proxy of cut_costs.h is the cost model's energy:
// P*t on the phone + P_idle*(T - phone time) + (alpha*thr + beta)*radio time. The energy cut then
// equals brute force over every down-set placement scored with evaluate_placement.
TEST(MinCut, EnergyCutIsExactWithoutRadioStates) {
  for (uint32_t seed = 1; seed <= 15; ++seed) {
    const int n = 6 + static_cast<int>(seed % 7);
    const LayerGraph g = test::build_graph(test::random_dag_spec(n, seed + 900));
    test::FakeModel phone, cloud;
    test::fill_random(phone, g, seed, 6, 2.5);
    test::fill_random(cloud, g, seed + 1, 0.6, 0);
    hw::LinkSpec link = test::plain_link(4, 20, 25, 800);
    link.radio.alpha_up_mW_per_Mbps = 300;
    link.radio.alpha_down_mW_per_Mbps = 50;
    Scenario s = test::fake_scenario({&phone}, &cloud, link);
    s.phone_idle_power_W = 0.4;
    const CostTable table = CostTable::build(g, s);
    ObjectiveSpec energy;
    energy.objective = Objective::kEnergy;
    const TwoWayCosts costs = phone_cloud_costs(g, s, table, 0, energy);
    const TwoWayCut cut = min_two_way_cut(g, costs);
    double best = std::numeric_limits<double>::infinity();
    for (uint32_t mask = 0; mask < (1u << n); ++mask) {
      const auto in_b = bits(mask, n);
      if (!std::isfinite(two_way_objective(g, costs, in_b))) continue;  // not a down-set
      Placement p;
      for (bool b : in_b) p.resource_of_layer.push_back(b ? 1 : 0);
      best = std::min(best, evaluate_placement(g, s, table, p).energy.total_mJ());
    }
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_NEAR(cut.objective, best, 1e-9 * best);
  }
}

}  // namespace
}  // namespace dnntune::sim
