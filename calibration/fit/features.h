#pragma once
// What a latency model sees of a layer. The same function describes a calibration kernel (its
// one-layer graph) and a layer of a model to predict, so training and prediction agree.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "traces/graph/layer_graph.h"

namespace dnntune::calib {

struct LayerFeatures {
  // The model key: the anchor op, with "Mul.broadcast" apart (kBroadcastMulKind, below) and Conv
  // split by algorithm family: "Conv.dw" (depthwise, up to 3x3), "Conv.dw.large" (depthwise,
  // larger kernels), "Conv.grouped" (grouped, not depthwise, any kernel), "Conv.1x1" (pointwise),
  // "Conv" (spatial kernels). Why depthwise by kernel size: engines hand-vectorise the 3x3 case;
  // OpenCV 4.6 ran depthwise 3x3 at 7-18 GMAC/s and 5x5 to 11x11 at 1.8-3.4 GMAC/s (one
  // calibration, 1 thread), a step no smooth function of log kernel size fits. Why grouped apart:
  // each group is its own small convolution (a 448->48 3x3 in 4 groups runs 12 outputs per group),
  // 27 GMAC/s where dense 3x3 convs of the same channels per group ran at 45 (run T, 1 thread);
  // among the dense kernels such a spread kernel was the nearest neighbour of DenseNet's 128->32
  // 3x3 convs and raised their prediction.
  std::string kind;
  double macs = 0;
  double flops = 0;
  double input_bytes = 0;
  double output_bytes = 0;
  double weight_bytes = 0;
  double kernel_area = 1;  // kh * kw (Conv, pooling); 1 otherwise
  double stride = 1;
  double in_channels_per_group = 1;  // Conv: C_in / group; Gemm/MatMul: input features
  double out_channels = 1;           // Conv: C_out; Gemm/MatMul: output features; else channels
  double out_spatial = 1;            // H_out * W_out (1 for vectors)
  int fused_ops = 0;                 // ONNX nodes inside the layer beyond the anchor
};

inline constexpr const char* kGroupedConvKind = "Conv.grouped";
// A Mul whose operands differ in size: one is broadcast, in the models a per-channel scale
// (squeeze-and-excitation: [N,C,H,W] x [N,C,1,1]). OpenCV 4.6 runs it as its Scale layer, one
// channel after another on one thread; same-shape Muls go through its parallel Eltwise. Its own
// kind, because the two differ by 2 % in bytes and 4.5x in time: a 576x7x7 Mul took 0.072 ms
// broadcast and 0.016 ms not, at 1 thread, and the same 0.072 at 2 threads (run BM). Under one
// "Mul", neighbours of either form mixed and mobilenet_v3_small's SE Muls were put at 0.28x.
inline constexpr const char* kBroadcastMulKind = "Mul.broadcast";

LayerFeatures features_of(const Layer& layer);

nlohmann::json features_to_json(const LayerFeatures& f);
// Throws InputError(file, ...) naming a missing key.
LayerFeatures features_from_json(const nlohmann::json& j, const std::string& file);

// The unit of the size features (MACs and bytes) in log_features: log1p(x / unit) is a logarithm
// only well above one unit and nearly linear below it. Millions suit dense layers (1e5-4e9 MACs);
// depthwise convolutions do 9-49 MACs per output and span 1e3-1e7, where in millions the
// log-linear form cross-validated at 74-84 % on maps below 18x18 (runs T, V) and the fit fell back
// to a roofline that put mobilenet_v2's 14x14 depthwise layers at 0.67x (run V: -18 % end to end).
// In thousands: Conv.dw 20.3 -> 6.3 % (T) and 20.5 -> 8.1 % (V) cross-validated. Conv in thousands
// went from 10.7 to 18 % (V), so the unit is the kind's. Kinds without MACs (pooling, elementwise,
// activations, Concat, ...) are logged in thousands too: their layers span 1e3-1e8 bytes, and in
// millions the log-linear form was exponential in bytes below 1 MB and cross-validated at 45-315 %
// (run BO, 1 thread: AveragePool 315, MaxPool 142, HardSigmoid 162), so a roofline was chosen and
// missed inception_v3's 17x17 and 8x8 pools by -37 to -66 %. In thousands the kinds cross-validated
// at 3-20 % (AveragePool 32.5 -> 19.7, MaxPool 33.9 -> 20.2, Add 15.7 -> 11.7, HardSigmoid 4.6 ->
// 2.6); refitted on run BO's traces, googlenet went from -6.4 to -0.2 % (1 thread) and from -5.1 to
// +1.9 % (2 threads), alexnet's per-layer MAPE from 13.8 to 2.2 %.
inline constexpr double kDefaultSizeUnit = 1e6;
inline constexpr double kSmallLayerSizeUnit = 1e3;
double size_unit_for(const std::string& kind);

// Log-space feature vector used by the log-linear and neighbour models: a leading 1 followed by
// log1p of each size feature (MACs and bytes in `size_unit`s) and the logs of kernel area,
// stride, channels and output map.
std::vector<double> log_features(const LayerFeatures& f, double size_unit = kDefaultSizeUnit);
const std::vector<std::string>& log_feature_names();

// The log-linear regression's basis: log_features plus second-order terms (squares of the size
// logs and kernel x channel, kernel x stride interactions), so efficiency may bend with size.
std::vector<double> regression_features(const LayerFeatures& f,
                                        double size_unit = kDefaultSizeUnit);
size_t regression_feature_count();
// Allocation-free forms for the prediction hot path: write log_feature_names().size() and
// regression_feature_count() values (kLogFeatures, kRegressionFeatures).
inline constexpr size_t kLogFeatures = 10;
inline constexpr size_t kRegressionFeatures = 16;
void log_features_into(const LayerFeatures& f, double* out, double size_unit = kDefaultSizeUnit);
void regression_features_into(const LayerFeatures& f, double* out,
                              double size_unit = kDefaultSizeUnit);

// Features a piecewise model may split a kind on (kind_model.h), by index: log of the input map
// (H*W, from the input bytes over the input channels, float32), the output map, kernel area,
// stride, input channels per group, output channels, MACs.
const std::vector<std::string>& split_feature_names();
double split_feature_value(const LayerFeatures& f, int index);

// A layer whose time is the reading of its weights: at least kStreamMinWeightBytes of them and at
// most kStreamMaxMacsPerWeightByte MACs per weight byte (a batch-1 Gemm does 0.25; a convolution
// does out_spatial / 4, 12 on a 7x7 map).
inline constexpr double kStreamMinWeightBytes = 1e6;
inline constexpr double kStreamMaxMacsPerWeightByte = 0.5;
inline bool weight_bound(const LayerFeatures& f) {
  return f.weight_bytes >= kStreamMinWeightBytes &&
         f.macs <= kStreamMaxMacsPerWeightByte * f.weight_bytes;
}

// Kind keys that may stand in for a kind the profile has no model for, most specific first
// (e.g. "Conv.1x1" -> "Conv", "MatMul" -> "Gemm"), ending with "default".
std::vector<std::string> kind_fallbacks(const std::string& kind);
// The same chain without `kind` itself, from a table built once (no allocation per lookup).
const std::vector<std::string>& kind_fallback_tail(const std::string& kind);

}  // namespace dnntune::calib
