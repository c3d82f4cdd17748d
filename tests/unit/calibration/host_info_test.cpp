// Which malloc the process runs on: the test executables do not link jemalloc (only the dnntune
// executable does, experiments/CMakeLists.txt), so the run-time detection must say "glibc" here;
// tests/cli/calibration_pipeline.bash checks that dnntune's traces say "jemalloc <version>".
#include <gtest/gtest.h>

#include <sched.h>

#include "calibration/host_info.h"

namespace dnntune::calib {
namespace {

TEST(HostInfo, ProcessAllocatorIsGlibcWithoutJemalloc) {
  EXPECT_EQ(process_allocator(), "glibc");
}

TEST(HostInfo, Level2CacheIsSmallerThanTheLastLevel) {
  // Linux lists CPU 0's caches in sysfs (instruction caches do not count): the level-2 cache, when
  // the kernel names one, is a data or unified cache no larger than the last level.
  const double l2 = host_l2_bytes(), llc = host_llc_bytes();
  EXPECT_GE(l2, 0);
  if (l2 > 0) {
    EXPECT_GE(l2, 64 * 1024);
    EXPECT_LE(l2, llc);
  }
}

TEST(HostInfo, PlacementChangesBeyondTwiceEitherWay) {
  // Ratio now / calibrated outside [1/2, 2]: 390 against 90 ns (4.3x) changed; 150 against 90
  // (1.7x) not; 40 against 90 (0.44x) changed; an unknown reading (0) never counts.
  EXPECT_TRUE(placement_changed(90, 390));
  EXPECT_FALSE(placement_changed(90, 150));
  EXPECT_TRUE(placement_changed(90, 40));
  EXPECT_FALSE(placement_changed(0, 390));
  EXPECT_FALSE(placement_changed(90, 0));
}

TEST(HostInfo, CoreToCoreRoundTripNeedsTwoCpusAndLeavesTheAffinityAlone) {
  cpu_set_t before;
  CPU_ZERO(&before);
  ASSERT_EQ(sched_getaffinity(0, sizeof(before), &before), 0);
  const double ns = measure_core_to_core_ns();
  cpu_set_t after;
  CPU_ZERO(&after);
  ASSERT_EQ(sched_getaffinity(0, sizeof(after), &after), 0);
  EXPECT_TRUE(CPU_EQUAL(&before, &after));
  if (CPU_COUNT(&before) < 2) {
    EXPECT_EQ(ns, 0);
    GTEST_SKIP() << "one CPU: no round trip to measure";
  }
  // A cache line crosses between cores in tens to hundreds of ns (this VM: 390); more than
  // 100 us would mean the two threads shared one CPU.
  EXPECT_GT(ns, 1);
  EXPECT_LT(ns, 1e5);
  // Restricted to one CPU, there is nothing to measure.
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &before)) {
      CPU_SET(c, &one);
      break;
    }
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  EXPECT_EQ(measure_core_to_core_ns(), 0);
  ASSERT_EQ(sched_setaffinity(0, sizeof(before), &before), 0);
}

}  // namespace
}  // namespace dnntune::calib
