// RAPL counters (on a fake powercap tree) and external power logs.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "calibration/power/rapl.h"
#include "traces/common/error.h"

namespace dnntune::calib {
namespace {

namespace fs = std::filesystem;

TEST(Rapl, ReadsPackageCountersAndHandlesWrap) {
  const fs::path root = fs::temp_directory_path() / ("rapl_test_" + std::to_string(::getpid()));
  fs::create_directories(root / "intel-rapl:0");
  fs::create_directories(root / "intel-rapl:0:0");  // a sub-domain: must not be counted twice
  std::ofstream(root / "intel-rapl:0" / "energy_uj") << 5000000;
  std::ofstream(root / "intel-rapl:0" / "max_energy_range_uj") << 10000000;
  std::ofstream(root / "intel-rapl:0:0" / "energy_uj") << 999;
  auto c = RaplCounter::open(root.string());
  ASSERT_TRUE(c.has_value());
  EXPECT_DOUBLE_EQ(c->read_mJ(), 5000.0);
  EXPECT_DOUBLE_EQ(c->max_range_mJ(), 10000.0);
  EXPECT_DOUBLE_EQ(rapl_delta_mJ(9000, 1000, 10000), 2000.0);  // wrapped once
  EXPECT_FALSE(RaplCounter::open((root / "absent").string()).has_value());
  fs::remove_all(root);
}

TEST(PowerLog, MeanPowerAndErrors) {
  const fs::path f = fs::temp_directory_path() / ("power_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(f) << "time_s,power_W\n0,2\n1,4\n3,4\n";
  // Trapezoid: (2+4)/2*1 + 4*2 = 11 J over 3 s.
  EXPECT_NEAR(read_power_log(f.string()).mean_power_W(), 11.0 / 3.0, 1e-12);
  std::ofstream(f) << "0,2\n0,3\n";
  EXPECT_THROW(read_power_log(f.string()), InputError);
  std::ofstream(f) << "0;2\n";
  EXPECT_THROW(read_power_log(f.string()), InputError);
  std::ofstream(f) << "0,-1\n";
  EXPECT_THROW(read_power_log(f.string()), InputError);
  fs::remove(f);
}

}  // namespace
}  // namespace dnntune::calib
