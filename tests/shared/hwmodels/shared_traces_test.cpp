// Every Pensieve-format trace in ../shared/data/network loads through the trace BandwidthSource.
#include <gtest/gtest.h>

#include <filesystem>

#include "hwmodels/network/bandwidth_source.h"
#include "tests/test_paths.h"

namespace dnntune::hw {
namespace {

TEST(SharedTraces, PensieveAndLumosTracesLoad) {
  DNNTUNE_REQUIRE_SHARED();
  const std::string root = test::shared_dir() + "/data/network/";
  size_t files = 0;
  for (const char* dir : {"pensieve_fcc", "pensieve_norway_hsdpa", "lumos5g_verizon/4G"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root + dir)) {
      const BandwidthTrace trace = load_pensieve_trace(entry.path().string());
      ASSERT_GT(trace.time_s.size(), 1u) << entry.path();
      const TraceBandwidth bw(trace, 0.5);
      double sum = 0;
      for (double mbps : trace.mbps) sum += mbps;
      EXPECT_GT(sum, 0) << entry.path();
      // The value in force at a sample's own time is that sample.
      EXPECT_DOUBLE_EQ(bw.downlink_mbps(trace.time_s[1] - trace.time_s[0]), trace.mbps[1])
          << entry.path();
      ++files;
    }
  }
  EXPECT_EQ(files, 52u);  // 20 FCC + 20 Norway + 12 Lumos 4G (data/PROVENANCE.md)
}

}  // namespace
}  // namespace dnntune::hw
