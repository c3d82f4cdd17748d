// Calibration traces: round trip and clear errors for broken files.
#include <gtest/gtest.h>

#include "calibration/trace.h"
#include "traces/common/error.h"

namespace dnntune::calib {
namespace {

Trace sample_trace() {
  Trace t;
  t.header.host_cpu = "Test CPU";
  t.header.cores = 2;
  t.header.engine = "opencv";
  t.header.engine_version = "4.6.0";
  t.header.threads = 1;
  t.header.date = "2026-01-01T00:00:00Z";
  t.header.tool_version = "0.1.0";
  KernelRecord r;
  r.spec.op = "Conv";
  r.spec.input = {1, 16, 28, 28};
  r.spec.out_channels = 32;
  r.spec.kernel_h = r.spec.kernel_w = 3;
  r.spec.pad_h = r.spec.pad_w = 1;
  r.spec.activation = "Relu";
  r.spec.origin = "prior";
  r.features.kind = "Conv";
  r.features.macs = 28 * 28 * 32 * 16 * 9;
  r.median_ms = 0.4;
  r.p10_ms = 0.38;
  r.p90_ms = 0.45;
  r.repeats = 7;
  r.state_ratio = 1.25;
  t.kernels.push_back(r);
  t.in_model.push_back({"resnet18", 1.02, {{r.spec.key(), 0.5}, {"Relu:1,64", 0.01}}});
  t.header.llc_bytes = 32.0 * 1024 * 1024;
  t.header.l2_bytes = 1024.0 * 1024;
  t.header.stream_weight_bytes = 268435456.0;
  t.header.stream_ms = 7.0;
  t.header.allocator = "jemalloc 5.3.0";
  t.header.core_to_core_ns = 390.5;
  t.fusion.push_back({"Conv", "Relu", 0.1, 0.02, 0.105, 0.0});
  return t;
}

std::string text_of(const Trace& t) {
  std::string s = header_to_line(t.header) + "\n";
  for (const auto& p : t.fusion) s += fusion_to_line(p) + "\n";
  for (const auto& k : t.kernels) s += kernel_to_line(k) + "\n";
  for (const auto& m : t.in_model) s += in_model_to_line(m) + "\n";
  return s;
}

TEST(Trace, RoundTrip) {
  const Trace t = parse_trace(text_of(sample_trace()), "t.jsonl");
  EXPECT_EQ(t.header.host_cpu, "Test CPU");
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_EQ(t.kernels[0].spec.key(), sample_trace().kernels[0].spec.key());
  EXPECT_DOUBLE_EQ(t.kernels[0].features.macs, 28.0 * 28 * 32 * 16 * 9);
  EXPECT_DOUBLE_EQ(t.kernels[0].median_ms, 0.4);
  ASSERT_EQ(t.fusion.size(), 1u);
  EXPECT_DOUBLE_EQ(t.fusion[0].b_in_ab_ms, 0.0);
  EXPECT_NE(t.content_hash, 0u);
  EXPECT_DOUBLE_EQ(t.kernels[0].state_ratio, 1.25);
  ASSERT_EQ(t.in_model.size(), 1u);
  EXPECT_EQ(t.in_model[0].model, "resnet18");
  EXPECT_DOUBLE_EQ(t.in_model[0].state_ratio, 1.02);
  ASSERT_EQ(t.in_model[0].layers.size(), 2u);
  EXPECT_EQ(t.in_model[0].layers[0].key, t.kernels[0].spec.key());
  EXPECT_DOUBLE_EQ(t.in_model[0].layers[0].ms, 0.5);
  EXPECT_DOUBLE_EQ(t.header.llc_bytes, 32.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(t.header.l2_bytes, 1024.0 * 1024);
  EXPECT_DOUBLE_EQ(t.header.stream_weight_bytes, 268435456.0);
  EXPECT_DOUBLE_EQ(t.header.core_to_core_ns, 390.5);
  EXPECT_DOUBLE_EQ(t.header.stream_ms, 7.0);
  EXPECT_EQ(t.header.allocator, "jemalloc 5.3.0");
}

TEST(Trace, OptionalKeysOfOlderTracesDefaultToUnknown) {
  Trace old = sample_trace();
  old.header.llc_bytes = old.header.stream_weight_bytes = old.header.stream_ms = 0;
  old.header.core_to_core_ns = old.header.l2_bytes = 0;
  old.kernels[0].state_ratio = 0;
  std::string text = text_of(old);
  for (const char* key : {",\"llc_bytes\":0.0", ",\"l2_bytes\":0.0", ",\"stream_ms\":0.0",
                          ",\"stream_weight_bytes\":0.0", "\"allocator\":\"jemalloc 5.3.0\",",
                          "\"core_to_core_ns\":0.0,"}) {
    const auto at = text.find(key);
    ASSERT_NE(at, std::string::npos) << key;
    text.erase(at, std::string(key).size());
  }
  const Trace t = parse_trace(text, "old.jsonl");
  EXPECT_EQ(t.header.llc_bytes, 0);
  EXPECT_EQ(t.header.stream_ms, 0);
  EXPECT_EQ(t.header.allocator, "");
  EXPECT_EQ(t.header.core_to_core_ns, 0);
  EXPECT_EQ(t.header.l2_bytes, 0);
  EXPECT_EQ(t.kernels[0].state_ratio, 0);
}

TEST(Trace, GroupedConvolutionsOfOlderTracesReadWithTheirOwnKind) {
  Trace old = sample_trace();
  old.kernels[0].spec.group = 4;  // written as "Conv" before Conv.grouped existed
  Trace t = parse_trace(text_of(old), "old.jsonl");
  EXPECT_EQ(t.kernels[0].features.kind, "Conv.grouped");
  old.kernels[0].spec.group = 1;  // dense: unchanged
  t = parse_trace(text_of(old), "old.jsonl");
  EXPECT_EQ(t.kernels[0].features.kind, "Conv");
}

TEST(Trace, BroadcastMulsOfOlderTracesReadWithTheirOwnKind) {
  Trace old = sample_trace();
  old.kernels[0].spec.op = "Mul";
  old.kernels[0].features.kind = "Mul";  // written as "Mul" before Mul.broadcast existed
  old.kernels[0].spec.broadcast = true;
  Trace t = parse_trace(text_of(old), "old.jsonl");
  EXPECT_EQ(t.kernels[0].features.kind, "Mul.broadcast");
  old.kernels[0].spec.broadcast = false;  // same shapes: unchanged
  t = parse_trace(text_of(old), "old.jsonl");
  EXPECT_EQ(t.kernels[0].features.kind, "Mul");
}

void expect_error(const std::string& text, const std::string& fragment) {
  try {
    parse_trace(text, "bad.jsonl");
    FAIL() << "no error for: " << text.substr(0, 80);
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "bad.jsonl");
    EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
  }
}

TEST(Trace, BrokenInputsGiveClearErrors) {
  const std::string good = text_of(sample_trace());
  const std::string header = good.substr(0, good.find('\n') + 1);
  expect_error("", "empty trace");
  expect_error("{\"record\":\"kernel\"}\n", "line 1: the first record must be the header");
  expect_error("not json\n", "line 1: not valid JSON");
  expect_error("{\"record\":\"header\",\"format\":\"other\",\"version\":1}\n",
               "not a dnntune calibration trace");
  std::string v2 = header;
  v2.replace(v2.find("\"version\":1"), 11, "\"version\":2");
  expect_error(v2, "trace version 2 is not supported");
  expect_error(header + "{\"record\":\"kernel\",\"spec\":{\"op\":\"Conv\",\"input\":[1,3,8,8]}}\n",
               "line 2: kernel record lacks key 'features'");
  expect_error(header + "{\"record\":\"mystery\"}\n", "line 2: unknown record 'mystery'");
  std::string bad_op = good;
  bad_op.replace(bad_op.find("\"op\":\"Conv\""), 11, "\"op\":\"Fft\"");
  expect_error(bad_op, "unknown op 'Fft'");
  expect_error(header + "{\"record\":\"in_model\",\"model\":\"m\",\"layers\":[{\"key\":\"k\"}]}\n",
               "line 2: in_model record has a missing or mistyped key");
  expect_error(
      header + "{\"record\":\"in_model\",\"model\":\"m\",\"layers\":[{\"key\":\"k\",\"ms\":-1}]}\n",
      "line 2: negative layer time in model m");
}

}  // namespace
}  // namespace dnntune::calib
