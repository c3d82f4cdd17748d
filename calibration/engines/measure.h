#pragma once
// Robust timing of one loaded model on a shared, noisy machine: warm-up, then repeats until the
// median is stable or a cap is reached; the dispersion (p10/p90) is kept so noisy samples can be
// re-measured or flagged.
#include <map>
#include <string>

#include "calibration/engines/engine.h"

namespace dnntune::calib {

// Warm-up time for a whole model before it is timed (validate, and the calibration's whole-model
// runs, so that both measure alike). A model measured right after loading, with two warm-up runs,
// ran slower than after a longer warm-up, the more so the smaller: mlp_mnist at 2 threads 0.026
// ms against 0.017 after 100 and more warm-up runs (which time did not change further), mlp_wide
// 3.86 against 3.63-3.76 ms. Which one a validation saw depended on the model measured before it.
inline constexpr double kModelWarmupMs = 50;

struct MeasureOptions {
  int warmup_runs = 1;
  double warmup_min_ms = 0;  // after warmup_runs, warm up on until this much time was spent
  int min_repeats = 5;
  int max_repeats = 25;
  double max_time_ms = 400;    // stop repeating once this much time was spent (after min_repeats)
  double stable_rel = 0.02;    // stop when the median moved less than this over the last 3 runs
  double noisy_spread = 0.25;  // (p90 - p10) / median above this marks the sample noisy
  // Contention correction for a shared machine: a pass that got less CPU than `threads` cores
  // for its whole wall time was preempted; its times are scaled by (cpu_ms / threads) / wall_ms
  // (never up). On an idle machine the factor is 1 and the times are plain wall clock. Applied
  // with threads == 1 only (an idle worker thread looks like preemption).
  bool correct_contention = true;
  int threads = 1;
};

struct Measurement {
  double median_ms = 0, p10_ms = 0, p90_ms = 0;  // end-to-end time of the forward pass (corrected)
  double wall_median_ms = 0;                     // uncorrected wall clock
  double cpu_share = 1;                          // median of the correction factors applied
  int repeats = 0;
  bool noisy = false;
  // The engine's own layer time (sum of its per-node times) per run: median and percentiles.
  double layers_median_ms = 0, layers_p10_ms = 0, layers_p90_ms = 0;
  std::map<std::string, double> node_median_ms;  // per ONNX node, median over the repeats
  // Sum over nodes of their medians: the engine's own layer time, without per-call overhead.
  double node_sum_ms() const;
};

// Median and percentiles by linear interpolation between order statistics.
double percentile(std::vector<double> values, double q);

Measurement measure(LoadedModel& model, const MeasureOptions& options = {});

// Merges a re-measurement into an earlier one: keeps the one with the smaller relative spread.
Measurement less_noisy(const Measurement& a, const Measurement& b);

// The measurement with the lower median (repeats summed), for two instances of one model.
// Why instances: where the allocator places an instance's buffers can decide its speed. Under
// glibc malloc, OpenCV's 64x56x56 3x3 convolution ran at 1.9 or 3.0 ms and resnet18 at 31 or
// 47 ms depending only on which instance was measured (a scratch buffer 16 or 32 bytes past a
// 64-byte boundary); the dnntune executable links jemalloc, which removed that, and an unlucky
// placement of another kind would again only add time.
Measurement faster(const Measurement& a, const Measurement& b);

}  // namespace dnntune::calib
