// Device profiles: YAML round trip, prediction through hw::LayerLatencyModel, strict parsing.
#include <gtest/gtest.h>

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
  p.llc_bytes = 32e6;
  p.weight_stream_GBps = 38.5;
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
  p.llc_bytes = 32e6;
  p.weight_stream_GBps = 40;
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
  p.context_factor.clear();
  EXPECT_EQ(p.context_factor_for("Conv"), 1.0);
}

TEST(DeviceProfile, YamlRoundTrip) {
  const DeviceProfile p = sample_profile();
  const DeviceProfile q = parse_profile(profile_to_yaml(p), "p.yaml");
  EXPECT_EQ(q.device, p.device);
  EXPECT_EQ(q.fusion.size(), 1u);
  EXPECT_EQ(q.fused_cost.at("Conv+Relu"), 0.5);
  EXPECT_EQ(q.reference_ms, 2.5);
  EXPECT_EQ(q.llc_bytes, 32e6);
  EXPECT_EQ(q.context_factor, p.context_factor);
  EXPECT_EQ(q.weight_stream_GBps, 38.5);
  EXPECT_EQ(q.kinds.size(), p.kinds.size());
  EXPECT_NEAR(q.estimate(conv_layer(true)).latency_ms, p.estimate(conv_layer(true)).latency_ms,
              1e-9);
  Layer gemm;
  gemm.kind = "Gemm";
  gemm.macs = 1'000'000;
  EXPECT_NEAR(q.estimate(gemm).latency_ms, p.estimate(gemm).latency_ms, 1e-9);
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
  expect_error(with("weight_stream_GBps: 38.5", "weight_stream_GBps: -1"), "must be >= 0");
  expect_error(with("form: roofline", "form: magic"), "form 'magic' is unknown");
  const std::string no_device = with("device: test-opencv-1t", "");
  expect_error(no_device, "lacks key 'device'");
}

}  // namespace
}  // namespace dnntune::calib
