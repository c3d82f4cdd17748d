// nn-Meter's fusion rule and the rules/costs learned from probes.
#include <gtest/gtest.h>

#include <algorithm>

#include "calibration/fit/fusion_learning.h"
#include "calibration/kernels/sampler.h"

namespace dnntune::calib {
namespace {

TEST(FusionLearning, NnMeterRule) {
  // T(A)+T(B)-T(AB) > 0.5*min(T(A),T(B)): 1+1-1.2 = 0.8 > 0.5 -> fused.
  EXPECT_TRUE(probe_says_fused({"Conv", "Relu", 1.0, 1.0, 1.2, -1}));
  // 1+1-1.9 = 0.1 < 0.5 -> separate.
  EXPECT_FALSE(probe_says_fused({"Conv", "Relu", 1.0, 1.0, 1.9, -1}));
  // The engine books B's node at ~0 inside AB (<= 5% of B alone): fused even when B's cost stays.
  EXPECT_TRUE(probe_says_fused({"Conv", "Sigmoid", 1.0, 1.0, 2.0, 0.01}));
  EXPECT_FALSE(probe_says_fused({"Conv", "Sigmoid", 1.0, 1.0, 2.0, 0.9}));
}

TEST(FusionLearning, RulesFollowProbes) {
  const std::vector<FusionProbe> probes = {{"Conv", "Relu", 1.0, 0.2, 1.05, -1},
                                           {"Conv", "Sigmoid", 1.0, 0.5, 1.5, 0.5},
                                           {"Add", "Relu", 0.2, 0.2, 0.4, 0.2}};
  const FusionRules rules = learn_fusion_rules(probes);
  EXPECT_TRUE(rules_fuse(rules, "Conv", "Relu"));
  EXPECT_FALSE(rules_fuse(rules, "Conv", "Sigmoid"));
  EXPECT_FALSE(rules_fuse(rules, "Add", "Relu"));
  EXPECT_TRUE(rules_fuse(rules, "Conv", "BatchNormalization"));  // not probed: default kept
  EXPECT_TRUE(rules_fuse(rules, "Gemm", "Relu"));                // not probed: default kept
  // Fused cost share (T(AB)-T(A))/T(B) = (1.05-1)/0.2 = 0.25.
  const auto cost = learn_fused_cost(probes);
  ASSERT_TRUE(cost.count("Conv+Relu"));
  EXPECT_NEAR(cost.at("Conv+Relu"), 0.25, 1e-9);
  EXPECT_FALSE(cost.count("Conv+Sigmoid"));
}

}  // namespace
}  // namespace dnntune::calib
