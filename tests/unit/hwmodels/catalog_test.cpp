// The embedded device catalog: contents promised by issue 4, lookups, and the strict parser.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "hwmodels/catalog/catalog_parser.h"
#include "hwmodels/device/device_spec.h"
#include "traces/common/error.h"

namespace dnntune::hw {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

constexpr const char* kMinimalDevice = R"(
name: tiny
role: board
description: "a test board"
processors:
  - name: cpu
    kind: cpu
    model: "test core"
    peak_gflops_fp32: 10
    memory_bandwidth_GBps: 5
    memory_GiB: 1
    active_power_W: 2
    efficiency: {default: 0.5}
    source: "test"
)";

TEST(Catalog, HoldsEveryDeviceNamedInTheIssue) {
  for (const char* name : {"oneplus5t", "oneplus3", "redmi_note4x", "kirin970", "jetson_tx2",
                           "dimensity9300", "xeon_e5_2620v4", "v100", "t4", "a100", "h100"})
    EXPECT_NO_THROW(find_device(name)) << name;
}

TEST(Catalog, IssueNumbersAreTheCatalogNumbers) {
  // Values stated in issue 4 (each cited in the YAML): a typo in a catalog file fails here.
  const ProcessorSpec& v100 = find_device("v100").processor("gpu");
  EXPECT_DOUBLE_EQ(v100.peak_gflops_fp32, 15700);
  EXPECT_DOUBLE_EQ(v100.memory_bandwidth_GBps, 900);
  EXPECT_DOUBLE_EQ(v100.active_power_W, 300);
  const ProcessorSpec& t4 = find_device("t4").processor("gpu");
  EXPECT_DOUBLE_EQ(t4.peak_gflops_fp32, 8100);
  EXPECT_DOUBLE_EQ(t4.memory_bandwidth_GBps, 320);
  EXPECT_DOUBLE_EQ(t4.active_power_W, 70);
  const ProcessorSpec& a100 = find_device("a100").processor("gpu");
  EXPECT_DOUBLE_EQ(a100.peak_gflops_fp32, 19500);
  EXPECT_DOUBLE_EQ(a100.memory_bandwidth_GBps, 1555);
  EXPECT_DOUBLE_EQ(a100.active_power_W, 400);
  EXPECT_DOUBLE_EQ(find_device("kirin970").processor("npu").peak_gflops_fp16, 1920);
  EXPECT_DOUBLE_EQ(find_device("jetson_tx2").processor("gpu").active_power_W, 7.5);
}

TEST(Catalog, EveryEntryIsUsable) {
  for (const DeviceSpec& d : device_catalog()) {
    EXPECT_FALSE(d.sources.empty()) << d.name;
    if (d.role == DeviceRole::kCloud) {
      EXPECT_GT(d.price_usd_per_hour, 0) << d.name;
    }
    for (const ProcessorSpec& p : d.processors) {
      EXPECT_FALSE(p.source.empty()) << d.name << "/" << p.name;
      EXPECT_GT(p.memory_bytes, 0) << d.name << "/" << p.name;
      EXPECT_TRUE(p.efficiency.count("default")) << d.name << "/" << p.name;
    }
  }
}

TEST(Catalog, PhonesComeBeforeCloud) {
  const auto& catalog = device_catalog();
  for (size_t i = 1; i < catalog.size(); ++i)
    EXPECT_LE(static_cast<int>(catalog[i - 1].role), static_cast<int>(catalog[i].role));
}

TEST(Catalog, UnknownDeviceListsTheKnownOnes) {
  const std::string message = error_of([] { find_device("pixel99"); });
  EXPECT_THAT(message, HasSubstr("pixel99"));
  EXPECT_THAT(message, HasSubstr("unknown device"));
  EXPECT_THAT(message, HasSubstr("oneplus5t"));
  EXPECT_THAT(message, HasSubstr("h100"));
}

TEST(Catalog, UnknownProcessorListsTheKnownOnes) {
  const std::string message = error_of([] { find_device("oneplus5t").processor("npu"); });
  EXPECT_THAT(message, HasSubstr("unknown processor 'npu'"));
  EXPECT_THAT(message, HasSubstr("cpu, gpu"));
}

TEST(Catalog, FindDeviceReadsAUserFile) {
  const std::string path = ::testing::TempDir() + "/dnntune_user_device.yaml";
  std::ofstream(path) << kMinimalDevice;
  const DeviceSpec& d = find_device(path);
  EXPECT_EQ(d.name, "tiny");
  EXPECT_EQ(d.processor("cpu").memory_bytes, int64_t{1} << 30);
  EXPECT_EQ(&find_device(path), &d);  // cached: references stay valid
  std::remove(path.c_str());
  EXPECT_THAT(error_of([] { find_device("/nonexistent/dev.yaml"); }), HasSubstr("cannot open"));
}

TEST(CatalogParser, MinimalDeviceParses) {
  const DeviceSpec d = parse_device_yaml(kMinimalDevice, "tiny.yaml");
  EXPECT_EQ(d.role, DeviceRole::kBoard);
  ASSERT_EQ(d.processors.size(), 1u);
  EXPECT_DOUBLE_EQ(d.processors[0].efficiency.at("default"), 0.5);
}

std::string parse_error(const std::string& from, const std::string& to) {
  std::string text = kMinimalDevice;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  return error_of([&] { parse_device_yaml(text, "bad.yaml"); });
}

TEST(CatalogParser, UnknownKeyNamesFileKeyLineAndAllowedKeys) {
  const std::string message = parse_error("active_power_W: 2", "active_power_W: 2\n    tdp_W: 3");
  EXPECT_THAT(message, HasSubstr("bad.yaml"));
  EXPECT_THAT(message, HasSubstr("unknown key 'tdp_W'"));
  EXPECT_THAT(message, HasSubstr("processors[0]"));
  EXPECT_THAT(message, HasSubstr("line 13"));
  EXPECT_THAT(message, HasSubstr("allowed: name, kind, model"));
}

TEST(CatalogParser, RejectsBrokenInput) {
  EXPECT_THAT(parse_error("role: board", "role: phone"), HasSubstr("unknown role 'phone'"));
  EXPECT_THAT(parse_error("kind: cpu", "kind: tpu"), HasSubstr("allowed: cpu, gpu, npu, dsp"));
  EXPECT_THAT(parse_error("peak_gflops_fp32: 10", "peak_gflops_fp32: fast"),
              HasSubstr("expected a number"));
  EXPECT_THAT(parse_error("peak_gflops_fp32: 10", "peak_gflops_fp32: -1"), HasSubstr(">= 0"));
  EXPECT_THAT(parse_error("peak_gflops_fp32: 10", "peak_gflops_fp32: 0"),
              HasSubstr("at least one of"));
  EXPECT_THAT(parse_error("{default: 0.5}", "{Conv: 0.5}"), HasSubstr("'default'"));
  EXPECT_THAT(parse_error("{default: 0.5}", "{default: 1.5}"), HasSubstr("(0, 1]"));
  EXPECT_THAT(parse_error("memory_GiB: 1", "memory_GiB: 0"), HasSubstr("must be > 0"));
  EXPECT_THAT(parse_error("name: tiny", "name: Tiny Board"), HasSubstr("lower-case"));
  EXPECT_THAT(parse_error("    source: \"test\"", ""), HasSubstr("missing key 'source'"));
  EXPECT_THAT(parse_error("description: \"a test board\"", "description: [unclosed"),
              HasSubstr("line "));
}

TEST(CatalogParser, RejectsDuplicateProcessors) {
  std::string text = kMinimalDevice;
  const size_t at = text.find("  - name: cpu");
  text += text.substr(at);
  EXPECT_THAT(error_of([&] { parse_device_yaml(text, "dup.yaml"); }),
              HasSubstr("duplicate processor name 'cpu'"));
}

TEST(CatalogParser, NetworkPresetRejectsUnknownRadioKey) {
  const std::string text = R"(
name: x
uplink_mbps: 1
downlink_mbps: 2
rtt_ms: 10
radio: {technology: x, alpha_up_mW_per_Mbps: 1, alpha_down_mW_per_Mbps: 1, beta_mW: 1,
        source: s, tail_s: 3}
)";
  const std::string message = error_of([&] { parse_network_preset_yaml(text, "net.yaml"); });
  EXPECT_THAT(message, HasSubstr("net.yaml"));
  EXPECT_THAT(message, HasSubstr("unknown key 'tail_s'"));
  EXPECT_THAT(message, HasSubstr("tail_states"));
}

}  // namespace
}  // namespace dnntune::hw
