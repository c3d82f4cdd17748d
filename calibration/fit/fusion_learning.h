#pragma once
// The engine's fusion behaviour, learned from paired kernels with nn-Meter's rule (Zhang et al.,
// MobiSys 2021, Sec. 4.1): operators A and B are fused when T(A) + T(B) - T(AB) > 0.5 * min(T(A),
// T(B)).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "calibration/kernels/kernel_spec.h"
#include "calibration/trace.h"
#include "traces/graph/fusion_rules.h"

namespace dnntune::calib {

// nn-Meter's threshold: the fraction of the smaller operator's time that pairing must save.
inline constexpr double kNnMeterFusionThreshold = 0.5;

// Fused when nn-Meter's rule holds, or when the engine itself reports B's node at zero inside AB
// (OpenCV runs a fused activation inside the convolution's loop: its cost is small but not zero,
// so the saving can miss the 0.5*min threshold although the engine did fuse the pair).
bool probe_says_fused(const FusionProbe& probe);
// B's node counts as "reported zero" inside AB below this share of B's standalone time (OpenCV
// still books a few timer ticks to a layer it fused away).
inline constexpr double kZeroNodeShare = 0.05;

// What a fused op still costs, as a share of its standalone time: (T(AB) - T(A)) / T(B), clamped
// to [0, 1.5]. Keys "Conv+Relu". Only fused pairs; an activation fused into its anchor's loop
// (OpenCV's Sigmoid, Tanh) keeps nearly its full cost, a BatchNorm folded into weights costs 0.
std::map<std::string, double> learn_fused_cost(const std::vector<FusionProbe>& probes);

// Adds `probe` to `probes`, or replaces the earlier probe of its pair (anchor, next) when this one
// ran faster in all (A + B + AB): calibrate measures the probes twice, apart in time, and a
// disturbance of the machine only adds time.
void keep_faster_probe(std::vector<FusionProbe>& probes, const FusionProbe& probe);

// The pairs calibrate measures: (anchor, next op). Each gives kernels A, B and AB.
struct FusionPair {
  std::string anchor, next;
};
const std::vector<FusionPair>& fusion_pairs();

// The output of the Gemm and MatMul probes: a [1, kVectorProbeFeatures] feature vector. A tail op
// fused after such an anchor costs per element what it cost on the probe (DeviceProfile).
inline constexpr int64_t kVectorProbeFeatures = 4096;
// Whether `anchor`'s probe writes that feature vector (Gemm, MatMul).
bool has_vector_probe(std::string_view anchor);

// Kernels of one pair: A alone, B alone on A's output shape, and A followed by B.
struct FusionKernels {
  KernelSpec a, b, ab;
};
FusionKernels fusion_kernels(const FusionPair& pair);

// The concat probe: two 1x1 convolutions of one input, each feeding only a channel Concat (node
// "concat") of their outputs, which feeds one more 1x1 convolution: the shape of SqueezeNet's fire
// modules and GoogLeNet's inception branches. An engine may let each branch write into the concat's
// output and skip the copy (OpenCV 4.6 does, and books the Concat at 0). Its FusionProbe is
// ("Conv", "Concat") with a = ab minus the Concat's own time inside, so learn_fused_cost gives
// "Conv+Concat" = the share of a standalone Concat such a concat still costs (predict.h applies
// it).
struct ConcatProbe {
  onnx::ModelProto branches_concat;
  KernelSpec concat;  // the same Concat alone, on graph inputs
};
ConcatProbe concat_probe();

// Fusion rules of the engine: anchors Conv, Gemm, MatMul, Add, BatchNormalization absorb the
// operators whose probes say "fused" (Conv and Gemm/MatMul keep their optional bias Add, which
// every engine folds into the weights). Ops without a probe fall back to default_fusion_rules().
FusionRules learn_fusion_rules(const std::vector<FusionProbe>& probes);

}  // namespace dnntune::calib
