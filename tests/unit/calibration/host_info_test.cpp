// Which malloc the process runs on: the test executables do not link jemalloc (only the dnntune
// executable does, experiments/CMakeLists.txt), so the run-time detection must say "glibc" here;
// tests/cli/calibration_pipeline.bash checks that dnntune's traces say "jemalloc <version>".
#include <gtest/gtest.h>

#include "calibration/host_info.h"

namespace dnntune::calib {
namespace {

TEST(HostInfo, ProcessAllocatorIsGlibcWithoutJemalloc) {
  EXPECT_EQ(process_allocator(), "glibc");
}

}  // namespace
}  // namespace dnntune::calib
