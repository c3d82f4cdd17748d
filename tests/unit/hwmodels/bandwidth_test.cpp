// Bandwidth sources: constant and Pensieve-format traces, including broken trace files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "hwmodels/network/bandwidth_source.h"
#include "traces/common/error.h"

namespace dnntune::hw {
namespace {

using ::testing::HasSubstr;

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string load_error(const std::string& text) {
  const std::string path = write_temp("dnntune_bad_trace", text);
  try {
    load_pensieve_trace(path);
  } catch (const InputError& e) {
    std::remove(path.c_str());
    return e.what();
  }
  std::remove(path.c_str());
  return "<no error>";
}

TEST(Bandwidth, Constant) {
  const ConstantBandwidth bw(2, 10);
  EXPECT_DOUBLE_EQ(bw.uplink_mbps(123), 2);
  EXPECT_DOUBLE_EQ(bw.downlink_mbps(0), 10);
}

TEST(Bandwidth, TraceIsPiecewiseConstantAndRepeats) {
  const std::string path = write_temp("dnntune_trace", "0.0\t4.0\n1.0\t8.0\n2.0\t2.0\n");
  const TraceBandwidth bw(load_pensieve_trace(path), 0.5);
  std::remove(path.c_str());
  EXPECT_DOUBLE_EQ(bw.downlink_mbps(0.0), 4);
  EXPECT_DOUBLE_EQ(bw.downlink_mbps(0.999), 4);
  EXPECT_DOUBLE_EQ(bw.downlink_mbps(1.0), 8);
  EXPECT_DOUBLE_EQ(bw.downlink_mbps(2.5), 2);
  // period = last time 2 s + median spacing 1 s = 3 s: t = 3.5 s reads like t = 0.5 s.
  EXPECT_DOUBLE_EQ(bw.downlink_mbps(3.5), 4);
  EXPECT_DOUBLE_EQ(bw.downlink_mbps(4.2), 8);
  EXPECT_DOUBLE_EQ(bw.uplink_mbps(1.5), 4);  // 0.5 x 8
  EXPECT_THAT(bw.describe(), HasSubstr("3 samples"));
}

TEST(Bandwidth, BrokenTracesAreRejectedWithTheLine) {
  EXPECT_THAT(load_error("0 1\n1 two\n"), HasSubstr("line 2: expected two numbers"));
  EXPECT_THAT(load_error("0 1 2\n"), HasSubstr("line 1"));
  EXPECT_THAT(load_error("0 1\n1 -3\n"), HasSubstr("line 2: negative throughput"));
  EXPECT_THAT(load_error("0 1\n0 2\n"), HasSubstr("does not increase"));
  EXPECT_THAT(load_error("\n\n"), HasSubstr("empty bandwidth trace"));
  EXPECT_THROW(load_pensieve_trace("/nonexistent/trace"), InputError);
}

}  // namespace
}  // namespace dnntune::hw
