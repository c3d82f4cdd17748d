// Device profiles: YAML round trip, prediction through hw::LayerLatencyModel, strict parsing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "calibration/fit/fit_profile.h"
#include "calibration/fit/fusion_learning.h"
#include "calibration/predict.h"
#include "calibration/profile/device_profile.h"
#include "traces/common/error.h"

namespace dnntune::calib {
namespace {

DeviceProfile sample_profile() {
  DeviceProfile p;
  p.device = "test-opencv-1t";
  p.engine = "opencv";
  p.engine_version = "4.6.0";
  p.threads = 1;
  p.run_overhead_ms = 0.01;
  p.reference_ms = 2.5;
  p.core_to_core_ns = 95;
  p.llc_bytes = 32e6;
  p.weight_stream_GBps = 38.5;
  p.model_stream_GBps = 30;
  p.input_copy_GBps = 50;
  p.l2_bytes = 1e6;
  p.cache_stream_GBps = 23;
  p.cache_stream_curve = {{2e6, 78.5}, {4e6, 46.5}};
  p.fusion = {{"conv_bn_act", {"Conv"}, {{{"BatchNormalization"}, true}, {{"Relu"}, true}}}};
  p.fused_cost["Conv+Relu"] = 0.5;
  p.context_factor = {{"Conv", 1.1}};
  KindModel conv;
  conv.form = "roofline";
  conv.roofline = {0.01, 0.002, 0.0, 0.0, 0.0};  // t = 0.01 + 0.002 ms per MMAC
  p.kinds["Conv"] = conv;
  KindModel relu;
  relu.form = "roofline";
  relu.roofline = {0.0, 0.0, 0.1, 0.1, 0.0};  // 0.1 ms per MB in and per MB out
  p.kinds["Relu"] = relu;
  p.kinds["default"] = relu;
  KindModel knn;
  knn.form = "loglinear_knn";
  knn.loglinear = {0.5, 0.1};
  knn.knn_k = 1;
  knn.knn_scale.assign(9, 1.0);
  knn.knn_points = {std::vector<double>(9, 0.0)};
  knn.knn_residuals = {0.2};
  p.kinds["Gemm"] = knn;
  // Pooling split on the input map at 32x32: 0.1 ms per MB of input below, 0.3 ms per MB above.
  KindModel split;
  split.form = "split";
  split.split_feature = 0;  // log_in_spatial
  split.split_threshold = std::log(32.0 * 32.0);
  split.children = {relu, relu};
  split.children[1].roofline = {0.0, 0.0, 0.3, 0.0, 0.0};
  p.kinds["MaxPool"] = split;
  return p;
}

Layer conv_layer(bool with_relu) {
  Layer l;
  l.kind = "Conv";
  l.ops = with_relu ? std::vector<std::string>{"Conv", "Relu"} : std::vector<std::string>{"Conv"};
  l.macs = 10'000'000;
  l.output_bytes = 2'000'000;
  l.inputs = {{"x", {1, 8, 10, 10}}};
  l.outputs = {{"y", {1, 8, 10, 10}}};
  l.weights = {{"w", {8, 8, 3, 3}}};
  return l;
}

// predict_model resolves each (feature kind, layer kind, ops) once: every layer must still get
// exactly what estimate() gives it alone in the model's context, whichever layer came first with
// the same feature kind but another tail, anchor or kind.
TEST(DeviceProfile, PredictModelGivesEachLayerItsOwnPlan) {
  DeviceProfile p = sample_profile();
  p.fused_cost["Conv+Clip"] = 0.25;
  p.kinds["Clip"] = p.kinds.at("Relu");
  p.kinds["Clip"].roofline = {0.0, 0.0, 0.3, 0.0, 0.0};
  p.context_factor["*"] = 1.3;
  LayerGraph g;
  g.model_name = "mixed";
  std::vector<Layer> layers = {conv_layer(true), conv_layer(false), conv_layer(true)};
  layers.push_back(conv_layer(false));
  layers.back().ops = {"Conv", "Clip"};
  Layer pointwise = conv_layer(true);
  pointwise.weights = {{"w", {8, 8, 1, 1}}};  // feature kind Conv.1x1: falls back to Conv
  pointwise.macs = 5'000'000;
  layers.push_back(pointwise);
  layers.push_back(conv_layer(true));
  layers.back().ops = {"Conv", "BatchNormalization", "Relu"};
  Layer einsum;
  einsum.kind = "Einsum";
  einsum.ops = {"Einsum", "Relu"};  // another anchor: Relu at its full standalone cost
  einsum.input_bytes = einsum.output_bytes = 1'000'000;
  layers.push_back(einsum);
  layers.push_back(conv_layer(false));
  for (const auto& l : layers) boost::add_vertex(l, g.dag);
  const hw::ModelContext context = hw::ModelContext::of_model(g.totals);
  const ModelPrediction pred = predict_model(g, p);
  ASSERT_EQ(pred.layers.size(), layers.size());
  std::vector<double> seen;
  for (size_t i = 0; i < layers.size(); ++i) {
    EXPECT_EQ(pred.layers[i].latency_ms, p.estimate(layers[i], context).latency_ms) << i;
    seen.push_back(pred.layers[i].latency_ms);
  }
  std::sort(seen.begin(), seen.end());
  // Conv+Relu, Conv, Conv+Clip, the 1x1 and Einsum differ (BatchNormalization adds nothing).
  EXPECT_EQ(std::unique(seen.begin(), seen.end()) - seen.begin(), 5);
}

TEST(DeviceProfile, EstimateUsesKindModelAndFusedTail) {
  const DeviceProfile p = sample_profile();
  // Conv: 0.01 + 0.002*10 = 0.03 ms.
  EXPECT_NEAR(p.estimate(conv_layer(false)).latency_ms, 0.03, 1e-9);
  // + Relu fused at cost share 0.5: 0.5 * (0.1*2 + 0.1*2) = 0.2 ms.
  EXPECT_NEAR(p.estimate(conv_layer(true)).latency_ms, 0.23, 1e-9);
  Layer unknown;
  unknown.kind = "Einsum";
  unknown.input_bytes = unknown.output_bytes = 1'000'000;
  EXPECT_TRUE(p.estimate(unknown).status.feasible);  // falls back to "default": 0.1 + 0.1
  EXPECT_NEAR(p.estimate(unknown).latency_ms, 0.2, 1e-9);
}

TEST(DeviceProfile, WeightsBeyondTheCacheStreamFromMemory) {
  DeviceProfile p = sample_profile();
  p.context_factor.clear();  // the bound alone
  p.l2_bytes = 0;            // the level-2 bound has its own test
  p.llc_bytes = 32e6;
  p.weight_stream_GBps = 40;
  p.model_stream_GBps = 0;  // no in-model rate learned: the probe's bounds layers in models too
  Layer fc = conv_layer(false);
  fc.macs = 1'000'000;  // warm in cache: 0.01 + 0.002 * 1 = 0.012 ms
  fc.weight_bytes = 80'000'000;
  // The layer alone holds 80 MB > 32 MB of cache: 80e6 B / (40e9 B/s) = 2 ms.
  EXPECT_NEAR(p.estimate(fc).latency_ms, 2.0, 1e-9);
  fc.weight_bytes = 4'000'000;
  const double alone = p.estimate(fc).latency_ms;
  EXPECT_NEAR(alone, 0.012, 1e-9);
  // 4 MB fits the cache alone; inside a 100 MB model it streams: 4e6 / 40e9 s = 0.1 ms.
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{100e6}).latency_ms, 0.1, 1e-9);
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{10e6}).latency_ms, alone, 1e-12);
  p.weight_stream_GBps = 0;  // unknown rate: no bound
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{100e6}).latency_ms, alone, 1e-12);
}

TEST(DeviceProfile, InsideALargeModelWeightsStreamAtTheInModelRate) {
  DeviceProfile p = sample_profile();
  p.context_factor.clear();
  p.l2_bytes = 0;  // the level-2 bound has its own test
  p.llc_bytes = 32e6;
  p.weight_stream_GBps = 40;
  p.model_stream_GBps = 25;
  Layer fc = conv_layer(false);
  fc.macs = 1'000'000;
  fc.weight_bytes = 4'000'000;
  // In a 100 MB model: 4e6 B / (25e9 B/s) = 0.16 ms (the probe's rate would give 0.1).
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{100e6}).latency_ms, 0.16, 1e-9);
  // In a model that fits the cache: no bound (0.012 ms, warm).
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{10e6}).latency_ms, 0.012, 1e-9);
  // 10 MB of weights, but with 7 MB of activations each inference touches 17 MB, more than half
  // (kEvictingShare) of the 32 MB cache: the weights are evicted between runs, 0.16 ms again.
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{10e6, 7e6}).latency_ms, 0.16, 1e-9);
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{10e6, 5e6}).latency_ms, 0.012, 1e-9);  // 15 MB
  // Alone, an 80 MB layer streams at the probe's rate: 80e6 / 40e9 s = 2 ms.
  fc.weight_bytes = 80'000'000;
  EXPECT_NEAR(p.estimate(fc).latency_ms, 2.0, 1e-9);
  // Inside a model, at the in-model rate: 80e6 / 25e9 s = 3.2 ms.
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{100e6}).latency_ms, 3.2, 1e-9);
}

TEST(DeviceProfile, InsideAModelBeyondTheLevel2CacheWeightsComeFromTheLastLevelCache) {
  DeviceProfile p = sample_profile();
  p.context_factor.clear();
  p.llc_bytes = 32e6;
  p.l2_bytes = 1e6;
  p.cache_stream_GBps = 20;
  p.cache_stream_curve.clear();  // a profile from a trace without the cache ladder
  Layer fc = conv_layer(false);
  fc.kind = "Gemm";
  p.kinds["Gemm"] = p.kinds.at("Conv");
  fc.macs = 250'000;  // weight-bound (0.25 MAC per weight byte): 0.01 + 0.002 * 0.25 = 0.0105 ms
  fc.weight_bytes = 1'000'000;
  EXPECT_NEAR(p.estimate(fc).latency_ms, 0.0105, 1e-9);  // alone: warm in the level-2 cache
  // In a 3 MB model (more than the 1 MB level-2 cache, less than half the 32 MB last level):
  // 1e6 B / (20e9 B/s) = 0.05 ms, and no context factor on top (the bound is its context).
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{3e6}).latency_ms, 0.05, 1e-9);
  p.context_factor = {{"*", 1.5}};
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{3e6}).latency_ms, 0.05, 1e-9);
  p.context_factor.clear();
  // A model that fits the level-2 cache keeps it warm.
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{0.8e6}).latency_ms, 0.0105, 1e-9);
  // A compute-bound layer (100 MACs per weight byte) is not bounded.
  fc.macs = 100'000'000;
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{3e6}).latency_ms, 0.01 + 0.2, 1e-9);
  fc.macs = 250'000;
  p.cache_stream_GBps = 0;  // unknown rate: no bound
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{3e6}).latency_ms, 0.0105, 1e-9);
}

TEST(DeviceProfile, TheCacheRateFollowsTheCurveAtTheBytesTheModelTouches) {
  DeviceProfile p = sample_profile();
  p.context_factor.clear();
  p.cache_stream_GBps = 20;  // the median of all kernels; the curve replaces it
  p.cache_stream_curve = {{1e6, 100}, {2e6, 80}, {4e6, 40}};
  // Linear in log bytes: at 2.8284e6 = 2e6 x sqrt(2), half-way from 80 to 40: 60 GB/s.
  EXPECT_NEAR(p.cache_stream_GBps_at(2e6 * std::sqrt(2.0)), 60, 1e-9);
  EXPECT_NEAR(p.cache_stream_GBps_at(2e6), 80, 1e-9);
  EXPECT_NEAR(p.cache_stream_GBps_at(0.5e6), 100, 1e-9);  // flat beyond either end
  EXPECT_NEAR(p.cache_stream_GBps_at(9e6), 40, 1e-9);
  Layer fc = conv_layer(false);
  fc.kind = "Gemm";
  p.kinds["Gemm"] = p.kinds.at("Conv");
  fc.macs = 250'000;  // weight-bound: 0.0105 ms alone (as in the test above)
  fc.weight_bytes = 1'200'000;
  // In a model touching 2.8284 MB: 1.2e6 B / (60e9 B/s) = 0.02 ms.
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{2e6 * std::sqrt(2.0)}).latency_ms, 0.02, 1e-9);
  // Without a curve, the single rate: 1.2e6 / 20e9 s = 0.06 ms.
  p.cache_stream_curve.clear();
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{2e6 * std::sqrt(2.0)}).latency_ms, 0.06, 1e-9);
  // A curve and no single rate (its kernels all left out) still bounds.
  p.cache_stream_GBps = 0;
  p.cache_stream_curve = {{1e6, 30}, {4e6, 30}};
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{3e6}).latency_ms, 0.04, 1e-9);
}

TEST(DeviceProfile, AFusedTailSeesTheLayersChannels) {
  DeviceProfile p = sample_profile();
  p.context_factor.clear();
  p.fused_cost["Conv+Relu"] = 0.5;
  KindModel relu;  // t = exp(log 1e-5 + log_cout) = 1e-5 ms per channel
  relu.form = "loglinear";
  relu.loglinear = {std::log(1e-5), 0, 0, 0, 0, 0, 0, 0, 1.0};
  p.kinds["Relu"] = relu;
  Layer with = conv_layer(true), without = conv_layer(false);
  with.outputs = without.outputs = {{"y", {1, 512, 10, 10}}};
  with.weights = without.weights = {{"w", {512, 8, 3, 3}}};
  // The Relu alone on the conv's output, 512 channels: 1e-5 * 512 ms, at share 0.5. Without the
  // layer's channels the model saw one channel (0.5 * 1e-5 ms).
  EXPECT_NEAR(p.estimate(with).latency_ms - p.estimate(without).latency_ms, 0.5 * 1e-5 * 512,
              1e-12);
}

TEST(DeviceProfile, AGemmsTailCostsPerElementAndAddsToTheWeightBound) {
  DeviceProfile p = sample_profile();
  p.context_factor.clear();
  p.cache_stream_curve.clear();
  p.cache_stream_GBps = 20;
  p.fused_cost["Gemm+Relu"] = 0.5;
  p.kinds["Gemm"] = p.kinds.at("Conv");
  KindModel relu;  // alone: 1 us per call + 0.25 ms per MB written
  relu.form = "roofline";
  relu.roofline = {0.001, 0, 0, 0.25, 0};
  p.kinds["Relu"] = relu;
  Layer fc = conv_layer(false);
  fc.kind = "Gemm";
  fc.ops = {"Gemm", "Relu"};
  fc.inputs = {{"x", {1, 1000}}};
  fc.outputs = {{"y", {1, 512}}};
  fc.weights = {{"w", {512, 1000}}};
  fc.output_bytes = 2048;
  fc.macs = 250'000;  // weight-bound: 0.01 + 0.002 * 0.25 = 0.0105 ms
  fc.weight_bytes = 1'000'000;
  // The Gemm probe's [1, 4096] output (16,384 B): 0.001 + 0.25 * 0.016384 = 0.005096 ms alone, at
  // share 0.5 per element, times 512 elements: 0.0003185 ms. Share x the model on [1, 512] would
  // be 0.5 * (0.001 + 0.25 * 0.002048) = 0.000756: the standalone call's 1 us is not paid inside
  // the Gemm's loop.
  const double tail = 0.5 * 0.005096 / kVectorProbeFeatures * 512;
  EXPECT_NEAR(p.estimate(fc).latency_ms, 0.0105 + tail, 1e-12);
  const LayerFeatures f = features_of(fc);
  EXPECT_NEAR(p.fused_tail_ms("Gemm", fc.ops.data() + 1, fc.ops.data() + 2, f), tail, 1e-12);
  // Inside a 3 MB model the weights come from the last-level cache, 1e6 B / (20e9 B/s) = 0.05
  // ms, and the Relu still runs after them.
  EXPECT_NEAR(p.estimate(fc, hw::ModelContext{3e6}).latency_ms, 0.05 + tail, 1e-12);
}

TEST(DeviceProfile, ContextFactorAppliesInsideAModelOnly) {
  DeviceProfile p = sample_profile();
  p.context_factor = {{"Conv", 1.5}, {"*", 1.2}};
  const Layer conv = conv_layer(false);  // 0.03 ms alone
  EXPECT_NEAR(p.estimate(conv).latency_ms, 0.03, 1e-9);
  EXPECT_NEAR(p.estimate(conv, hw::ModelContext{1e6}).latency_ms, 0.045, 1e-9);  // x 1.5
  Layer relu;
  relu.kind = "Relu";
  relu.input_bytes = relu.output_bytes = 1'000'000;                             // 0.2 ms alone
  EXPECT_NEAR(p.estimate(relu, hw::ModelContext{1e6}).latency_ms, 0.24, 1e-9);  // "*": x 1.2
  static_assert(DeviceProfile::kContextFloorMs == 0.01);
  // Below the floor (0.01 ms) the factor ramps in: none under half of it (0.005 ms), at 0.0075 ms
  // half of it, 0.0075 x (1 + 0.5 x 0.2) = 0.00825.
  Layer tiny = relu;
  tiny.input_bytes = tiny.output_bytes = 20'000;  // 0.004 ms alone
  EXPECT_NEAR(p.estimate(tiny, hw::ModelContext{1e6}).latency_ms, 0.004, 1e-12);
  tiny.input_bytes = tiny.output_bytes = 37'500;  // 0.0075 ms alone
  EXPECT_NEAR(p.estimate(tiny, hw::ModelContext{1e6}).latency_ms, 0.00825, 1e-12);
  EXPECT_EQ(p.context_factor_for("Conv.dw"), 1.5);  // falls back to Conv's factor
  // A factor that falls with the layer's time alone: 1.5 * (0.03 ms)^-0.1 = 2.1290 for the 0.03 ms
  // conv; learned over 0.05-10 ms, so a 0.03 ms layer gets the 0.05 ms factor, 1.5 * 0.05^-0.1.
  p.context_factor["Conv"].slope = -0.1;
  EXPECT_NEAR(p.estimate(conv, hw::ModelContext{1e6}).latency_ms, 0.03 * 1.5 * std::pow(0.03, -0.1),
              1e-9);
  p.context_factor["Conv"].min_ms = 0.05;
  p.context_factor["Conv"].max_ms = 10;
  EXPECT_NEAR(p.estimate(conv, hw::ModelContext{1e6}).latency_ms, 0.03 * 1.5 * std::pow(0.05, -0.1),
              1e-9);
  EXPECT_NEAR(p.context_factor_for("Conv", 50), 1.5 * std::pow(10.0, -0.1), 1e-12);
  p.context_factor.clear();
  EXPECT_EQ(p.context_factor_for("Conv"), 1.0);
}

TEST(DeviceProfile, YamlRoundTrip) {
  DeviceProfile p = sample_profile();
  ContextFactor sloped(1.08);
  sloped.slope = -0.05;
  sloped.min_ms = 0.012;
  sloped.max_ms = 31.5;
  p.context_factor["*"] = sloped;  // written as a mapping; Conv's constant as a number
  const DeviceProfile q = parse_profile(profile_to_yaml(p), "p.yaml");
  EXPECT_EQ(q.device, p.device);
  EXPECT_EQ(q.fusion.size(), 1u);
  EXPECT_EQ(q.fused_cost.at("Conv+Relu"), 0.5);
  EXPECT_EQ(q.reference_ms, 2.5);
  EXPECT_EQ(q.core_to_core_ns, 95);
  EXPECT_EQ(q.llc_bytes, 32e6);
  EXPECT_EQ(q.context_factor, p.context_factor);
  EXPECT_EQ(q.weight_stream_GBps, 38.5);
  EXPECT_EQ(q.model_stream_GBps, 30);
  EXPECT_EQ(q.input_copy_GBps, 50);
  EXPECT_EQ(q.l2_bytes, 1e6);
  EXPECT_EQ(q.cache_stream_GBps, 23);
  ASSERT_EQ(q.cache_stream_curve.size(), 2u);
  EXPECT_EQ(q.cache_stream_curve[1].touched_bytes, 4e6);
  EXPECT_EQ(q.cache_stream_curve[1].GBps, 46.5);
  // 0.01 ms + 1 MB / (50 GB/s) = 0.01 + 0.02 ms.
  EXPECT_NEAR(q.run_overhead_ms_for(1e6), 0.03, 1e-12);
  EXPECT_EQ(q.kinds.size(), p.kinds.size());
  EXPECT_NEAR(q.estimate(conv_layer(true)).latency_ms, p.estimate(conv_layer(true)).latency_ms,
              1e-9);
  Layer gemm;
  gemm.kind = "Gemm";
  gemm.macs = 1'000'000;
  EXPECT_NEAR(q.estimate(gemm).latency_ms, p.estimate(gemm).latency_ms, 1e-9);
  // A model fitted with sizes in thousands keeps its unit (profiles without the key: millions).
  EXPECT_EQ(q.kinds.at("Gemm").size_unit, 1e6);
  DeviceProfile small = p;
  small.kinds.at("Gemm").size_unit = 1e3;
  const DeviceProfile r = parse_profile(profile_to_yaml(small), "p.yaml");
  EXPECT_EQ(r.kinds.at("Gemm").size_unit, 1e3);
  EXPECT_NEAR(r.estimate(gemm).latency_ms, small.estimate(gemm).latency_ms, 1e-9);
  EXPECT_GT(std::abs(r.estimate(gemm).latency_ms - p.estimate(gemm).latency_ms), 1e-6);
  ASSERT_EQ(q.kinds.at("MaxPool").children.size(), 2u);
  for (double map : {16.0, 64.0}) {
    LayerFeatures f;
    f.kind = "MaxPool";
    f.out_channels = 8;
    f.input_bytes = 4 * 8 * map * map;
    // 16x16: 0.1 ms/MB x (8 KB in + 0 out); 64x64: 0.3 ms/MB x 131 KB in.
    const double expected = (map < 32 ? 0.1 : 0.3) * f.input_bytes / 1e6;
    EXPECT_NEAR(q.kinds.at("MaxPool").predict_ms(f), expected, 1e-12) << map;
  }
}

void expect_error(const std::string& yaml, const std::string& fragment) {
  try {
    parse_profile(yaml, "bad.yaml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
  }
}

TEST(DeviceProfile, BrokenProfilesGiveClearErrors) {
  const std::string good = profile_to_yaml(sample_profile());
  expect_error("device: x\n", "not a dnntune device profile");
  expect_error("[unclosed\n", "not valid YAML");
  // `good` with its first `from` replaced by `to`.
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  expect_error(with("dnntune_profile: 1", "dnntune_profile: 2"),
               "profile version 2 is not supported");
  expect_error(good + "colour: blue\n", "unknown key 'colour' in the profile (allowed:");
  expect_error(with("weight_stream_GBps", "weight_stream_MBps"),
               "unknown key 'weight_stream_MBps' in memory");
  expect_error(with("Conv: 1.1", "Conv: 0"), "context_factor of 'Conv' must be > 0");
  expect_error(with("Conv: 1.1", "Conv: {at_1ms: 1.1, slope: 2}"),
               "context_factor.Conv: slope must be within [-1, 1]");
  expect_error(with("Conv: 1.1", "Conv: {at_1ms: 1.1, min_ms: 2, max_ms: 1}"),
               "0 <= min_ms <= max_ms");
  expect_error(with("Conv: 1.1", "Conv: {at_1ms: 1.1, slop: -0.1}"),
               "unknown key 'slop' in context_factor.Conv");
  expect_error(with("Conv: 1.1", "Conv: {slope: -0.1}"), "at_1ms");
  expect_error(with("weight_stream_GBps: 38.5", "weight_stream_GBps: -1"), "must be >= 0");
  expect_error(with("input_copy_GBps: 50", "input_copy_GBps: -2"), "must be >= 0");
  expect_error(with("model_stream_GBps: 30", "model_stream_GBps: -3"), "must be >= 0");
  expect_error(with("cache_stream_GBps: 23", "cache_stream_GBps: -23"), "must be >= 0");
  expect_error(with("l2_bytes: 1000000", "l2_bytes: -1"), "must be >= 0");
  expect_error(with("[4000000, 46.5]", "[1000000, 46.5]"),
               "memory.cache_stream_curve[1]: bytes must be ascending");
  expect_error(with("[4000000, 46.5]", "[4000000, 0]"),
               "memory.cache_stream_curve[1]: bytes and GBps must be > 0");
  expect_error(with("[4000000, 46.5]", "[4000000]"),
               "memory.cache_stream_curve[1] must be [bytes, GBps]");
  expect_error(with("cache_stream_curve: [", "cache_stream_curve: 7, x: ["),
               "unknown key 'x' in memory");
  expect_error(
      with("cache_stream_curve: [[2000000, 78.5], [4000000, 46.5]]", "cache_stream_curve: 7"),
      "memory.cache_stream_curve must be a list of [bytes, GBps]");
  expect_error(with("[4000000, 46.5]", "[4000000, fast]"), "wrong type");
  expect_error(with("core_to_core_ns: 95", "core_to_core_ns: -95"),
               "reference_ms and core_to_core_ns must be >= 0");
  expect_error(with("form: roofline", "form: magic"), "form 'magic' is unknown");
  expect_error(with("loglinear: [0.5, 0.1]", "loglinear: [0.5, 0.1]\n    size_unit: -1"),
               "kinds.Gemm.size_unit must be positive");
  expect_error(with("feature: log_in_spatial", "feature: log_colour"),
               "kinds.MaxPool.split.feature 'log_colour' is unknown (allowed:");
  expect_error(with("below:", "under:"), "unknown key 'under' in kinds.MaxPool.split");
  const std::string no_device = with("device: test-opencv-1t", "");
  expect_error(no_device, "lacks key 'device'");
}

TEST(DeviceProfile, RunOverheadIsAConstantPlusTheInputCopy) {
  // Kernels' overhead (total - layer time): 0.4 us below 16 KB of input, 0.4 us + bytes at
  // 50 GB/s from 64 KB to 4 MB, and an 8 MB kernel far off (an allocator spike: left out).
  std::vector<std::pair<double, double>> overheads;
  for (double kb : {1, 2, 4, 8, 12, 16}) overheads.emplace_back(kb * 1024, 0.0004);
  for (double kb : {64, 256, 1024, 4096})
    overheads.emplace_back(kb * 1024, 0.0004 + kb * 1024 / 50e6);
  overheads.emplace_back(512 * 1024, 0.0004 + 512 * 1024 / 50e6);
  overheads.emplace_back(8192 * 1024, 7.0);
  DeviceProfile p;
  fit_run_overhead(overheads, p);
  EXPECT_NEAR(p.run_overhead_ms, 0.0004, 1e-12);
  EXPECT_NEAR(p.input_copy_GBps, 50, 1e-9);
  // A 224x224x3 float image: 0.4 us + 602,112 B / (50 GB/s) = 0.4 + 12.04 us.
  EXPECT_NEAR(p.run_overhead_ms_for(602112), 0.0004 + 0.01204224, 1e-12);
  // Too few small-input kernels: one median over all of them, no copy rate.
  DeviceProfile q;
  fit_run_overhead({{1024, 0.001}, {1e6, 0.002}, {2e6, 0.003}}, q);
  EXPECT_EQ(q.run_overhead_ms, 0.002);
  EXPECT_EQ(q.input_copy_GBps, 0);
}

TEST(DeviceProfile, AKindWithFewKernelsWithinTheTailShareAdmitsLargerTails) {
  // Kernels of 1 ms; `n` of `kind` with a predicted tail of `share` x 1 ms each.
  std::vector<KernelRecord> kernels;
  std::vector<double> tails_ms;
  auto add = [&](const std::string& kind, int n, double share, bool noisy = false) {
    for (int i = 0; i < n; ++i) {
      KernelRecord k;
      k.features.kind = kind;
      k.median_ms = 1.0;
      k.state_ratio = 1.0;
      k.noisy = noisy;
      kernels.push_back(k);
      tails_ms.push_back(share);
    }
  };
  // Conv.dw: 24 trusted kernels within kMaxTailShare (0.1): the 0.2-share ones stay out.
  add("Conv.dw", 24, 0.05);
  add("Conv.dw", 5, 0.2);
  // Conv.1x1: 23 within the share (and 4 noisy ones, which do not count): up to 0.5 admitted.
  add("Conv.1x1", 23, 0.1);
  add("Conv.1x1", 4, 0.0, true);
  add("Conv.1x1", 5, 0.3);
  add("Conv.1x1", 2, 0.6);
  std::vector<const KernelRecord*> records;
  for (const auto& k : kernels) records.push_back(&k);
  const std::vector<bool> admitted = admitted_by_tail_share(records, tails_ms);
  ASSERT_EQ(admitted.size(), records.size());
  auto count = [&](const std::string& kind, double share) {
    int n = 0;
    for (size_t i = 0; i < records.size(); ++i)
      n += admitted[i] && records[i]->features.kind == kind && tails_ms[i] == share;
    return n;
  };
  EXPECT_EQ(count("Conv.dw", 0.05), 24);
  EXPECT_EQ(count("Conv.dw", 0.2), 0);
  EXPECT_EQ(count("Conv.1x1", 0.1), 23);
  EXPECT_EQ(count("Conv.1x1", 0.0), 4);  // noisy: admitted here, left to fit's drop_noisy
  EXPECT_EQ(count("Conv.1x1", 0.3), 5);
  EXPECT_EQ(count("Conv.1x1", 0.6), 0);
}

}  // namespace
}  // namespace dnntune::calib
