#include "calibration/kernels/kernel_spec.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "traces/common/error.h"
#include "traces/graph/fusion_rules.h"
#include "traces/onnx/onnx_builder.h"

namespace dnntune::calib {
namespace {

// Layer attributes are JSON converted from ONNX; an int attribute may appear as a number or as a
// one-element list depending on how it was declared. Returns element `index` or `fallback`.
int64_t layer_attr(const nlohmann::json& attrs, const std::string& key, size_t index,
                   int64_t fallback) {
  if (!attrs.is_object() || !attrs.contains(key)) return fallback;
  const auto& v = attrs.at(key);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  if (v.is_array() && index < v.size() && v[index].is_number()) return v[index].get<int64_t>();
  if (v.is_array() && !v.empty() && v[0].is_number()) return v[0].get<int64_t>();
  return fallback;
}

bool is_activation(const std::string& op) {
  const auto& acts = fusable_activation_ops();
  return std::find(acts.begin(), acts.end(), op) != acts.end() || op == "HardSwish";
}

std::string add_activation(OnnxBuilder& b, const std::string& op, const std::string& name,
                           const std::string& x) {
  if (op == "Relu") return b.relu(name, x);
  if (op == "Clip") return b.relu6(name, x);
  if (op == "Sigmoid") return b.sigmoid(name, x);
  if (op == "Tanh") return b.tanh(name, x);
  if (op == "HardSigmoid")
    return b.op("HardSigmoid", name, {x},
                {attr_float("alpha", 1.0f / 6.0f), attr_float("beta", 0.5f)});
  if (op == "LeakyRelu") return b.op("LeakyRelu", name, {x}, {attr_float("alpha", 0.01f)});
  return b.op(op, name, {x});
}

std::string join(const std::vector<int64_t>& v) {
  std::ostringstream out;
  for (size_t i = 0; i < v.size(); ++i) out << (i ? "x" : "") << v[i];
  return out.str();
}

}  // namespace

const std::vector<std::string>& unary_kernel_ops() {
  static const std::vector<std::string> ops = {"Relu",        "Clip", "Sigmoid",
                                               "HardSigmoid", "Tanh", "LeakyRelu"};
  return ops;
}

bool is_unary_kernel_op(const std::string& op) {
  const auto& ops = unary_kernel_ops();
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

const std::vector<std::string>& kernel_ops() {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> o = {"Conv",        "Gemm",
                                  "MatMul",      "MaxPool",
                                  "AveragePool", "GlobalAveragePool",
                                  "Add",         "Mul",
                                  "Concat",      "Softmax",
                                  "Flatten",     "Reshape",
                                  "Transpose",   "BatchNormalization",
                                  "Pad"};
    for (const auto& u : unary_kernel_ops()) o.push_back(u);
    return o;
  }();
  return ops;
}

std::string KernelSpec::key() const {
  std::ostringstream out;
  out << op << ":" << join(input) << ":o" << out_channels << ":k" << kernel_h << "x" << kernel_w
      << ":s" << stride << ":p" << pad_h << "x" << pad_w << ":d" << dilation << ":g" << group
      << ":c" << ceil_mode << ":bn" << batch_norm << ":a" << activation << ":b" << broadcast
      << ":cc" << join(concat_channels);
  return out.str();
}

nlohmann::json spec_to_json(const KernelSpec& s) {
  nlohmann::json j = {{"op", s.op}, {"input", s.input}};
  if (s.out_channels) j["out_channels"] = s.out_channels;
  if (s.op == "Conv" || s.op == "MaxPool" || s.op == "AveragePool") {
    j["kernel"] = {s.kernel_h, s.kernel_w};
    j["stride"] = s.stride;
    j["pad"] = {s.pad_h, s.pad_w};
  }
  if (s.op == "Pad") j["pad"] = {s.pad_h, s.pad_w};
  if (s.op == "Conv") {
    j["dilation"] = s.dilation;
    j["group"] = s.group;
    j["batch_norm"] = s.batch_norm;
  }
  if (s.ceil_mode) j["ceil_mode"] = true;
  if (!s.activation.empty()) j["activation"] = s.activation;
  if (s.broadcast) j["broadcast"] = true;
  if (!s.concat_channels.empty()) j["concat_channels"] = s.concat_channels;
  j["origin"] = s.origin;
  if (!s.source_model.empty()) j["source_model"] = s.source_model;
  return j;
}

KernelSpec spec_from_json(const nlohmann::json& j, const std::string& file) {
  if (!j.is_object()) throw InputError(file, "kernel spec must be an object");
  auto need = [&](const char* key) -> const nlohmann::json& {
    if (!j.contains(key))
      throw InputError(file, std::string("kernel spec lacks key '") + key + "'");
    return j.at(key);
  };
  KernelSpec s;
  try {
    s.op = need("op").get<std::string>();
    s.input = need("input").get<std::vector<int64_t>>();
    s.out_channels = j.value("out_channels", int64_t{0});
    if (j.contains("kernel")) {
      auto k = j.at("kernel").get<std::vector<int64_t>>();
      if (k.size() != 2) throw InputError(file, "kernel spec key 'kernel' needs 2 values");
      s.kernel_h = k[0], s.kernel_w = k[1];
    }
    if (j.contains("pad")) {
      auto p = j.at("pad").get<std::vector<int64_t>>();
      if (p.size() != 2) throw InputError(file, "kernel spec key 'pad' needs 2 values");
      s.pad_h = p[0], s.pad_w = p[1];
    }
    s.stride = j.value("stride", int64_t{1});
    s.dilation = j.value("dilation", int64_t{1});
    s.group = j.value("group", int64_t{1});
    s.ceil_mode = j.value("ceil_mode", false);
    s.batch_norm = j.value("batch_norm", false);
    s.activation = j.value("activation", std::string());
    s.broadcast = j.value("broadcast", false);
    s.concat_channels = j.value("concat_channels", std::vector<int64_t>{});
    s.origin = j.value("origin", std::string());
    s.source_model = j.value("source_model", std::string());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, std::string("kernel spec has a value of the wrong type: ") + e.what());
  }
  if (std::find(kernel_ops().begin(), kernel_ops().end(), s.op) == kernel_ops().end())
    throw InputError(file, "kernel spec has unknown op '" + s.op + "'");
  if (s.input.empty()) throw InputError(file, "kernel spec has an empty input shape");
  return s;
}

onnx::ModelProto build_kernel(const KernelSpec& s) {
  OnnxBuilder b("kernel_" + s.op, WeightFill::kNone);
  const std::string x = b.add_input("x", s.input);
  std::string y;
  const int64_t channels = s.input.size() >= 2 ? s.input[1] : 0;
  if (s.op == "Conv") {
    if (s.input.size() != 4) throw std::invalid_argument("Conv kernel needs an NCHW input");
    ConvSpec c;
    c.kh = s.kernel_h, c.kw = s.kernel_w, c.stride_h = c.stride_w = s.stride;
    c.pad_h = s.pad_h, c.pad_w = s.pad_w, c.dilation = s.dilation, c.group = s.group;
    c.bias = !s.batch_norm;  // the exporter folds BatchNorm into a biased conv; keep both forms
    y = b.conv("conv", x, channels, s.out_channels, c);
    if (s.batch_norm) y = b.batch_norm("bn", y, s.out_channels);
  } else if (s.op == "Gemm") {
    y = b.gemm("gemm", x, s.input.back(), s.out_channels);
  } else if (s.op == "MatMul") {
    y = b.linear("matmul", x, s.input.back(), s.out_channels);
  } else if (s.op == "MaxPool" || s.op == "AveragePool") {
    const std::vector<int64_t> pads = {s.pad_h, s.pad_w, s.pad_h, s.pad_w};
    std::vector<onnx::AttributeProto> attrs = {attr_ints("kernel_shape", {s.kernel_h, s.kernel_w}),
                                               attr_ints("strides", {s.stride, s.stride}),
                                               attr_ints("pads", pads)};
    if (s.ceil_mode) attrs.push_back(attr_int("ceil_mode", 1));
    y = b.op(s.op, "pool", {x}, attrs);
  } else if (s.op == "GlobalAveragePool") {
    y = b.global_average_pool("gap", x);
  } else if (s.op == "Add" || s.op == "Mul") {
    std::vector<int64_t> other = s.input;
    if (s.broadcast) {
      for (size_t i = 2; i < other.size(); ++i) other[i] = 1;
    }
    const std::string x2 = b.add_input("x2", other);
    y = s.op == "Add" ? b.add("binary", x, x2) : b.mul("binary", x, x2);
  } else if (s.op == "Concat") {
    std::vector<std::string> xs = {x};
    for (size_t i = 1; i < s.concat_channels.size(); ++i) {
      std::vector<int64_t> shape = s.input;
      shape[1] = s.concat_channels[i];
      xs.push_back(b.add_input("x" + std::to_string(i + 1), shape));
    }
    y = b.concat("concat", xs, 1);
  } else if (s.op == "Softmax") {
    y = b.softmax("softmax", x, -1);
  } else if (s.op == "Flatten") {
    y = b.flatten("flatten", x, 1);
  } else if (s.op == "Reshape") {
    int64_t rest = 1;
    for (size_t i = 1; i < s.input.size(); ++i) rest *= s.input[i];
    y = b.reshape("reshape", x, {s.input[0], rest});
  } else if (s.op == "Transpose") {
    std::vector<int64_t> perm(s.input.size());
    for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int64_t>(i);
    if (perm.size() >= 3) std::swap(perm[1], perm[2]);
    y = b.transpose("transpose", x, perm);
  } else if (s.op == "BatchNormalization") {
    y = b.batch_norm("bn", x, channels);
  } else if (s.op == "Pad") {
    if (s.input.size() != 4) throw std::invalid_argument("Pad kernel needs an NCHW input");
    // Opset 13: the pads are an input, begins then ends; mode "constant" (zeros) by default.
    const std::string pads =
        b.add_int64_constant("pads", {8}, {0, 0, s.pad_h, s.pad_w, 0, 0, s.pad_h, s.pad_w});
    y = b.op("Pad", "pad", {x, pads});
  } else if (is_unary_kernel_op(s.op)) {
    y = add_activation(b, s.op, "act", x);
  } else {
    throw std::invalid_argument("no kernel builder for op " + s.op);
  }
  if (!s.activation.empty()) y = add_activation(b, s.activation, "post_act", y);
  b.add_output(y);
  return b.finish("dnntune calibration kernel " + s.key());
}

std::optional<KernelSpec> spec_from_layer(const Layer& layer) {
  KernelSpec s;
  s.op = layer.kind;
  s.origin = "prior";
  if (layer.inputs.empty() || layer.outputs.empty()) return std::nullopt;
  s.input = layer.inputs[0].shape;
  if (layer.ops.size() > 1 && is_activation(layer.ops.back())) s.activation = layer.ops.back();
  const auto& a = layer.attributes;
  const auto& out = layer.outputs[0].shape;
  if (s.op == "Conv") {
    if (s.input.size() != 4 || layer.weights.empty() || layer.weights[0].shape.size() != 4)
      return std::nullopt;
    const auto& w = layer.weights[0].shape;
    s.out_channels = w[0];
    s.kernel_h = w[2], s.kernel_w = w[3];
    s.group = layer_attr(a, "group", 0, w[1] > 0 ? s.input[1] / w[1] : 1);
    s.stride = layer_attr(a, "strides", 0, 1);
    s.pad_h = layer_attr(a, "pads", 0, 0);
    s.pad_w = layer_attr(a, "pads", 1, s.pad_h);
    s.dilation = layer_attr(a, "dilations", 0, 1);
    s.batch_norm =
        std::find(layer.ops.begin(), layer.ops.end(), "BatchNormalization") != layer.ops.end();
    return s;
  }
  if (s.op == "Gemm" || s.op == "MatMul") {
    if (layer.weights.empty() || out.empty())
      return std::nullopt;  // activation x activation: not a kernel
    s.out_channels = out.back();
    if (s.op == "Gemm" && s.input.size() != 2) return std::nullopt;
    return s;
  }
  if (s.op == "MaxPool" || s.op == "AveragePool") {
    if (s.input.size() != 4) return std::nullopt;
    s.kernel_h = layer_attr(a, "kernel_shape", 0, 1);
    s.kernel_w = layer_attr(a, "kernel_shape", 1, s.kernel_h);
    s.stride = layer_attr(a, "strides", 0, 1);
    s.pad_h = layer_attr(a, "pads", 0, 0);
    s.pad_w = layer_attr(a, "pads", 1, s.pad_h);
    s.ceil_mode = layer_attr(a, "ceil_mode", 0, 0) != 0;
    return s;
  }
  if (s.op == "GlobalAveragePool" || s.op == "BatchNormalization")
    return s.input.size() == 4 ? std::optional(s) : std::nullopt;
  if (s.op == "Add" || s.op == "Mul") {
    if (layer.inputs.size() != 2 || s.input.size() != 4) return std::nullopt;
    const auto& other = layer.inputs[1].shape;
    if (other.size() != 4) return std::nullopt;
    // Keep the larger operand first; the other is either equal or broadcast over H, W.
    if (layer.inputs[1].elements() > layer.inputs[0].elements()) s.input = other;
    s.broadcast = layer.inputs[0].elements() != layer.inputs[1].elements();
    return s;
  }
  if (s.op == "Concat") {
    if (s.input.size() != 4 || layer_attr(a, "axis", 0, 1) != 1) return std::nullopt;
    for (const auto& in : layer.inputs) {
      if (in.shape.size() != 4) return std::nullopt;
      s.concat_channels.push_back(in.shape[1]);
    }
    s.input[1] = s.concat_channels[0];
    return s;
  }
  if (s.op == "Pad") {
    // The pads come from the shapes (they are an input since opset 11): a constant-mode pad of
    // H and W alike on both sides, as Inception-v3 puts before its 3x3 average pools.
    if (s.input.size() != 4 || out.size() != 4 || out[0] != s.input[0] || out[1] != s.input[1])
      return std::nullopt;
    if (a.is_object() && a.contains("mode") && a.at("mode") != "constant") return std::nullopt;
    const int64_t dh = out[2] - s.input[2], dw = out[3] - s.input[3];
    if (dh < 0 || dw < 0 || dh % 2 != 0 || dw % 2 != 0) return std::nullopt;
    s.pad_h = dh / 2;
    s.pad_w = dw / 2;
    return s;
  }
  if (s.op == "Softmax" || s.op == "Flatten" || s.op == "Reshape" || s.op == "Transpose") return s;
  if (is_unary_kernel_op(s.op)) {
    s.activation.clear();
    return s;
  }
  return std::nullopt;
}

std::vector<std::string> layer_kernel_keys(const LayerGraph& graph) {
  std::vector<std::string> keys(graph.size());
  for (size_t i = 0; i < graph.size(); ++i)
    if (auto spec = spec_from_layer(graph.layer(i))) keys[i] = spec->key();
  return keys;
}

}  // namespace dnntune::calib
