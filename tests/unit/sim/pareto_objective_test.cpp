#include <gtest/gtest.h>

#include <limits>

#include "sim/strategies/objective.h"
#include "sim/strategies/pareto.h"
#include "traces/common/error.h"

namespace dnntune::sim {
namespace {

TEST(Pareto, KeepsOnlyNonDominatedPoints) {
  const double inf = std::numeric_limits<double>::infinity();
  // (1,9) (2,5) (3,5)x (4,1) (5,2)x (2,6)x (0.5,inf)x
  const std::vector<LatencyEnergy> pts = {{1, 9}, {2, 5}, {3, 5},    {4, 1},
                                          {5, 2}, {2, 6}, {0.5, inf}};
  EXPECT_EQ(pareto_front(pts), (std::vector<size_t>{0, 1, 3}));
}

TEST(Pareto, EmptyAndDuplicates) {
  EXPECT_TRUE(pareto_front({}).empty());
  EXPECT_EQ(pareto_front({{1, 1}, {1, 1}}), (std::vector<size_t>{0}));
}

TEST(Objective, ParsesNamesAndListsTheValidOnes) {
  EXPECT_EQ(parse_objective("energy"), Objective::kEnergy);
  EXPECT_EQ(objective_name(Objective::kWeighted), "weighted");
  try {
    parse_objective("speed");
    FAIL() << "no throw";
  } catch (const InputError& e) {
    EXPECT_EQ(e.message(), "unknown objective 'speed'; valid: latency, energy, cost, weighted");
  }
}

TEST(Objective, WeightedScoreIsNormalisedByTheReferences) {
  InferenceCost c;
  c.latency_ms = 50;
  c.energy.compute_mJ = 300;
  ObjectiveSpec s{Objective::kWeighted, 0.25, 100, 200};
  EXPECT_NEAR(objective_score(s, c), 0.25 * 50 / 100 + 0.75 * 300 / 200, 1e-12);
  c.status = hw::EvalStatus::infeasible("x");
  EXPECT_EQ(objective_score(s, c), std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace dnntune::sim
