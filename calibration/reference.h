#pragma once
// A fixed reference kernel that tells whether the machine runs at the speed it had during
// calibration. On a shared machine a busy hyper-thread sibling or frequency change slows a
// thread without taking its CPU time (the contention correction cannot see it); validate waits
// for the reference kernel to come back to its calibrated speed before measuring a model.
#include <chrono>
#include <memory>

#include "calibration/engines/engine.h"
#include "calibration/kernels/kernel_spec.h"

namespace dnntune::calib {

// Conv 64->64, 3x3, pad 1 on 56x56 with ReLU (231 MMACs): the commonest CNN layer shape.
KernelSpec reference_kernel_spec();

// Median layer time of the reference kernel now (a short measurement), in ms.
double measure_reference_ms(Engine& engine);

// The machine's state around one measurement. This VM's dense-compute speed seemed to flip
// between two states ~1.5x apart within seconds, invisible to load and CPU time; most of that
// was per instance (where glibc malloc placed OpenCV's scratch buffers: faster() in
// engines/measure.h), so the probe runs a kept and a fresh instance of the reference kernel twice
// each and reports the fastest run against the fastest it has ever seen: ~1 in the fast state. The
// state lasts seconds, so a reading younger than `max_age_s` is reused (about 1 % of the
// calibration time). A smaller probe (a 0.1 ms convolution) was tried first and did not track the
// state of larger convolutions.
class StateProbe {
 public:
  explicit StateProbe(Engine& engine, double max_age_s = 0.5);
  double ratio();  // now / fastest seen, >= 1
 private:
  Engine& engine_;
  onnx::ModelProto kernel_;
  std::unique_ptr<LoadedModel> model_;
  double best_ms_ = 0, last_ratio_ = 1, max_age_s_;
  std::chrono::steady_clock::time_point last_;
  bool read_ = false;
};
// A measurement whose probe ratio (before or after it) exceeds this was taken in a slow state.
inline constexpr double kSlowStateRatio = 1.2;
// The one test of it: a recorded ratio of 0 (not probed) does not count as slow.
inline bool slow_state(double state_ratio) {
  return state_ratio > kSlowStateRatio;
}
// Below this the machine is taken to be in its fast state (whole-model runs wait for it).
inline constexpr double kFastStateRatio = 1.1;

// A fully connected layer whose weights are several times the last-level cache, so that every
// run streams them from memory: K inputs x N outputs with 4*K*N >= 4 * llc_bytes (at least
// 128 MB, at most 480 MB).
KernelSpec stream_probe_spec(double llc_bytes);
struct StreamProbe {
  double weight_bytes = 0;
  double time_ms = 0;  // 10th percentile of the run times
  double GBps() const { return time_ms > 0 ? weight_bytes / (time_ms * 1e6) : 0.0; }
};
// Measures the stream probe: the rate the engine reads weights from memory at (10th percentile
// of the run times: a bound should use the rate reached, not the average).
StreamProbe measure_stream_probe(Engine& engine, double llc_bytes);

// Share by which the machine may be slower than at calibration before validate waits for it.
inline constexpr double kReferenceTolerance = 0.10;

}  // namespace dnntune::calib
