// Robust measurement: statistics and the contention correction, on a scripted fake model.
#include <gtest/gtest.h>

#include <chrono>

#include "calibration/engines/measure.h"

namespace dnntune::calib {
namespace {

// Returns scripted timings in a loop.
class FakeModel : public LoadedModel {
 public:
  explicit FakeModel(std::vector<RunTiming> runs) : runs_(std::move(runs)) {}
  RunTiming run() override { return runs_[i_++ % runs_.size()]; }

 private:
  std::vector<RunTiming> runs_;
  size_t i_ = 0;
};

RunTiming timing(double total, double cpu, double node) {
  return {total, cpu, {{"a", node}, {"b", node / 2}}};
}

TEST(Measure, Percentiles) {
  // Linear interpolation between order statistics: {1,2,3,4,5}: p50=3, p10=1.4, p90=4.6.
  EXPECT_DOUBLE_EQ(percentile({5, 1, 3, 2, 4}, 0.5), 3.0);
  EXPECT_NEAR(percentile({5, 1, 3, 2, 4}, 0.1), 1.4, 1e-12);
  EXPECT_NEAR(percentile({5, 1, 3, 2, 4}, 0.9), 4.6, 1e-12);
}

TEST(Measure, StableMedianStopsEarlyAndRecordsDispersion) {
  FakeModel model({timing(2.0, 2.0, 1.0)});
  MeasureOptions o;
  o.warmup_runs = 1;
  o.min_repeats = 5;
  const Measurement m = measure(model, o);
  EXPECT_EQ(m.repeats, 5);
  EXPECT_DOUBLE_EQ(m.median_ms, 2.0);
  EXPECT_DOUBLE_EQ(m.node_median_ms.at("a"), 1.0);
  EXPECT_DOUBLE_EQ(m.layers_median_ms, 1.5);
  EXPECT_FALSE(m.noisy);
}

TEST(Measure, ContentionCorrectionScalesPreemptedRunsDown) {
  // Wall 4 ms with 2 ms of CPU on one thread: preempted half the time -> corrected to 2 ms.
  FakeModel model({timing(4.0, 2.0, 3.0)});
  MeasureOptions o;
  const Measurement m = measure(model, o);
  EXPECT_DOUBLE_EQ(m.median_ms, 2.0);
  EXPECT_DOUBLE_EQ(m.wall_median_ms, 4.0);
  EXPECT_DOUBLE_EQ(m.cpu_share, 0.5);
  EXPECT_DOUBLE_EQ(m.node_median_ms.at("a"), 1.5);
  // Two threads: no correction even when the CPU time says one thread idled.
  FakeModel half({timing(4.0, 4.0, 3.0)});
  o.threads = 2;
  EXPECT_DOUBLE_EQ(measure(half, o).median_ms, 4.0);
  o.correct_contention = false;
  FakeModel plain({timing(4.0, 2.0, 3.0)});
  EXPECT_DOUBLE_EQ(measure(plain, o).median_ms, 4.0);
}

TEST(Measure, FasterKeepsTheLowerMedianWithItsStatisticsAndSumsRepeats) {
  // Two instances of one model, 3 ms and 2 ms: the 2 ms one is kept, with its own node times,
  // and the repeats of both count (5 + 5 = 10).
  FakeModel slow({timing(3.0, 3.0, 2.0)}), fast({timing(2.0, 2.0, 1.0)});
  MeasureOptions o;
  const Measurement a = measure(slow, o), b = measure(fast, o);
  for (const Measurement& m : {faster(a, b), faster(b, a)}) {
    EXPECT_DOUBLE_EQ(m.median_ms, 2.0);
    EXPECT_DOUBLE_EQ(m.node_median_ms.at("a"), 1.0);
    EXPECT_EQ(m.repeats, a.repeats + b.repeats);
  }
}

// Runs slow (5 ms) until `cold_ms` of real time has passed since it was made, then 1 ms: a model
// that needs a warm-up, as small models did at 2 threads (kModelWarmupMs).
class ColdStartModel : public LoadedModel {
 public:
  explicit ColdStartModel(double cold_ms) : cold_ms_(cold_ms) {}
  RunTiming run() override {
    const double since_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - made_).count();
    return timing(since_ms < cold_ms_ ? 5.0 : 1.0, 0, 0.5);
  }

 private:
  double cold_ms_;
  std::chrono::steady_clock::time_point made_ = std::chrono::steady_clock::now();
};

TEST(Measure, TimedWarmupLeavesTheColdStartOut) {
  MeasureOptions o;
  o.correct_contention = false;
  o.min_repeats = 5;
  o.max_repeats = 5;
  // Two warm-up runs take microseconds: the timed runs are still cold.
  ColdStartModel cold(1000);
  EXPECT_DOUBLE_EQ(measure(cold, o).median_ms, 5.0);
  // Warm-up until 30 ms have passed (from the start of measure(), after the model was made):
  // every timed run comes after the model's 20 ms cold start.
  o.warmup_min_ms = 30;
  ColdStartModel warmed(20);
  EXPECT_DOUBLE_EQ(measure(warmed, o).median_ms, 1.0);
}

TEST(Measure, NoisyRunsAreFlagged) {
  FakeModel model(
      {timing(1.0, 1.0, 1.0), timing(3.0, 3.0, 1.0), timing(1.0, 1.0, 1.0), timing(5.0, 5.0, 1.0)});
  MeasureOptions o;
  o.min_repeats = 8;
  o.max_repeats = 8;
  EXPECT_TRUE(measure(model, o).noisy);
}

}  // namespace
}  // namespace dnntune::calib
