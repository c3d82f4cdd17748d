#include "calibration/kernels/sampler.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::calib {
namespace {

// Share of an activation's (unary_kernel_ops) spread drawn on [1, F] feature vectors rather than
// [1, C, H, W] maps.
constexpr double kFlatActivationShare = 0.25;

// Caps that keep one kernel's measurement well under a second at one thread.
constexpr double kMaxKernelMacs = 4.0e9;
constexpr double kMaxKernelWeights = 1.2e8;
constexpr double kMaxKernelElements = 2.0e7;
// The large-layer spread's cap: ~35 ms at one thread (OpenCV 4.6 runs dense 3x3 at ~55 GMAC/s).
constexpr double kLargeConvMaxMacs = 2.0e9;

int64_t round_channels(double c) {
  return std::max<int64_t>(1, static_cast<int64_t>(std::llround(c)));
}

double log_uniform(double u, double lo, double hi) {
  return std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
}

template <class T>
const T& pick(const std::vector<T>& v, double u) {
  return v[std::min(v.size() - 1, static_cast<size_t>(u * v.size()))];
}

// Latin hypercube: n points in [0,1)^dims, each dimension stratified into n cells.
std::vector<std::vector<double>> latin_hypercube(int n, int dims, std::mt19937& rng) {
  std::vector<std::vector<double>> pts(n, std::vector<double>(dims));
  std::uniform_real_distribution<double> u(0, 1);
  for (int d = 0; d < dims; ++d) {
    std::vector<int> perm(n);
    for (int i = 0; i < n; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    for (int i = 0; i < n; ++i) pts[i][d] = (perm[i] + u(rng)) / n;
  }
  return pts;
}

// The design space image networks are drawn from, so that the spread covers what an unseen
// architecture uses: half the feature maps on the ImageNet pyramids (224 and 299 halved), the
// rest log-uniform over 7-224; channel counts that grow as the map shrinks, c ~ 32 (224/hw)^0.8
// within 2^-5..2^3 of it (VGG: 64 at 224 to 512 at 14; ResNet-50: 64-256 at 56 to 512-2048 at
// 7; MobileNet-V2: 16-96 at 112 to 160-1280 at 7), three in four rounded to a multiple of 8.
// Below the trunk's width down to 2^-5 of it: the bottlenecks and branches of GoogLeNet (16-48
// at 28-7), DenseNet (32 out at 56-7) and SqueezeNet (16-64 in at 55-13). With 2^-3 they had no
// neighbour in the spread; held out of the fit, SqueezeNet's 3x3 expand layers were predicted
// 10-20 % slow in four calibrations.
// The spread before this drew 7-112 and 8-1024 independently: held out of the fit, the large
// early layers (VGG-16's 64x224x224, Inception-V3's 32x147x147) were extrapolated 27-37 % slow.
int64_t design_map_size(double u, double v) {
  static const std::vector<int64_t> pyramid = {7, 8, 14, 17, 28, 35, 56, 73, 112, 147, 224};
  return v < 0.5 ? pick(pyramid, u) : round_channels(log_uniform(u, 7, 224));
}

// The trunk's channel width of an image network at a map of `map_size` (see above).
double trunk_width(int64_t map_size) {
  return 32.0 * std::pow(224.0 / static_cast<double>(map_size), 0.8);
}

// The nearest multiple of 8, at least 8.
int64_t multiple_of_8(double c) {
  return std::max<int64_t>(8, 8 * std::llround(c / 8));
}

int64_t design_channels(double u, int64_t map_size, double v) {
  const double typical = trunk_width(map_size);
  // Log-uniform between the bounds clipped to 8-2048 (clamping the draw instead piled a fifth of
  // the Conv spread onto 8 channels, OpenCV's least efficient width).
  const double lo = std::max(8.0, typical / 32), hi = std::min(2048.0, typical * 8);
  const double c = lo * std::pow(hi / lo, u);
  return v < 0.75 ? multiple_of_8(c) : round_channels(c);
}

int64_t conv_out(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dilation) {
  return (in + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
}

std::vector<std::string> fused_activations(const FusionRules& rules, const std::string& anchor) {
  std::vector<std::string> acts;
  for (const auto& a : {"Relu", "Clip", "Sigmoid", "HardSigmoid", "Tanh", "LeakyRelu"})
    if (rules_fuse(rules, anchor, a)) acts.push_back(a);
  return acts;
}

}  // namespace

bool rules_fuse(const FusionRules& rules, const std::string& anchor, const std::string& op) {
  for (const auto& r : rules) {
    if (std::find(r.anchor_ops.begin(), r.anchor_ops.end(), anchor) == r.anchor_ops.end()) continue;
    for (const auto& s : r.steps)
      if (std::find(s.ops.begin(), s.ops.end(), op) != s.ops.end()) return true;
  }
  return false;
}

LayerGraph load_with_rules(const std::string& model, const FusionRules& rules) {
  LoadOptions options;
  options.fusion = rules;
  return load_layer_graph(model, options);
}

std::string model_stem(const std::string& model) {
  return std::filesystem::path(model).stem().string();
}

PriorSet prior_specs(const std::vector<std::string>& models,
                     const std::vector<std::string>& exclude, const FusionRules& rules) {
  PriorSet set;
  std::set<std::string> seen;
  for (const auto& model : models) {
    if (std::find(exclude.begin(), exclude.end(), model_stem(model)) != exclude.end()) continue;
    LayerGraph graph;
    try {
      graph = load_with_rules(model, rules);
    } catch (const InputError& e) {
      set.warnings.push_back(std::string("prior model skipped: ") + e.what());
      continue;
    }
    set.models.push_back(model);
    for (size_t i = 0; i < graph.size(); ++i) {
      auto spec = spec_from_layer(graph.layer(i));
      if (!spec || !spec_is_measurable(*spec)) continue;
      spec->source_model = model_stem(model);
      if (seen.insert(spec->key()).second) set.specs.push_back(*spec);
    }
  }
  return set;
}

bool spec_is_measurable(const KernelSpec& s) {
  double elements = 1;
  for (int64_t d : s.input) elements *= static_cast<double>(d);
  if (elements <= 0 || elements > kMaxKernelElements) return false;
  if (s.op == "Conv") {
    if (s.input.size() != 4 || s.group < 1 || s.input[1] % s.group || s.out_channels % s.group)
      return false;
    const int64_t oh = conv_out(s.input[2], s.kernel_h, s.stride, s.pad_h, s.dilation);
    const int64_t ow = conv_out(s.input[3], s.kernel_w, s.stride, s.pad_w, s.dilation);
    if (oh < 1 || ow < 1) return false;
    const double macs = static_cast<double>(oh * ow) * s.out_channels * (s.input[1] / s.group) *
                        s.kernel_h * s.kernel_w;
    const double weights =
        static_cast<double>(s.out_channels) * (s.input[1] / s.group) * s.kernel_h * s.kernel_w;
    return macs <= kMaxKernelMacs && weights <= kMaxKernelWeights;
  }
  if (s.op == "Gemm" || s.op == "MatMul")
    return static_cast<double>(s.input.back()) * s.out_channels <= kMaxKernelWeights;
  if (s.op == "MaxPool" || s.op == "AveragePool")
    return s.input.size() == 4 && s.input[2] + 2 * s.pad_h >= s.kernel_h &&
           s.input[3] + 2 * s.pad_w >= s.kernel_w && s.pad_h * 2 <= s.kernel_h &&
           s.pad_w * 2 <= s.kernel_w;
  return true;
}

KernelSpec perturb(const KernelSpec& spec, std::mt19937& rng, const std::string& origin) {
  std::uniform_real_distribution<double> u(-1, 1);
  KernelSpec s = spec;
  s.origin = origin;
  auto scale = [&](int64_t v, double spread) {
    return round_channels(v * std::exp2(spread * u(rng)));
  };
  if (s.input.size() == 4) {
    const int64_t c = scale(s.input[1], 0.6);
    const int64_t hw = std::max<int64_t>(std::max(s.kernel_h, s.kernel_w), scale(s.input[2], 0.5));
    const bool depthwise = s.op == "Conv" && s.group > 1 && s.group == s.input[1];
    if (s.op == "Conv") {
      if (depthwise) {
        s.group = c;
        s.out_channels = c * (spec.out_channels / spec.group);
      } else if (s.group > 1) {
        s.group = spec.group;
        s.out_channels = std::max<int64_t>(1, scale(s.out_channels / s.group, 0.6)) * s.group;
      } else {
        s.out_channels = scale(s.out_channels, 0.6);
      }
      s.input[1] = depthwise ? c : (s.group > 1 ? std::max<int64_t>(1, c / s.group) * s.group : c);
    } else if (s.op == "Concat") {
      for (auto& cc : s.concat_channels) cc = scale(cc, 0.6);
      s.input[1] = s.concat_channels[0];
    } else {
      s.input[1] = c;
    }
    s.input[2] = hw;
    s.input[3] = std::max<int64_t>(std::max(s.kernel_h, s.kernel_w),
                                   static_cast<int64_t>(std::llround(
                                       static_cast<double>(spec.input[3]) * hw / spec.input[2])));
  } else if (!s.input.empty()) {
    s.input.back() = scale(s.input.back(), 0.6);
    if (s.out_channels) s.out_channels = scale(s.out_channels, 0.6);
  }
  return s;
}

bool within_neighbourhood(const KernelSpec& spec, const KernelSpec& root, double max_ratio) {
  auto near = [&](int64_t a, int64_t b) {
    const double r = static_cast<double>(std::max<int64_t>(a, 1)) / std::max<int64_t>(b, 1);
    return r <= max_ratio && r >= 1.0 / max_ratio;
  };
  if (spec.op != root.op || spec.input.size() != root.input.size()) return false;
  for (size_t i = 0; i < spec.input.size(); ++i)
    if (!near(spec.input[i], root.input[i])) return false;
  if (!near(spec.out_channels, root.out_channels)) return false;
  if (spec.concat_channels.size() != root.concat_channels.size()) return false;
  for (size_t i = 0; i < spec.concat_channels.size(); ++i)
    if (!near(spec.concat_channels[i], root.concat_channels[i])) return false;
  return true;
}

std::vector<KernelSpec> spread_specs(const std::string& op, int n, std::mt19937& rng,
                                     const FusionRules& rules) {
  std::vector<KernelSpec> out;
  if (n <= 0) return out;
  const auto pts = latin_hypercube(n, 10, rng);
  for (const auto& p : pts) {
    KernelSpec s;
    s.op = op;
    s.origin = "spread";
    const int64_t hw = design_map_size(p[1], p[6]);
    const int64_t c = design_channels(p[0], hw, p[7]);
    if (op == "Conv") {
      const auto acts = fused_activations(rules, "Conv");
      const int64_t k = pick(std::vector<int64_t>{1, 1, 3, 3, 3, 5, 7, 11}, p[2]);
      const double kind = p[4];
      s.input = {1, c, hw, hw};
      s.kernel_h = s.kernel_w = k;
      // Stride and output channels from separate dimensions: drawn from one, every strided
      // kernel had more output channels than every unstrided one.
      s.stride = k >= 7 && p[8] > 0.7 ? 4 : (p[8] > 0.6 ? 2 : 1);
      s.out_channels = design_channels(p[3], hw, p[9]);
      if (kind < 0.25) {  // depthwise: 3x3, 5x5 (MnasNet, MobileNet-V3) and some 7x7, stride <= 2
        s.group = c;
        s.out_channels = c;
        s.kernel_h = s.kernel_w = p[2] < 0.65 ? 3 : (p[2] < 0.93 ? 5 : 7);
        s.stride = p[8] > 0.6 ? 2 : 1;
      } else if (kind < 0.33) {  // grouped
        s.group = 4;
        s.input[1] = std::max<int64_t>(1, c / 4) * 4;
        s.out_channels = std::max<int64_t>(1, s.out_channels / 4) * 4;
      } else if (kind < 0.40 && k == 3) {
        s.dilation = 2;
      } else if (kind > 0.95) {  // the stem of an image network: 3 input channels
        s.input = {1, 3, std::min<int64_t>(2 * hw, 299), std::min<int64_t>(2 * hw, 299)};
      }
      s.pad_h = s.pad_w = s.dilation * (s.kernel_h / 2);
      s.batch_norm = p[5] > 0.85 && rules_fuse(rules, "Conv", "BatchNormalization");
      if (!acts.empty() && p[5] < 0.8) s.activation = p[5] < 0.55 ? acts[0] : pick(acts, p[5]);
    } else if (op == "Gemm" || op == "MatMul") {
      s.input = {1, round_channels(log_uniform(p[0], 64, 25088))};
      s.out_channels = round_channels(log_uniform(p[1], 10, 4096));
      const auto acts = fused_activations(rules, op);
      if (!acts.empty() && p[5] < 0.5) s.activation = acts[0];
    } else if (op == "MaxPool" || op == "AveragePool") {
      s.input = {1, c, hw, hw};
      const int64_t k = pick(std::vector<int64_t>{2, 3, 3, 5}, p[2]);
      s.kernel_h = s.kernel_w = std::min(k, hw);
      s.stride = p[3] < 0.25 ? 1 : 2;
      s.pad_h = s.pad_w = p[4] < 0.5 ? 0 : s.kernel_h / 2;
      s.ceil_mode = p[5] < 0.3;
    } else if (op == "Concat") {
      const int parts = 2 + static_cast<int>(p[2] * 3);
      s.input = {1, c, hw, hw};
      for (int i = 0; i < parts; ++i)
        s.concat_channels.push_back(
            round_channels(log_uniform(std::fmod(p[0] + 0.37 * i, 1.0), 8, 512)));
      s.input[1] = s.concat_channels[0];
    } else if (op == "Softmax" || op == "Flatten") {
      s.input =
          op == "Softmax"
              ? std::vector<int64_t>{1, round_channels(log_uniform(p[0], 10, 20000))}
              : std::vector<int64_t>{1, c, std::min<int64_t>(hw, 14), std::min<int64_t>(hw, 14)};
    } else if (is_unary_kernel_op(op) && p[9] < kFlatActivationShare) {
      // An activation on a feature vector, as after a Gemm (classifier heads, MLPs): OpenCV runs
      // [1, F] as F channels of one element, about 4 ns each, where a map of the same bytes costs
      // a fraction of that (Relu, 512 floats: 2.3 us fused after a Gemm, one or two threads). No
      // 4-D kernel says so, and every Gemm+Relu tail was predicted from them at 0.2-0.4 us.
      s.input = {1, round_channels(log_uniform(p[0], 10, 16384))};
    } else {  // elementwise, BatchNormalization, GlobalAveragePool, Reshape, Transpose
      s.input = {1, c, hw, hw};
      if (op == "Add" || op == "Mul") {
        s.broadcast = op == "Mul" && p[2] < 0.5;
        const auto acts = fused_activations(rules, "Add");
        if (op == "Add" && !acts.empty() && p[5] < 0.5) s.activation = acts[0];
      }
      if (op == "BatchNormalization") {
        const auto acts = fused_activations(rules, "BatchNormalization");
        if (!acts.empty() && p[5] < 0.5) s.activation = acts[0];
      }
      if (op == "Pad") s.pad_h = s.pad_w = p[2] < 0.6 ? 1 : (p[2] < 0.9 ? 2 : 3);
    }
    if (spec_is_measurable(s)) out.push_back(s);
  }
  return out;
}

std::vector<KernelSpec> large_conv_specs(int n, std::mt19937& rng, const FusionRules& rules) {
  std::vector<KernelSpec> out;
  if (n <= 0) return out;
  const auto acts = fused_activations(rules, "Conv");
  for (const auto& p : latin_hypercube(n, 4, rng)) {
    KernelSpec s;
    s.op = "Conv";
    s.origin = "spread";
    const int64_t hw = round_channels(log_uniform(p[1], 28, 224));
    const double typical = trunk_width(hw);
    auto channels = [&](double u) {
      return multiple_of_8(log_uniform(u, typical / 2, typical * 4));
    };
    const int64_t k = p[2] < 0.75 ? 3 : 1;
    s.input = {1, channels(p[0]), hw, hw};
    s.out_channels = channels(p[3]);
    const double macs_per_output = static_cast<double>(hw * hw * s.input[1] * k * k);
    if (macs_per_output * static_cast<double>(s.out_channels) > kLargeConvMaxMacs)
      s.out_channels =
          std::max<int64_t>(8, 8 * static_cast<int64_t>(kLargeConvMaxMacs / macs_per_output / 8));
    s.kernel_h = s.kernel_w = k;
    s.pad_h = s.pad_w = k / 2;
    if (!acts.empty()) s.activation = acts[0];
    if (spec_is_measurable(s)) out.push_back(s);
  }
  return out;
}

std::vector<KernelSpec> cache_ladder_specs(double l2_bytes, double last_bytes) {
  std::vector<KernelSpec> out;
  if (l2_bytes <= 0 || last_bytes <= l2_bytes) return out;
  const double step = std::pow(2.0, 0.25);  // a quarter octave: 22 kernels on the Xeon VM
  for (double bytes = 0.5 * l2_bytes; bytes <= 1.2 * last_bytes; bytes *= step) {
    KernelSpec s;
    s.op = "Gemm";
    s.origin = "ladder";
    const auto side = static_cast<int64_t>(std::lround(std::sqrt(bytes / sizeof(float))));
    s.input = {1, side};
    s.out_channels = side;
    out.push_back(s);
  }
  return out;
}

}  // namespace dnntune::calib
