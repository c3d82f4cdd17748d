#include "calibration/engines/model_prep.h"

#include <cmath>
#include <cstring>
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

}  // namespace

bool initializer_is_stripped(const onnx::TensorProto& t) {
  if (element_count(t) == 0) return false;
  if (t.has_data_location() && t.data_location() == onnx::TensorProto::EXTERNAL) return true;
  return t.raw_data().empty() && t.float_data_size() == 0 && t.double_data_size() == 0 &&
         t.int32_data_size() == 0 && t.int64_data_size() == 0 && t.uint64_data_size() == 0;
}

void fill_stripped_weights(onnx::ModelProto& model, uint32_t seed) {
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
  }
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
