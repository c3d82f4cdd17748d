#pragma once
// A small builder for ONNX graphs (opset 13) on top of libonnx's protobuf classes. The benchmark
// suite (traces/zoo/) builds whole networks with it; calibration builds single-layer kernels.
//
// Contract:
// - Every helper adds one or a few nodes and returns the name of the tensor it produces; the node
//   is named `name`, its output tensor is `name` too (ONNX keeps node and tensor names apart), and
//   its weights are `name.weight`, `name.bias`, ... Names must be unique in a graph: a repeated
//   name throws std::logic_error (a programming error, not bad user input).
// - Weights follow the builder's WeightFill: kNone gives initializers with dims and data_type and
//   no payload (exactly like ../shared/models); kRandom fills them with deterministic uniform
//   random floats, seeded by the builder's seed and the initializer's name (so the values of one
//   tensor do not depend on what was built before it).
// - Small integer/float constants (shapes, axes, Clip bounds) always carry their payload.
// - Weight layouts are PyTorch's, so parameter counts match the papers' reference code:
//   Conv [out, in/group, kh, kw], Gemm [out, in] with transB=1, LSTM W [dirs, 4h, in].
// - finish() runs ONNX shape inference and records the shapes of the graph outputs.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace dnntune {

enum class WeightFill { kNone, kRandom };  // none: dims only, no payload (like ../shared/models)

inline constexpr int64_t kOnnxOpset = 13;
inline constexpr int64_t kOnnxIrVersion = 7;  // the IR version that goes with opset 13 (ONNX 1.8+)
inline constexpr uint64_t kDefaultWeightSeed = 20190701;

// Attribute constructors for add_node.
onnx::AttributeProto attr_int(const std::string& name, int64_t value);
onnx::AttributeProto attr_float(const std::string& name, float value);
onnx::AttributeProto attr_ints(const std::string& name, const std::vector<int64_t>& values);
onnx::AttributeProto attr_floats(const std::string& name, const std::vector<float>& values);
onnx::AttributeProto attr_string(const std::string& name, const std::string& value);

// Convolution geometry. Symmetric padding per axis; `pad` < 0 means "same" for odd kernels at
// stride 1 (kernel/2 * dilation).
struct ConvSpec {
  int64_t kh = 1, kw = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = -1, pad_w = -1;
  int64_t dilation = 1;
  int64_t group = 1;
  bool bias = false;

  static ConvSpec square(int64_t k, int64_t stride = 1, int64_t pad = -1, bool bias = false) {
    ConvSpec s;
    s.kh = s.kw = k;
    s.stride_h = s.stride_w = stride;
    s.pad_h = s.pad_w = pad;
    s.bias = bias;
    return s;
  }
};

// Pooling geometry (MaxPool / AveragePool).
struct PoolSpec {
  int64_t kernel = 2;
  int64_t stride = 2;
  int64_t pad = 0;
  bool ceil_mode = false;
  bool count_include_pad = false;  // AveragePool only
};

struct LstmOutputs {
  std::string y;    // [seq, dirs, batch, hidden]
  std::string y_h;  // [dirs, batch, hidden]
  std::string y_c;  // [dirs, batch, hidden]
};

class OnnxBuilder {
 public:
  explicit OnnxBuilder(std::string graph_name, WeightFill fill = WeightFill::kNone,
                       uint64_t seed = kDefaultWeightSeed);

  // ---- raw graph pieces -------------------------------------------------------------------
  // A model input with a fixed shape. elem_type: onnx::TensorProto::FLOAT, INT64, ...
  std::string add_input(const std::string& name, const std::vector<int64_t>& dims,
                        int elem_type = onnx::TensorProto::FLOAT);
  // Declares `tensor` a graph output (its shape is filled by finish()).
  void add_output(const std::string& tensor, int elem_type = onnx::TensorProto::FLOAT);
  // A float weight. With kRandom it is filled uniformly from [lo, hi].
  std::string add_initializer(const std::string& name, const std::vector<int64_t>& dims,
                              float lo = -0.05f, float hi = 0.05f);
  // Same, but with an explicit fill that overrides the builder's.
  std::string add_initializer(const std::string& name, const std::vector<int64_t>& dims,
                              WeightFill fill, float lo, float hi);
  // Constants that always carry their payload.
  std::string add_int64_constant(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<int64_t>& values);
  std::string add_float_constant(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<float>& values);
  // Any ONNX node. The node is named `name` (a unique name is generated when empty).
  onnx::NodeProto& add_node(const std::string& op, const std::vector<std::string>& inputs,
                            const std::vector<std::string>& outputs,
                            const std::vector<onnx::AttributeProto>& attrs = {},
                            const std::string& name = "");
  // A node with one output named like the node; returns that name.
  std::string op(const std::string& op_type, const std::string& name,
                 const std::vector<std::string>& inputs,
                 const std::vector<onnx::AttributeProto>& attrs = {});
  // "prefix_N", unique in this graph.
  std::string unique_name(const std::string& prefix);

  // ---- layers with weights ----------------------------------------------------------------
  std::string conv(const std::string& name, const std::string& x, int64_t in_channels,
                   int64_t out_channels, const ConvSpec& spec);
  // BatchNormalization with scale, bias, mean, var [channels] (inference mode).
  std::string batch_norm(const std::string& name, const std::string& x, int64_t channels,
                         float epsilon = 1e-5f);
  // Gemm(x, W[out,in], b[out]) with transB=1: x must be 2-D [batch, in].
  std::string gemm(const std::string& name, const std::string& x, int64_t in_features,
                   int64_t out_features, bool bias = true);
  // MatMul(x, W[in,out]) (+ Add b[out]): a Linear layer for inputs of any rank >= 2.
  std::string linear(const std::string& name, const std::string& x, int64_t in_features,
                     int64_t out_features, bool bias = true);
  // Gather(table[vocab, dim], ids): an embedding lookup.
  std::string embedding(const std::string& name, const std::string& ids, int64_t vocab,
                        int64_t dim);
  // One ONNX LSTM over x [seq, batch, input] (layout 0), with W, R and B (both bias vectors).
  LstmOutputs lstm(const std::string& name, const std::string& x, int64_t input_size,
                   int64_t hidden_size, bool bidirectional = false);
  // Layer normalisation over the last axis (opset 13 has no LayerNormalization op):
  // ReduceMean, Sub, Mul, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta.
  std::string layer_norm(const std::string& name, const std::string& x, int64_t dim,
                         float epsilon = 1e-5f);

  // ---- layers without weights -------------------------------------------------------------
  std::string relu(const std::string& name, const std::string& x);
  std::string relu6(const std::string& name, const std::string& x);  // Clip(x, 0, 6)
  std::string sigmoid(const std::string& name, const std::string& x);
  std::string tanh(const std::string& name, const std::string& x);
  std::string max_pool(const std::string& name, const std::string& x, const PoolSpec& spec);
  std::string average_pool(const std::string& name, const std::string& x, const PoolSpec& spec);
  std::string global_average_pool(const std::string& name, const std::string& x);
  std::string add(const std::string& name, const std::string& a, const std::string& b);
  std::string mul(const std::string& name, const std::string& a, const std::string& b);
  std::string matmul(const std::string& name, const std::string& a, const std::string& b);
  std::string concat(const std::string& name, const std::vector<std::string>& xs, int64_t axis);
  std::vector<std::string> split(const std::string& name, const std::string& x, int64_t axis,
                                 const std::vector<int64_t>& sizes);
  std::string flatten(const std::string& name, const std::string& x, int64_t axis = 1);
  std::string reshape(const std::string& name, const std::string& x,
                      const std::vector<int64_t>& shape);
  std::string transpose(const std::string& name, const std::string& x,
                        const std::vector<int64_t>& perm);
  std::string squeeze(const std::string& name, const std::string& x,
                      const std::vector<int64_t>& axes);
  std::string unsqueeze(const std::string& name, const std::string& x,
                        const std::vector<int64_t>& axes);
  std::string softmax(const std::string& name, const std::string& x, int64_t axis = -1);
  // Multiplies by a scalar constant (e.g. 1/sqrt(d_k) in attention).
  std::string scale(const std::string& name, const std::string& x, float factor);
  // Resize to fixed `sizes` (the full output shape, batch included), bilinear ("linear", with
  // align_corners) or "nearest".
  std::string resize(const std::string& name, const std::string& x,
                     const std::vector<int64_t>& sizes, const std::string& mode = "linear");
  // Resize an NCHW tensor from in_h x in_w to out_h x out_w whatever its batch: the scales are
  // (out + 0.5) / in, so that ONNX's floor(in * scale) gives exactly `out` despite float
  // rounding (align_corners maps coordinates by sizes, not by scale).
  std::string resize_to(const std::string& name, const std::string& x, int64_t in_h, int64_t in_w,
                        int64_t out_h, int64_t out_w, const std::string& mode = "linear");

  // ---- result -----------------------------------------------------------------------------
  // The model (IR 7, opset 13) with ONNX-inferred shapes on the graph outputs. The builder is
  // left empty afterwards.
  onnx::ModelProto finish(const std::string& doc_string = "");

  WeightFill fill() const { return fill_; }
  const onnx::GraphProto& graph() const { return graph_; }

 private:
  void claim(const std::string& name, std::set<std::string>& names, const char* what);
  void fill_random(onnx::TensorProto& tensor, int64_t elements, float lo, float hi) const;

  onnx::GraphProto graph_;
  WeightFill fill_;
  uint64_t seed_;
  std::set<std::string> node_names_;
  std::set<std::string> tensor_names_;
  int64_t next_id_ = 0;
};

// Elements of all floating-point initializers (weights, biases, BatchNorm statistics): the
// parameter count dnntune reports, the same as LayerGraph totals.params.
int64_t count_parameters(const onnx::ModelProto& model);

}  // namespace dnntune
