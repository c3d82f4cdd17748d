#include "calibration/fit/features.h"

#include <cmath>
#include <map>
#include <string_view>

#include "traces/common/error.h"

namespace dnntune::calib {

using namespace std::string_view_literals;  // compares that check the length first

namespace {

int64_t attr_first(const nlohmann::json& attrs, std::string_view key, int64_t fallback) {
  if (!attrs.is_object()) return fallback;
  const auto it = attrs.find(key);  // one lookup, no key string built: features_of runs per layer
  if (it == attrs.end()) return fallback;
  const auto& v = *it;
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  if (v.is_array() && !v.empty() && v[0].is_number())
    return static_cast<int64_t>(v[0].get<double>());
  return fallback;
}

// A depthwise convolution's kind: "Conv.dw" up to 3x3, "Conv.dw.large" beyond (features.h).
const char* depthwise_kind(double kernel_area) {
  return kernel_area > 9 ? "Conv.dw.large" : "Conv.dw";
}

double spatial(const std::vector<int64_t>& shape) {
  double s = 1;
  for (size_t i = 2; i < shape.size(); ++i) s *= static_cast<double>(shape[i]);
  return s;
}

}  // namespace

LayerFeatures features_of(const Layer& layer) {
  LayerFeatures f;
  std::string_view kind = layer.kind;  // assigned to f.kind once, at the end
  f.macs = static_cast<double>(layer.macs);
  f.flops = static_cast<double>(layer.flops);
  f.input_bytes = static_cast<double>(layer.input_bytes);
  f.output_bytes = static_cast<double>(layer.output_bytes);
  f.weight_bytes = static_cast<double>(layer.weight_bytes);
  f.fused_ops = static_cast<int>(layer.ops.size()) - 1;
  static const std::vector<int64_t> none;  // referred to, not copied: predict's hot path
  const std::vector<int64_t>& in = layer.inputs.empty() ? none : layer.inputs[0].shape;
  const std::vector<int64_t>& out = layer.outputs.empty() ? none : layer.outputs[0].shape;
  f.out_spatial = spatial(out);
  if (out.size() >= 2) f.out_channels = static_cast<double>(out[1]);
  if (layer.kind == "Conv"sv && !layer.weights.empty() && layer.weights[0].shape.size() == 4 &&
      in.size() == 4) {
    const auto& w = layer.weights[0].shape;
    f.kernel_area = static_cast<double>(w[2] * w[3]);
    f.stride = static_cast<double>(attr_first(layer.attributes, "strides", 1));
    f.in_channels_per_group = static_cast<double>(w[1]);
    f.out_channels = static_cast<double>(w[0]);
    // group = in[1] / w[1] > 1, without the 64-bit division (40+ cycles, per layer in predict).
    const bool grouped = w[1] > 0 && in[1] >= 2 * w[1];
    if (grouped && w[1] == 1)
      kind = depthwise_kind(f.kernel_area);
    else if (grouped)
      kind = kGroupedConvKind;
    else if (w[2] == 1 && w[3] == 1)
      kind = "Conv.1x1";
  } else if ((layer.kind == "Gemm"sv || layer.kind == "MatMul"sv) && !in.empty() && !out.empty()) {
    f.in_channels_per_group = static_cast<double>(in.back());
    f.out_channels = static_cast<double>(out.back());
  } else if (layer.kind == "Mul"sv && layer.inputs.size() == 2 &&
             layer.inputs[0].elements() != layer.inputs[1].elements()) {
    kind = kBroadcastMulKind;
  } else if (layer.kind == "MaxPool"sv || layer.kind == "AveragePool"sv) {
    const int64_t k = attr_first(layer.attributes, "kernel_shape", 1);
    f.kernel_area = static_cast<double>(k * k);
    f.stride = static_cast<double>(attr_first(layer.attributes, "strides", 1));
  }
  f.kind = kind;
  return f;
}

nlohmann::json features_to_json(const LayerFeatures& f) {
  return {{"kind", f.kind},
          {"macs", f.macs},
          {"flops", f.flops},
          {"input_bytes", f.input_bytes},
          {"output_bytes", f.output_bytes},
          {"weight_bytes", f.weight_bytes},
          {"kernel_area", f.kernel_area},
          {"stride", f.stride},
          {"in_channels_per_group", f.in_channels_per_group},
          {"out_channels", f.out_channels},
          {"out_spatial", f.out_spatial},
          {"fused_ops", f.fused_ops}};
}

LayerFeatures features_from_json(const nlohmann::json& j, const std::string& file) {
  if (!j.is_object()) throw InputError(file, "layer features must be an object");
  auto num = [&](const char* key) {
    if (!j.contains(key) || !j.at(key).is_number())
      throw InputError(file, std::string("layer features lack numeric key '") + key + "'");
    return j.at(key).get<double>();
  };
  LayerFeatures f;
  if (!j.contains("kind") || !j.at("kind").is_string())
    throw InputError(file, "layer features lack key 'kind'");
  f.kind = j.at("kind").get<std::string>();
  f.macs = num("macs");
  f.flops = num("flops");
  f.input_bytes = num("input_bytes");
  f.output_bytes = num("output_bytes");
  f.weight_bytes = num("weight_bytes");
  f.kernel_area = num("kernel_area");
  f.stride = num("stride");
  f.in_channels_per_group = num("in_channels_per_group");
  f.out_channels = num("out_channels");
  f.out_spatial = num("out_spatial");
  f.fused_ops = static_cast<int>(num("fused_ops"));
  // Traces written before depthwise convolutions were split by kernel size read as they would be
  // written now.
  if (f.kind == "Conv.dw") f.kind = depthwise_kind(f.kernel_area);
  return f;
}

const std::vector<std::string>& log_feature_names() {
  static const std::vector<std::string> names = {
      "1",          "log_macs",   "log_input_mb", "log_output_mb", "log_weight_mb",
      "log_kernel", "log_stride", "log_cin_g",    "log_cout",      "log_spatial"};
  return names;
}

double size_unit_for(const std::string& kind) {
  // Millions for the dense MAC kinds (Conv, Conv.1x1, Conv.grouped, Gemm, MatMul); thousands for
  // depthwise convolutions and every kind without MACs (features.h).
  const bool dense = (kind.rfind("Conv", 0) == 0 && kind.rfind("Conv.dw", 0) != 0) ||
                     kind == "Gemm" || kind == "MatMul";
  return dense ? kDefaultSizeUnit : kSmallLayerSizeUnit;
}

namespace {

// log1p(v) for v >= 0. Debian 12's glibc computes log1p about 3.5x as slowly as log (20 against
// 6 ns a call on the Xeon VM), and predict takes four per layer: 11 % of a 1,000-layer predict.
// From v = 1e-3 on, log(1 + v) is within 1.2e-13 of it, relatively (1 + v rounds by at most
// 1.1e-16, which moves the log by as much, against log1p(v) >= 1e-3); below, log1p itself.
double log1p_nonnegative(double v) {
  return v < 1e-3 ? std::log1p(v) : std::log(1.0 + v);
}

}  // namespace

void log_features_into(const LayerFeatures& f, double* x, double size_unit) {
  x[0] = 1.0;
  x[1] = log1p_nonnegative(f.macs / size_unit);
  x[2] = log1p_nonnegative(f.input_bytes / size_unit);
  x[3] = log1p_nonnegative(f.output_bytes / size_unit);
  x[4] = log1p_nonnegative(f.weight_bytes / size_unit);
  x[5] = std::log(std::max(1.0, f.kernel_area));
  x[6] = std::log(std::max(1.0, f.stride));
  x[7] = std::log(std::max(1.0, f.in_channels_per_group));
  x[8] = std::log(std::max(1.0, f.out_channels));
  x[9] = std::log(std::max(1.0, f.out_spatial));
}

void regression_features_into(const LayerFeatures& f, double* x, double size_unit) {
  log_features_into(f, x, size_unit);
  const double macs = x[1], kernel = x[5], stride = x[6], cin = x[7], cout = x[8], spatial = x[9];
  x[10] = macs * macs;
  x[11] = cin * cin;
  x[12] = cout * cout;
  x[13] = spatial * spatial;
  x[14] = kernel * cin;
  x[15] = kernel * stride;
}

std::vector<double> log_features(const LayerFeatures& f, double size_unit) {
  std::vector<double> x(kLogFeatures);
  log_features_into(f, x.data(), size_unit);
  return x;
}

std::vector<double> regression_features(const LayerFeatures& f, double size_unit) {
  std::vector<double> x(kRegressionFeatures);
  regression_features_into(f, x.data(), size_unit);
  return x;
}

size_t regression_feature_count() {
  return kRegressionFeatures;
}

const std::vector<std::string>& split_feature_names() {
  static const std::vector<std::string> names = {"log_in_spatial", "log_out_spatial", "log_kernel",
                                                 "log_stride",     "log_cin_g",       "log_cout",
                                                 "log_macs"};
  return names;
}

double split_feature_value(const LayerFeatures& f, int index) {
  switch (index) {
    case 0: {
      // Input channels: a depthwise conv's equal its outputs; a grouped conv's are taken as one
      // group's (its split then sees a larger map, consistently in fit and predict).
      const bool conv = f.kind.rfind("Conv", 0) == 0;
      const double channels = f.kind.rfind("Conv.dw", 0) == 0 ? f.out_channels
                              : conv                          ? f.in_channels_per_group
                                                              : f.out_channels;
      return std::log(std::max(1.0, f.input_bytes / (4.0 * std::max(1.0, channels))));
    }
    case 1:
      return std::log(std::max(1.0, f.out_spatial));
    case 2:
      return std::log(std::max(1.0, f.kernel_area));
    case 3:
      return std::log(std::max(1.0, f.stride));
    case 4:
      return std::log(std::max(1.0, f.in_channels_per_group));
    case 5:
      return std::log(std::max(1.0, f.out_channels));
    default:
      return log1p_nonnegative(f.macs / 1e6);  // log_macs of log_features, in millions
  }
}

const std::vector<std::string>& kind_fallback_tail(const std::string& kind) {
  // Built once: predict looks a kind up for every layer, and this chain must not allocate.
  static const std::map<std::string, std::vector<std::string>, std::less<>> tails = {
      {"Conv.dw.large", {"Conv.dw", "Conv", "default"}},
      {"Conv.dw", {"Conv", "default"}},
      {"Conv.1x1", {"Conv", "default"}},
      {kGroupedConvKind, {"Conv", "default"}},
      {kBroadcastMulKind, {"Mul", "default"}},
      {"MatMul", {"Gemm", "default"}},
      {"Gemm", {"MatMul", "default"}},
      {"AveragePool", {"MaxPool", "default"}},
      {"Reshape", {"Flatten", "default"}},
      {"Squeeze", {"Flatten", "default"}},
      {"Unsqueeze", {"Flatten", "default"}},
      {"default", {}}};
  static const std::vector<std::string> other = {"default"};
  const auto it = tails.find(kind);
  return it == tails.end() ? other : it->second;
}

std::vector<std::string> kind_fallbacks(const std::string& kind) {
  std::vector<std::string> chain = {kind};
  const auto& tail = kind_fallback_tail(kind);
  chain.insert(chain.end(), tail.begin(), tail.end());
  return chain;
}

}  // namespace dnntune::calib
