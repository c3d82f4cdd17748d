// nn-Meter's fusion rule and the rules/costs learned from probes.
#include <gtest/gtest.h>

#include <algorithm>

#include "calibration/engines/opencv_engine.h"
#include "calibration/fit/fusion_learning.h"
#include "calibration/kernels/sampler.h"
#include "calibration/predict.h"
#include "traces/onnx/model_loader.h"
#include "traces/onnx/onnx_builder.h"

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

TEST(FusionLearning, ALaterProbeReplacesTheEarlierOnlyWhenFaster) {
  // Conv+Relu measured in a disturbed state first: AB 1.8x its usual time, share (0.064 -
  // 0.036) / 0.008 = 3.5; the second pass, faster in all (0.0805 < 0.108), replaces it: share 0.5.
  std::vector<FusionProbe> probes;
  keep_faster_probe(probes, {"Conv", "Relu", 0.036, 0.008, 0.064, 0.0002});
  keep_faster_probe(probes, {"Add", "Relu", 0.017, 0.008, 0.022, 0.0002});
  keep_faster_probe(probes, {"Conv", "Relu", 0.036, 0.0085, 0.040, 0.0002});
  ASSERT_EQ(probes.size(), 2u);
  EXPECT_NEAR(learn_fused_cost(probes).at("Conv+Relu"), (0.040 - 0.036) / 0.0085, 1e-9);
  // A slower re-measurement (0.13 > 0.0845) leaves the kept probe as it is.
  keep_faster_probe(probes, {"Conv", "Relu", 0.065, 0.0325, 0.068, 0.0003});
  EXPECT_DOUBLE_EQ(probes[0].ab_ms, 0.040);
  EXPECT_DOUBLE_EQ(probes[1].ab_ms, 0.022);
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

// x -> two 1x1 conv branches -> Concat -> (optionally) a second Concat with a third branch; with
// `shared`, the left branch also feeds a Relu that is a model output.
LayerGraph branches_graph(bool shared, bool nested, bool concat_is_output = false) {
  OnnxBuilder b("branches", WeightFill::kNone);
  const std::string x = b.add_input("x", {1, 8, 14, 14});
  const ConvSpec one;
  const std::string left = b.conv("left", x, 8, 8, one);
  const std::string right = b.conv("right", x, 8, 8, one);
  std::string y = b.concat("inner", {left, right}, 1);
  if (nested) y = b.concat("outer", {y, b.conv("third", x, 8, 8, one)}, 1);
  b.add_output(concat_is_output ? y : b.conv("after", y, nested ? 24 : 16, 8, one));
  if (shared) b.add_output(b.relu("tap", left));
  return build_layer_graph(b.finish(), "branches");
}

bool in_place_by_name(const LayerGraph& g, const std::string& name) {
  const std::vector<bool> in_place = concats_in_place(g);
  for (size_t i = 0; i < g.size(); ++i)
    if (g.layer(i).name == name) return in_place[i];
  ADD_FAILURE() << "no layer " << name;
  return false;
}

TEST(ConcatInPlace, OnlyWhenEveryInputFeedsNothingElseAndIsNotItselfInPlace) {
  EXPECT_TRUE(in_place_by_name(branches_graph(false, false), "inner"));
  EXPECT_FALSE(in_place_by_name(branches_graph(true, false), "inner"));  // left also feeds tap
  const LayerGraph nested = branches_graph(false, true);
  EXPECT_TRUE(in_place_by_name(nested, "inner"));
  EXPECT_FALSE(in_place_by_name(nested, "outer"));  // one input is an in-place concat
  EXPECT_FALSE(in_place_by_name(branches_graph(false, false, true), "inner"));  // model output
}

TEST(ConcatInPlace, PredictionPaysTheLearnedShare) {
  // A probe where the engine booked the Concat at 0 inside: "Conv+Concat" share (ab - a) / b = 0.
  const auto cost = learn_fused_cost({{"Conv", "Concat", 0.24, 0.0127, 0.24, 0.0}});
  ASSERT_TRUE(cost.count("Conv+Concat"));
  EXPECT_EQ(cost.at("Conv+Concat"), 0.0);
  DeviceProfile p;
  KindModel flat;
  flat.form = "roofline";
  flat.roofline = {0.01, 0.0, 0.0, 0.0, 0.0};  // every layer 0.01 ms
  p.kinds["default"] = flat;
  const LayerGraph g = branches_graph(false, false);  // left, right, inner, after
  EXPECT_NEAR(predict_model(g, p).total_ms, 4 * 0.01, 1e-12);
  p.fused_cost = cost;
  EXPECT_NEAR(predict_model(g, p).total_ms, 3 * 0.01, 1e-12);
}

TEST(ConcatInPlace, OpenCvWritesTheProbesConcatInPlace) {
  // The probe as calibrate measures it: OpenCV 4.6 books its Concat at 0.
  OpenCvEngine engine(1);
  const ConcatProbe probe = concat_probe();
  auto loaded = engine.load(probe.branches_concat, "concat probe");
  loaded->run();
  const RunTiming t = loaded->run();
  ASSERT_TRUE(t.node_ms.count("concat"));
  EXPECT_LT(t.node_ms.at("concat"), 0.001);
  EXPECT_GT(t.node_ms.at("left"), 0.0);
}

}  // namespace
}  // namespace dnntune::calib
