#include "calibration/engines/model_prep.h"

#include <cmath>
#include <cstring>
#include <map>
#include <random>

namespace dnntune::calib {
namespace {

int64_t element_count(const onnx::TensorProto& tensor) {
  int64_t n = 1;
  for (int64_t d : tensor.dims()) n *= d;
  return n;
}

const onnx::TensorProto* find_initializer(const onnx::GraphProto& graph, const std::string& name) {
  for (const auto& init : graph.initializer())
    if (init.name() == name) return &init;
  for (const auto& node : graph.node())
    if (node.op_type() == "Constant" && node.output_size() == 1 && node.output(0) == name)
      for (const auto& attr : node.attribute())
        if (attr.name() == "value") return &attr.t();
  return nullptr;
}

bool scalar_of(const onnx::TensorProto& t, float& value) {
  if (element_count(t) != 1) return false;
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    if (t.float_data_size() == 1)
      value = t.float_data(0);
    else if (t.raw_data().size() == sizeof(float))
      std::memcpy(&value, t.raw_data().data(), sizeof(float));
    else
      return false;
    return true;
  }
  if (t.data_type() == onnx::TensorProto::DOUBLE) {
    double d = 0;
    if (t.double_data_size() == 1)
      d = t.double_data(0);
    else if (t.raw_data().size() == sizeof(double))
      std::memcpy(&d, t.raw_data().data(), sizeof(double));
    else
      return false;
    value = static_cast<float>(d);
    return true;
  }
  return false;
}

onnx::TensorProto* mutable_initializer(onnx::GraphProto& graph, const std::string& name) {
  for (auto& init : *graph.mutable_initializer())
    if (init.name() == name) return &init;
  return nullptr;
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  const auto* a = attribute(node, name);
  return a != nullptr ? a->i() : fallback;
}

float float_attribute(const onnx::NodeProto& node, const std::string& name, float fallback) {
  const auto* a = attribute(node, name);
  return a != nullptr ? a->f() : fallback;
}

// Filled initializers hold float raw_data (fill_stripped_weights writes nothing else).
float* floats_of(onnx::TensorProto& t) {
  return reinterpret_cast<float*>(t.mutable_raw_data()->data());
}

}  // namespace

bool initializer_is_stripped(const onnx::TensorProto& t) {
  if (element_count(t) == 0) return false;
  if (t.has_data_location() && t.data_location() == onnx::TensorProto::EXTERNAL) return true;
  return t.raw_data().empty() && t.float_data_size() == 0 && t.double_data_size() == 0 &&
         t.int32_data_size() == 0 && t.int64_data_size() == 0 && t.uint64_data_size() == 0;
}

std::set<std::string> fill_stripped_weights(onnx::ModelProto& model, uint32_t seed) {
  std::set<std::string> filled;
  std::mt19937 rng(seed);
  for (auto& t : *model.mutable_graph()->mutable_initializer()) {
    if (t.data_type() != onnx::TensorProto::FLOAT || !initializer_is_stripped(t)) continue;
    const int64_t n = element_count(t);
    int64_t fan_in = 1;
    for (int i = 1; i < t.dims_size(); ++i) fan_in *= t.dims(i);
    std::uniform_real_distribution<float> dist =
        t.dims_size() >= 2
            ? std::uniform_real_distribution<float>(
                  -std::sqrt(6.0f / static_cast<float>(std::max<int64_t>(fan_in, 1))),
                  std::sqrt(6.0f / static_cast<float>(std::max<int64_t>(fan_in, 1))))
            : std::uniform_real_distribution<float>(0.5f, 1.0f);
    std::string raw(static_cast<size_t>(n) * sizeof(float), '\0');
    auto* out = reinterpret_cast<float*>(raw.data());
    for (int64_t i = 0; i < n; ++i) out[i] = dist(rng);
    t.clear_data_location();
    t.clear_external_data();
    t.set_raw_data(std::move(raw));
    filled.insert(t.name());
  }
  return filled;
}

std::vector<ChannelLayer> channel_layers(const onnx::ModelProto& model,
                                         const std::set<std::string>& filled) {
  const auto& graph = model.graph();
  std::map<std::string, int> uses;
  for (const auto& node : graph.node())
    for (const auto& in : node.input()) ++uses[in];
  std::map<std::string, const onnx::TensorProto*> inits;
  for (const auto& init : graph.initializer()) inits[init.name()] = &init;
  auto single_use = [&](const std::string& name) {
    return uses[name] == 1 && inits.count(name) != 0;
  };
  // A weight this process filled and that no other node reads. The bias need not have been
  // filled (the exports keep payloads of a few bytes), since beside random weights its values
  // mean nothing; it must be a float vector of its own.
  auto own = [&](const std::string& name) { return filled.count(name) != 0 && single_use(name); };
  auto own_bias = [&](const std::string& name, int64_t channels) {
    if (!single_use(name)) return false;
    const onnx::TensorProto& b = *inits[name];
    return b.data_type() == onnx::TensorProto::FLOAT && b.dims_size() == 1 &&
           b.dims(0) == channels && !initializer_is_stripped(b) &&
           (b.has_raw_data() ? b.raw_data().size() == static_cast<size_t>(channels) * sizeof(float)
                             : b.float_data_size() == channels);
  };
  std::vector<ChannelLayer> layers;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    if (node.input_size() < 2 || node.output_size() != 1 || !own(node.input(1))) continue;
    const onnx::TensorProto& w = *inits[node.input(1)];
    const bool has_bias = node.input_size() >= 3 && !node.input(2).empty();
    ChannelLayer layer;
    layer.node = i;
    layer.output = node.output(0);
    if ((node.op_type() == "Conv" && w.dims_size() >= 3) ||
        (node.op_type() == "Gemm" && w.dims_size() == 2)) {
      layer.channels =
          node.op_type() == "Gemm" && int_attribute(node, "transB", 0) == 0 ? w.dims(1) : w.dims(0);
      // Only a per-output-channel bias can absorb a per-channel shift; a Gemm with beta 0
      // ignores its C.
      if (has_bias && !own_bias(node.input(2), layer.channels)) continue;
      layer.centre = has_bias && float_attribute(node, "beta", 1.0f) != 0.0f;
    } else if (node.op_type() == "MatMul" && w.dims_size() == 2) {
      layer.channels = w.dims(1);
      layer.axis = -1;
    } else {
      continue;
    }
    layers.push_back(layer);
  }
  return layers;
}

double channel_scale(double stddev) {
  return stddev > 1e-6 ? 1.0 / stddev : 1.0;
}

void fold_channel_statistics(onnx::ModelProto& model, const ChannelLayer& layer,
                             const std::vector<double>& mean, const std::vector<double>& stddev) {
  auto& graph = *model.mutable_graph();
  const onnx::NodeProto& node = graph.node(layer.node);
  onnx::TensorProto& w = *mutable_initializer(graph, node.input(1));
  const int64_t channels = layer.channels;
  float* weights = floats_of(w);
  const int64_t n = element_count(w);
  // Layout: Conv [C, ...] and Gemm with transB hold a channel per row; Gemm without transB and
  // MatMul [K, C] a channel per column.
  const bool per_row = node.op_type() == "Conv" ||
                       (node.op_type() == "Gemm" && int_attribute(node, "transB", 0) != 0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = per_row ? i / (n / channels) : i % channels;
    weights[i] = static_cast<float>(weights[i] * channel_scale(stddev[c]));
  }
  if (!layer.centre) return;
  onnx::TensorProto& b = *mutable_initializer(graph, node.input(2));
  if (!b.has_raw_data()) {  // a kept payload may be float_data: move it to raw_data
    std::string raw(static_cast<size_t>(channels) * sizeof(float), '\0');
    std::memcpy(raw.data(), b.float_data().data(), raw.size());
    b.clear_float_data();
    b.set_raw_data(std::move(raw));
  }
  float* bias = floats_of(b);
  // Gemm computes alpha*A*B + beta*C, so the mean leaves C divided by beta.
  const double beta = node.op_type() == "Gemm" ? float_attribute(node, "beta", 1.0f) : 1.0;
  for (int64_t c = 0; c < channels; ++c)
    bias[c] = static_cast<float>((bias[c] - mean[c] / beta) * channel_scale(stddev[c]));
}

bool constant_scalar(const onnx::ModelProto& model, const std::string& tensor, float& value) {
  const onnx::TensorProto* t = find_initializer(model.graph(), tensor);
  return t != nullptr && scalar_of(*t, value);
}

int rewrite_clip_inputs_to_attributes(onnx::ModelProto& model) {
  int rewritten = 0;
  for (auto& node : *model.mutable_graph()->mutable_node()) {
    if (node.op_type() != "Clip" || node.input_size() < 2) continue;
    float lo = 0, hi = 0;
    const bool has_lo = node.input_size() >= 2 && !node.input(1).empty();
    const bool has_hi = node.input_size() >= 3 && !node.input(2).empty();
    if ((has_lo && !constant_scalar(model, node.input(1), lo)) ||
        (has_hi && !constant_scalar(model, node.input(2), hi)))
      continue;  // not constant: leave it for the engine to accept or reject
    const std::string data = node.input(0);
    node.clear_input();
    node.add_input(data);
    if (has_lo) {
      auto* a = node.add_attribute();
      a->set_name("min");
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(lo);
    }
    if (has_hi) {
      auto* a = node.add_attribute();
      a->set_name("max");
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(hi);
    }
    ++rewritten;
  }
  return rewritten;
}

}  // namespace dnntune::calib
