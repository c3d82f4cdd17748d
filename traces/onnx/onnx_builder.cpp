#include "traces/onnx/onnx_builder.h"
#include "traces/common/fnv1a.h"
#include "traces/graph/tensor.h"

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>

#include <onnx/shape_inference/implementation.h>

namespace dnntune {

namespace {

void set_dims(onnx::TensorProto& t, const std::vector<int64_t>& dims) {
  for (int64_t d : dims) t.add_dims(d);
}

void set_tensor_type(onnx::ValueInfoProto& vi, int elem_type, const std::vector<int64_t>* dims) {
  auto* tt = vi.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  if (dims) {
    auto* shape = tt->mutable_shape();
    for (int64_t d : *dims) shape->add_dim()->set_dim_value(d);
  }
}

// Uniform bound 1/sqrt(fan_in): PyTorch's default init range, keeps random activations finite.
float fan_in_bound(int64_t fan_in) {
  return 1.0f / std::sqrt(static_cast<float>(fan_in > 0 ? fan_in : 1));
}

}  // namespace

onnx::AttributeProto attr_int(const std::string& name, int64_t value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
  return a;
}

onnx::AttributeProto attr_float(const std::string& name, float value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(value);
  return a;
}

onnx::AttributeProto attr_ints(const std::string& name, const std::vector<int64_t>& values) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a.add_ints(v);
  return a;
}

onnx::AttributeProto attr_floats(const std::string& name, const std::vector<float>& values) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOATS);
  for (float v : values) a.add_floats(v);
  return a;
}

onnx::AttributeProto attr_string(const std::string& name, const std::string& value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(value);
  return a;
}

OnnxBuilder::OnnxBuilder(std::string graph_name, WeightFill fill, uint64_t seed)
    : fill_(fill), seed_(seed) {
  graph_.set_name(std::move(graph_name));
}

void OnnxBuilder::claim(const std::string& name, std::set<std::string>& names, const char* what) {
  if (name.empty()) throw std::logic_error(std::string("OnnxBuilder: empty ") + what + " name");
  if (!names.insert(name).second)
    throw std::logic_error(std::string("OnnxBuilder: duplicate ") + what + " name '" + name + "'");
}

std::string OnnxBuilder::unique_name(const std::string& prefix) {
  std::string name;
  do {
    name = prefix + "_" + std::to_string(next_id_++);
  } while (node_names_.count(name) || tensor_names_.count(name));
  return name;
}

std::string OnnxBuilder::add_input(const std::string& name, const std::vector<int64_t>& dims,
                                   int elem_type) {
  claim(name, tensor_names_, "tensor");
  set_tensor_type(*graph_.add_input(), elem_type, &dims);
  graph_.mutable_input(graph_.input_size() - 1)->set_name(name);
  return name;
}

void OnnxBuilder::add_output(const std::string& tensor, int elem_type) {
  auto* vi = graph_.add_output();
  vi->set_name(tensor);
  set_tensor_type(*vi, elem_type, nullptr);
}

void OnnxBuilder::fill_random(onnx::TensorProto& tensor, int64_t elements, float lo,
                              float hi) const {
  std::mt19937_64 rng(seed_ ^ fnv1a64(tensor.name()));
  std::uniform_real_distribution<float> dist(lo, hi);
  std::string raw(static_cast<size_t>(elements) * sizeof(float), '\0');
  for (int64_t i = 0; i < elements; ++i) {
    const float v = dist(rng);
    std::memcpy(&raw[static_cast<size_t>(i) * sizeof(float)], &v, sizeof(float));
  }
  tensor.set_raw_data(std::move(raw));  // raw_data is little-endian: true on every target we build
}

std::string OnnxBuilder::add_initializer(const std::string& name, const std::vector<int64_t>& dims,
                                         float lo, float hi) {
  return add_initializer(name, dims, fill_, lo, hi);
}

std::string OnnxBuilder::add_initializer(const std::string& name, const std::vector<int64_t>& dims,
                                         WeightFill fill, float lo, float hi) {
  claim(name, tensor_names_, "tensor");
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  set_dims(t, dims);
  if (fill == WeightFill::kRandom) fill_random(t, element_count(dims), lo, hi);
  return name;
}

std::string OnnxBuilder::add_int64_constant(const std::string& name,
                                            const std::vector<int64_t>& dims,
                                            const std::vector<int64_t>& values) {
  if (element_count(dims) != static_cast<int64_t>(values.size()))
    throw std::logic_error("OnnxBuilder: constant '" + name + "' has dims/value count mismatch");
  claim(name, tensor_names_, "tensor");
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  set_dims(t, dims);
  for (int64_t v : values) t.add_int64_data(v);
  return name;
}

std::string OnnxBuilder::add_float_constant(const std::string& name,
                                            const std::vector<int64_t>& dims,
                                            const std::vector<float>& values) {
  if (element_count(dims) != static_cast<int64_t>(values.size()))
    throw std::logic_error("OnnxBuilder: constant '" + name + "' has dims/value count mismatch");
  claim(name, tensor_names_, "tensor");
  onnx::TensorProto& t = *graph_.add_initializer();
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  set_dims(t, dims);
  for (float v : values) t.add_float_data(v);
  return name;
}

onnx::NodeProto& OnnxBuilder::add_node(const std::string& op_type,
                                       const std::vector<std::string>& inputs,
                                       const std::vector<std::string>& outputs,
                                       const std::vector<onnx::AttributeProto>& attrs,
                                       const std::string& name) {
  const std::string node_name = name.empty() ? unique_name(op_type) : name;
  claim(node_name, node_names_, "node");
  for (const auto& out : outputs)
    if (!out.empty()) claim(out, tensor_names_, "tensor");
  onnx::NodeProto& node = *graph_.add_node();
  node.set_name(node_name);
  node.set_op_type(op_type);
  for (const auto& in : inputs) node.add_input(in);
  for (const auto& out : outputs) node.add_output(out);
  for (const auto& a : attrs) *node.add_attribute() = a;
  return node;
}

std::string OnnxBuilder::op(const std::string& op_type, const std::string& name,
                            const std::vector<std::string>& inputs,
                            const std::vector<onnx::AttributeProto>& attrs) {
  add_node(op_type, inputs, {name}, attrs, name);
  return name;
}

// ---- layers with weights ------------------------------------------------------------------

std::string OnnxBuilder::conv(const std::string& name, const std::string& x, int64_t in_channels,
                              int64_t out_channels, const ConvSpec& s) {
  const int64_t pad_h = s.pad_h >= 0 ? s.pad_h : (s.kh / 2) * s.dilation;
  const int64_t pad_w = s.pad_w >= 0 ? s.pad_w : (s.kw / 2) * s.dilation;
  const int64_t in_per_group = in_channels / s.group;
  const float bound = fan_in_bound(in_per_group * s.kh * s.kw);
  std::vector<std::string> inputs = {
      x,
      add_initializer(name + ".weight", {out_channels, in_per_group, s.kh, s.kw}, -bound, bound)};
  if (s.bias) inputs.push_back(add_initializer(name + ".bias", {out_channels}, -bound, bound));
  return op(
      "Conv", name, inputs,
      {attr_ints("kernel_shape", {s.kh, s.kw}), attr_ints("strides", {s.stride_h, s.stride_w}),
       attr_ints("pads", {pad_h, pad_w, pad_h, pad_w}),
       attr_ints("dilations", {s.dilation, s.dilation}), attr_int("group", s.group)});
}

std::string OnnxBuilder::batch_norm(const std::string& name, const std::string& x, int64_t channels,
                                    float epsilon) {
  // Variance must stay positive with random weights: [0.5, 1.5]; scale near 1.
  return op("BatchNormalization", name,
            {x, add_initializer(name + ".scale", {channels}, 0.5f, 1.5f),
             add_initializer(name + ".bias", {channels}, -0.1f, 0.1f),
             add_initializer(name + ".mean", {channels}, -0.1f, 0.1f),
             add_initializer(name + ".var", {channels}, 0.5f, 1.5f)},
            {attr_float("epsilon", epsilon)});
}

std::string OnnxBuilder::gemm(const std::string& name, const std::string& x, int64_t in_features,
                              int64_t out_features, bool bias) {
  const float bound = fan_in_bound(in_features);
  std::vector<std::string> inputs = {
      x, add_initializer(name + ".weight", {out_features, in_features}, -bound, bound)};
  if (bias) inputs.push_back(add_initializer(name + ".bias", {out_features}, -bound, bound));
  return op("Gemm", name, inputs, {attr_int("transB", 1)});
}

std::string OnnxBuilder::linear(const std::string& name, const std::string& x, int64_t in_features,
                                int64_t out_features, bool bias) {
  const float bound = fan_in_bound(in_features);
  const std::string w =
      add_initializer(name + ".weight", {in_features, out_features}, -bound, bound);
  if (!bias) return op("MatMul", name, {x, w});
  const std::string mm = op("MatMul", name + ".matmul", {x, w});
  return op("Add", name, {mm, add_initializer(name + ".bias", {out_features}, -bound, bound)});
}

std::string OnnxBuilder::embedding(const std::string& name, const std::string& ids, int64_t vocab,
                                   int64_t dim) {
  return op("Gather", name, {add_initializer(name + ".weight", {vocab, dim}, -0.1f, 0.1f), ids},
            {attr_int("axis", 0)});
}

LstmOutputs OnnxBuilder::lstm(const std::string& name, const std::string& x, int64_t input_size,
                              int64_t hidden_size, bool bidirectional) {
  const int64_t dirs = bidirectional ? 2 : 1;
  const float bound = fan_in_bound(hidden_size);
  const std::string w =
      add_initializer(name + ".W", {dirs, 4 * hidden_size, input_size}, -bound, bound);
  const std::string r =
      add_initializer(name + ".R", {dirs, 4 * hidden_size, hidden_size}, -bound, bound);
  const std::string b = add_initializer(name + ".B", {dirs, 8 * hidden_size}, -bound, bound);
  LstmOutputs out{name, name + ".Y_h", name + ".Y_c"};
  add_node("LSTM", {x, w, r, b}, {out.y, out.y_h, out.y_c},
           {attr_int("hidden_size", hidden_size),
            attr_string("direction", bidirectional ? "bidirectional" : "forward")},
           name);
  return out;
}

std::string OnnxBuilder::layer_norm(const std::string& name, const std::string& x, int64_t dim,
                                    float epsilon) {
  const std::vector<onnx::AttributeProto> last_axis = {attr_ints("axes", {-1}),
                                                       attr_int("keepdims", 1)};
  const std::string mean = op("ReduceMean", name + ".mean", {x}, last_axis);
  const std::string centred = op("Sub", name + ".centred", {x, mean});
  const std::string sq = op("Mul", name + ".square", {centred, centred});
  const std::string var = op("ReduceMean", name + ".var", {sq}, last_axis);
  const std::string eps = add_float_constant(name + ".eps", {}, {epsilon});
  const std::string var_eps = op("Add", name + ".var_eps", {var, eps});
  const std::string stddev = op("Sqrt", name + ".std", {var_eps});
  const std::string normed = op("Div", name + ".normed", {centred, stddev});
  const std::string gamma = add_initializer(name + ".weight", {dim}, 0.9f, 1.1f);
  const std::string beta = add_initializer(name + ".bias", {dim}, -0.1f, 0.1f);
  const std::string scaled = op("Mul", name + ".scaled", {normed, gamma});
  return op("Add", name, {scaled, beta});
}

// ---- layers without weights ---------------------------------------------------------------

std::string OnnxBuilder::relu(const std::string& name, const std::string& x) {
  return op("Relu", name, {x});
}

std::string OnnxBuilder::relu6(const std::string& name, const std::string& x) {
  // Opset 13 Clip takes its bounds as inputs (scalar constants).
  return op("Clip", name,
            {x, add_float_constant(name + ".min", {}, {0.0f}),
             add_float_constant(name + ".max", {}, {6.0f})});
}

std::string OnnxBuilder::sigmoid(const std::string& name, const std::string& x) {
  return op("Sigmoid", name, {x});
}

std::string OnnxBuilder::tanh(const std::string& name, const std::string& x) {
  return op("Tanh", name, {x});
}

std::string OnnxBuilder::max_pool(const std::string& name, const std::string& x,
                                  const PoolSpec& s) {
  return op(
      "MaxPool", name, {x},
      {attr_ints("kernel_shape", {s.kernel, s.kernel}), attr_ints("strides", {s.stride, s.stride}),
       attr_ints("pads", {s.pad, s.pad, s.pad, s.pad}),
       attr_int("ceil_mode", s.ceil_mode ? 1 : 0)});
}

std::string OnnxBuilder::average_pool(const std::string& name, const std::string& x,
                                      const PoolSpec& s) {
  return op(
      "AveragePool", name, {x},
      {attr_ints("kernel_shape", {s.kernel, s.kernel}), attr_ints("strides", {s.stride, s.stride}),
       attr_ints("pads", {s.pad, s.pad, s.pad, s.pad}), attr_int("ceil_mode", s.ceil_mode ? 1 : 0),
       attr_int("count_include_pad", s.count_include_pad ? 1 : 0)});
}

std::string OnnxBuilder::global_average_pool(const std::string& name, const std::string& x) {
  return op("GlobalAveragePool", name, {x});
}

std::string OnnxBuilder::add(const std::string& name, const std::string& a, const std::string& b) {
  return op("Add", name, {a, b});
}

std::string OnnxBuilder::mul(const std::string& name, const std::string& a, const std::string& b) {
  return op("Mul", name, {a, b});
}

std::string OnnxBuilder::matmul(const std::string& name, const std::string& a,
                                const std::string& b) {
  return op("MatMul", name, {a, b});
}

std::string OnnxBuilder::concat(const std::string& name, const std::vector<std::string>& xs,
                                int64_t axis) {
  return op("Concat", name, xs, {attr_int("axis", axis)});
}

std::vector<std::string> OnnxBuilder::split(const std::string& name, const std::string& x,
                                            int64_t axis, const std::vector<int64_t>& sizes) {
  std::vector<std::string> outs;
  for (size_t i = 0; i < sizes.size(); ++i) outs.push_back(name + "." + std::to_string(i));
  const std::string split_sizes =
      add_int64_constant(name + ".split", {static_cast<int64_t>(sizes.size())}, sizes);
  add_node("Split", {x, split_sizes}, outs, {attr_int("axis", axis)}, name);
  return outs;
}

std::string OnnxBuilder::flatten(const std::string& name, const std::string& x, int64_t axis) {
  return op("Flatten", name, {x}, {attr_int("axis", axis)});
}

std::string OnnxBuilder::reshape(const std::string& name, const std::string& x,
                                 const std::vector<int64_t>& shape) {
  return op("Reshape", name,
            {x, add_int64_constant(name + ".shape", {static_cast<int64_t>(shape.size())}, shape)});
}

std::string OnnxBuilder::transpose(const std::string& name, const std::string& x,
                                   const std::vector<int64_t>& perm) {
  return op("Transpose", name, {x}, {attr_ints("perm", perm)});
}

std::string OnnxBuilder::squeeze(const std::string& name, const std::string& x,
                                 const std::vector<int64_t>& axes) {
  return op("Squeeze", name,
            {x, add_int64_constant(name + ".axes", {static_cast<int64_t>(axes.size())}, axes)});
}

std::string OnnxBuilder::unsqueeze(const std::string& name, const std::string& x,
                                   const std::vector<int64_t>& axes) {
  return op("Unsqueeze", name,
            {x, add_int64_constant(name + ".axes", {static_cast<int64_t>(axes.size())}, axes)});
}

std::string OnnxBuilder::softmax(const std::string& name, const std::string& x, int64_t axis) {
  return op("Softmax", name, {x}, {attr_int("axis", axis)});
}

std::string OnnxBuilder::scale(const std::string& name, const std::string& x, float factor) {
  return op("Mul", name, {x, add_float_constant(name + ".factor", {}, {factor})});
}

std::string OnnxBuilder::resize(const std::string& name, const std::string& x,
                                const std::vector<int64_t>& sizes, const std::string& mode) {
  // Opset 13 Resize(X, roi, scales, sizes): roi and scales empty, sizes given.
  const std::string roi = add_float_constant(name + ".roi", {0}, {});
  const std::string scales = add_float_constant(name + ".scales", {0}, {});
  const std::string target =
      add_int64_constant(name + ".sizes", {static_cast<int64_t>(sizes.size())}, sizes);
  return op(
      "Resize", name, {x, roi, scales, target},
      {attr_string("mode", mode), attr_string("coordinate_transformation_mode",
                                              mode == "linear" ? "align_corners" : "asymmetric")});
}

std::string OnnxBuilder::resize_to(const std::string& name, const std::string& x, int64_t in_h,
                                   int64_t in_w, int64_t out_h, int64_t out_w,
                                   const std::string& mode) {
  const std::string roi = add_float_constant(name + ".roi", {0}, {});
  const std::string scales = add_float_constant(
      name + ".scales", {4},
      {1.0f, 1.0f,
       static_cast<float>((static_cast<double>(out_h) + 0.5) / static_cast<double>(in_h)),
       static_cast<float>((static_cast<double>(out_w) + 0.5) / static_cast<double>(in_w))});
  return op(
      "Resize", name, {x, roi, scales},
      {attr_string("mode", mode), attr_string("coordinate_transformation_mode",
                                              mode == "linear" ? "align_corners" : "asymmetric")});
}

// ---- result -------------------------------------------------------------------------------

onnx::ModelProto OnnxBuilder::finish(const std::string& doc_string) {
  onnx::ModelProto model;
  model.set_ir_version(kOnnxIrVersion);
  model.set_producer_name("dnntune");
  model.set_producer_version(DNNTUNE_VERSION);
  if (!doc_string.empty()) model.set_doc_string(doc_string);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  *model.mutable_graph() = std::move(graph_);
  graph_ = onnx::GraphProto();
  node_names_.clear();
  tensor_names_.clear();

  // Shape inference fills the graph outputs' shapes; intermediate value_info is dropped again
  // (every reader re-infers) to keep exported files as small as the shared reference models.
  onnx::shape_inference::InferShapes(model);
  model.mutable_graph()->clear_value_info();
  return model;
}

int64_t count_parameters(const onnx::ModelProto& model) {
  int64_t params = 0;
  for (const auto& t : model.graph().initializer()) {
    const int type = t.data_type();
    if (type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::FLOAT16 &&
        type != onnx::TensorProto::BFLOAT16 && type != onnx::TensorProto::DOUBLE)
      continue;
    int64_t n = 1;
    for (int64_t d : t.dims()) n *= d;
    params += n;
  }
  return params;
}

}  // namespace dnntune
