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

// Share by which the machine may be slower than at calibration before validate waits for it.
inline constexpr double kReferenceTolerance = 0.10;

}  // namespace dnntune::calib
