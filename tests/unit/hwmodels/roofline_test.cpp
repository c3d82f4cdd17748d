// The roofline latency model, checked against hand-computed values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwmodels/device/device_spec.h"
#include "hwmodels/latency/roofline_model.h"
#include "traces/common/error.h"

namespace dnntune::hw {
namespace {

using ::testing::HasSubstr;

DeviceSpec test_device() {
  DeviceSpec d;
  d.name = "testdev";
  ProcessorSpec p;
  p.name = "cpu";
  p.peak_gflops_fp32 = 100;  // 1e11 FLOP/s
  p.peak_gflops_fp16 = 200;
  p.memory_bandwidth_GBps = 10;  // 1e10 B/s
  p.memory_bytes = 1'000'000'000;
  p.active_power_W = 3;
  p.layer_overhead_ms = 0.01;
  p.efficiency = {{"Conv", 0.5}, {"depthwise", 0.1}, {"default", 0.25}};
  p.unsupported_ops = {"LSTM"};
  d.processors.push_back(p);
  ProcessorSpec npu = p;
  npu.name = "npu";
  npu.peak_gflops_fp32 = 0;  // fp16 only
  d.processors.push_back(npu);
  return d;
}

Layer layer(const std::string& kind, int64_t flops, int64_t bytes) {
  Layer l;
  l.name = kind + "_0";
  l.kind = kind;
  l.ops = {kind};
  l.flops = flops;
  l.input_bytes = bytes;
  return l;
}

TEST(Roofline, ComputeBoundLayer) {
  const DeviceSpec d = test_device();
  const auto model = make_roofline_model(d, d.processor("cpu"));
  // compute = 1e9 / (1e11 * 0.5) s = 20 ms; memory = 1e6 / 1e10 s = 0.1 ms; + 0.01 ms overhead.
  const LayerEstimate e = model->estimate(layer("Conv", 1'000'000'000, 1'000'000));
  ASSERT_TRUE(e.status.feasible) << e.status.reason;
  EXPECT_NEAR(e.latency_ms, 20.01, 1e-9);
  EXPECT_DOUBLE_EQ(e.power_W, 3);
  EXPECT_EQ(model->describe(), "roofline(testdev/cpu, fp32)");
}

TEST(Roofline, MemoryBoundLayerUsesDefaultEfficiency) {
  const DeviceSpec d = test_device();
  const auto model = make_roofline_model(d, d.processor("cpu"));
  // compute = 1e6 / (1e11 * 0.25) s = 0.04 ms; memory = 1e8 / 1e10 s = 10 ms; + 0.01 ms.
  EXPECT_NEAR(model->estimate(layer("Relu", 1'000'000, 100'000'000)).latency_ms, 10.01, 1e-9);
}

TEST(Roofline, MacsCountTwiceWhenFlopsAreMissing) {
  const DeviceSpec d = test_device();
  Layer l = layer("Gemm", 0, 0);
  l.macs = 500'000'000;  // 1e9 FLOPs at default 0.25 -> 1e9 / 2.5e10 s = 40 ms
  EXPECT_NEAR(make_roofline_model(d, d.processor("cpu"))->estimate(l).latency_ms, 40.01, 1e-9);
}

TEST(Roofline, DepthwiseConvGetsItsOwnEfficiency) {
  Layer l = layer("Conv", 1'000'000'000, 0);
  l.inputs.push_back({"x", {1, 32, 56, 56}, DType::kFloat32});
  l.attributes["group"] = 32;
  EXPECT_EQ(efficiency_kind(l), "depthwise");
  const DeviceSpec d = test_device();
  // 1e9 / (1e11 * 0.1) s = 100 ms
  EXPECT_NEAR(make_roofline_model(d, d.processor("cpu"))->estimate(l).latency_ms, 100.01, 1e-9);
  l.attributes["group"] = 2;  // grouped, not depthwise
  EXPECT_EQ(efficiency_kind(l), "Conv");
}

TEST(Roofline, CalibratedEfficienciesOverrideTheCatalog) {
  const DeviceSpec d = test_device();
  const auto model = make_roofline_model(d, d.processor("cpu"), {{"Conv", 0.8}});
  // 1e9 / (1e11 * 0.8) s = 12.5 ms
  EXPECT_NEAR(model->estimate(layer("Conv", 1'000'000'000, 0)).latency_ms, 12.51, 1e-9);
  EXPECT_THAT(model->describe(), HasSubstr("calibrated"));
  RooflineOptions bad;
  bad.efficiency_overrides = {{"Conv", 0.0}};
  EXPECT_THROW(make_roofline_model(d, d.processor("cpu"), bad), InputError);
}

TEST(Roofline, UnsupportedOperatorIsInfeasibleWithAReason) {
  const DeviceSpec d = test_device();
  const LayerEstimate e = make_roofline_model(d, d.processor("cpu"))->estimate(layer("LSTM", 1, 1));
  EXPECT_FALSE(e.status.feasible);
  EXPECT_THAT(e.status.reason, HasSubstr("LSTM"));
  EXPECT_THAT(e.status.reason, HasSubstr("testdev/cpu"));
}

TEST(Roofline, LayerLargerThanMemoryIsInfeasible) {
  const DeviceSpec d = test_device();
  Layer l = layer("Gemm", 1, 0);
  l.weight_bytes = 2'000'000'000;
  const LayerEstimate e = make_roofline_model(d, d.processor("cpu"))->estimate(l);
  EXPECT_FALSE(e.status.feasible);
  EXPECT_THAT(e.status.reason, HasSubstr("2000.0 MB"));
}

TEST(Roofline, Fp16OnlyProcessorRunsAtFp16WithHalfTheBytes) {
  const DeviceSpec d = test_device();
  const auto model = make_roofline_model(d, d.processor("npu"));
  EXPECT_EQ(model->describe(), "roofline(testdev/npu, fp16)");
  // memory = 1e8 * 2/4 / 1e10 s = 5 ms (fp16 halves the fp32 model bytes)
  EXPECT_NEAR(model->estimate(layer("Relu", 1, 100'000'000)).latency_ms, 5.01, 1e-9);
  RooflineOptions fp32;
  fp32.precision = Precision::kFp32;
  const LayerEstimate e =
      make_roofline_model(d, d.processor("npu"), fp32)->estimate(layer("Relu", 1, 1));
  EXPECT_FALSE(e.status.feasible);
  EXPECT_THAT(e.status.reason, HasSubstr("no fp32 peak"));
}

TEST(Roofline, PrecisionNames) {
  EXPECT_EQ(parse_precision("int8"), Precision::kInt8);
  try {
    parse_precision("fp8");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.message(), HasSubstr("known: fp32, fp16, int8"));
  }
}

TEST(Roofline, CatalogDevicesGiveFinitePositiveEstimates) {
  Layer conv = layer("Conv", 3'600'000'000, 12'000'000);  // roughly a ResNet-50 in one layer
  for (const DeviceSpec& d : device_catalog())
    for (const ProcessorSpec& p : d.processors) {
      const LayerEstimate e = make_roofline_model(d, p)->estimate(conv);
      ASSERT_TRUE(e.status.feasible) << d.name << "/" << p.name << ": " << e.status.reason;
      EXPECT_GT(e.latency_ms, 0) << d.name;
      EXPECT_GT(e.power_W, 0) << d.name;
    }
  // Sanity of ordering, not of values: an H100 beats a Redmi Note 4X CPU on this layer.
  const auto h100 = make_roofline_model(find_device("h100"), find_device("h100").processor("gpu"));
  const DeviceSpec& redmi = find_device("redmi_note4x");
  EXPECT_LT(h100->estimate(conv).latency_ms,
            make_roofline_model(redmi, redmi.processor("cpu"))->estimate(conv).latency_ms);
}

}  // namespace
}  // namespace dnntune::hw
