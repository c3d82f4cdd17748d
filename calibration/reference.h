#pragma once
// A fixed reference kernel that tells whether the machine runs at the speed it had during
// calibration. On a shared machine a busy hyper-thread sibling or frequency change slows a
// thread without taking its CPU time (the contention correction cannot see it); validate waits
// for the reference kernel to come back to its calibrated speed before measuring a model.
#include "calibration/engines/engine.h"
#include "calibration/kernels/kernel_spec.h"

namespace dnntune::calib {

// Conv 64->64, 3x3, pad 1 on 56x56 with ReLU (231 MMACs): the commonest CNN layer shape.
KernelSpec reference_kernel_spec();

// Median layer time of the reference kernel now (a short measurement), in ms.
double measure_reference_ms(Engine& engine);

// The machine's state around one measurement. This VM's dense-compute speed flips between two
// states 1.65x apart within seconds, invisible to load and CPU time; a kernel measured in the
// slow state is as wrong as a badly fitted one. The probe times a small convolution (Conv 32->32
// 3x3 on 28x28, 7 MMACs, ~0.1 ms) three times and reports the lowest against the lowest it has
// ever seen: 1 in the machine's fast state, ~1.65 in its slow one.
class StateProbe {
 public:
  explicit StateProbe(Engine& engine);
  double ratio();  // now / fastest seen, >= 1
 private:
  std::unique_ptr<LoadedModel> model_;
  double best_ms_ = 0;
};
// A measurement whose probe ratio (before or after it) exceeds this was taken in a slow state.
inline constexpr double kSlowStateRatio = 1.2;

// A fully connected layer whose weights are several times the last-level cache, so that every
// run streams them from memory: K inputs x N outputs with 4*K*N >= 4 * llc_bytes (at least
// 128 MB, at most 480 MB).
KernelSpec stream_probe_spec(double llc_bytes);
struct StreamProbe {
  double weight_bytes = 0;
  double median_ms = 0;
  double GBps() const { return median_ms > 0 ? weight_bytes / (median_ms * 1e6) : 0.0; }
};
// Measures the stream probe: the engine's sustained rate for reading weights from memory.
StreamProbe measure_stream_probe(Engine& engine, double llc_bytes);

// Share by which the machine may be slower than at calibration before validate waits for it.
inline constexpr double kReferenceTolerance = 0.10;

}  // namespace dnntune::calib
