#include "traces/onnx/node_cost.h"

#include <algorithm>
#include <map>
#include <set>

namespace dnntune {

namespace {

int64_t elements(const TensorInfo* t) {
  return t ? t->elements() : 0;
}

int64_t product_from(const std::vector<int64_t>& dims, size_t first) {
  int64_t n = 1;
  for (size_t i = first; i < dims.size(); ++i) n *= dims[i];
  return n;
}

int64_t attr_int(const onnx::NodeProto& node, const char* name, int64_t fallback) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return a.i();
  return fallback;
}

std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  return {};
}

std::string attr_string(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return a.s();
  return {};
}

// Arithmetic per output element for elementwise operators: one flop per operation in the
// operator's formula (e.g. Sigmoid = 1/(1+exp(-x)): neg, exp, add, div = 4).
const std::map<std::string, int64_t>& elementwise_flops_per_element() {
  static const std::map<std::string, int64_t> table = {
      {"Add", 1},
      {"Sub", 1},
      {"Mul", 1},
      {"Div", 1},
      {"Pow", 1},
      {"Max", 1},
      {"Min", 1},
      {"Sum", 1},
      {"Mean", 2},
      {"Mod", 1},
      {"Neg", 1},
      {"Abs", 1},
      {"Sqrt", 1},
      {"Reciprocal", 1},
      {"Floor", 1},
      {"Ceil", 1},
      {"Round", 1},
      {"Sign", 1},
      {"Exp", 1},
      {"Log", 1},
      {"Relu", 1},
      {"LeakyRelu", 2},
      {"PRelu", 2},
      {"Clip", 2},
      {"ThresholdedRelu", 1},
      {"Sigmoid", 4},      // neg, exp, add, div
      {"Tanh", 4},         // 2 exp, sub, div
      {"HardSigmoid", 3},  // mul, add, clip
      {"HardSwish", 4},    // mul, add, clip, mul
      {"Elu", 3},
      {"Selu", 4},
      {"Celu", 4},
      {"Softplus", 3},
      {"Softsign", 3},
      {"Erf", 4},
      {"Gelu", 8},  // x * 0.5 * (1 + erf(x / sqrt 2))
      {"Mish", 6},
      {"Equal", 1},
      {"Less", 1},
      {"LessOrEqual", 1},
      {"Greater", 1},
      {"GreaterOrEqual", 1},
      {"And", 1},
      {"Or", 1},
      {"Xor", 1},
      {"Not", 1},
      {"Where", 1},
      {"IsNaN", 1},
      {"IsInf", 1},
      {"BatchNormalization", 2},     // inference: x * scale' + shift'
      {"InstanceNormalization", 8},  // mean 1, variance 3, normalise 2, affine 2
      {"LayerNormalization", 8},
      {"GroupNormalization", 8},
      {"Softmax", 5},  // max, sub, exp, sum, div
      {"LogSoftmax", 6},
      {"Hardmax", 1},
      {"LRN", 6},  // square, window sum (~size), scale, pow, div: per element
      {"QuantizeLinear", 2},
      {"DequantizeLinear", 2},
      {"DynamicQuantizeLinear", 3},
  };
  return table;
}

const std::set<std::string>& data_movement_ops() {
  static const std::set<std::string> ops = {"Reshape",
                                            "Flatten",
                                            "Squeeze",
                                            "Unsqueeze",
                                            "Transpose",
                                            "Concat",
                                            "Split",
                                            "Slice",
                                            "Gather",
                                            "GatherElements",
                                            "GatherND",
                                            "ScatterND",
                                            "ScatterElements",
                                            "Pad",
                                            "Identity",
                                            "Dropout",
                                            "Shape",
                                            "Size",
                                            "Cast",
                                            "CastLike",
                                            "Expand",
                                            "Tile",
                                            "Constant",
                                            "ConstantOfShape",
                                            "DepthToSpace",
                                            "SpaceToDepth",
                                            "Range",
                                            "NonZero",
                                            "Compress",
                                            "ReverseSequence",
                                            "OneHot",
                                            "EyeLike",
                                            "SequenceConstruct",
                                            "SplitToSequence",
                                            "ConcatFromSequence",
                                            "SequenceAt",
                                            "Trilu"};
  return ops;
}

NodeCost subgraph_cost(const onnx::GraphProto& g, const TensorLookup& outer) {
  std::map<std::string, TensorInfo> local;
  auto add = [&](const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
    TensorInfo t{v.name(), {}, dtype_from_onnx(v.type().tensor_type().elem_type())};
    for (const auto& d : v.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value()) return;  // symbolic: leave to the outer scope
      t.shape.push_back(d.dim_value());
    }
    local[v.name()] = t;
  };
  for (const auto& v : g.input()) add(v);
  for (const auto& v : g.value_info()) add(v);
  for (const auto& v : g.output()) add(v);
  for (const auto& init : g.initializer())
    local[init.name()] = TensorInfo{
        init.name(), {init.dims().begin(), init.dims().end()}, dtype_from_onnx(init.data_type())};
  TensorLookup lookup = [&](const std::string& name) -> const TensorInfo* {
    auto it = local.find(name);
    return it != local.end() ? &it->second : outer(name);
  };
  NodeCost total;
  for (const auto& node : g.node()) {
    NodeCost c = node_cost(node, lookup);
    total.macs += c.macs;
    total.flops += c.flops;
    if (!c.known && total.known) {
      total.known = false;
      total.unknown_op = c.unknown_op;
    }
  }
  return total;
}

}  // namespace

bool is_data_movement_op(const std::string& op) {
  return data_movement_ops().count(op) > 0;
}

std::string check_node_dimensions(const onnx::NodeProto& node, const TensorLookup& lookup) {
  auto in = [&](int i) -> const TensorInfo* {
    return i < node.input_size() && !node.input(i).empty() ? lookup(node.input(i)) : nullptr;
  };
  const TensorInfo *x = in(0), *w = in(1);
  if (!x || !w) return "";
  const std::string& op = node.op_type();
  if (op == "Conv" && x->shape.size() >= 2 && w->shape.size() >= 2) {
    const int64_t group = attr_int(node, "group", 1);
    if (x->shape[1] != w->shape[1] * group)
      return "input '" + x->name + "' has " + std::to_string(x->shape[1]) +
             " channels but weight '" + w->name + "' " + shape_to_string(w->shape) +
             " with group " + std::to_string(group) + " expects " +
             std::to_string(w->shape[1] * group);
  }
  if (op == "Gemm" && x->shape.size() == 2 && w->shape.size() == 2) {
    const int64_t kx = attr_int(node, "transA", 0) ? x->shape[0] : x->shape[1];
    const int64_t kw = attr_int(node, "transB", 0) ? w->shape[1] : w->shape[0];
    if (kx != kw)
      return "inner dimensions differ: '" + x->name + "' " + shape_to_string(x->shape) + " vs '" +
             w->name + "' " + shape_to_string(w->shape);
  }
  if (op == "MatMul" && x->shape.size() >= 2 && w->shape.size() >= 2 &&
      x->shape.back() != w->shape[w->shape.size() - 2])
    return "inner dimensions differ: '" + x->name + "' " + shape_to_string(x->shape) + " vs '" +
           w->name + "' " + shape_to_string(w->shape);
  return "";
}

NodeCost node_cost(const onnx::NodeProto& node, const TensorLookup& lookup) {
  const std::string& op = node.op_type();
  auto in = [&](int i) -> const TensorInfo* {
    return i < node.input_size() && !node.input(i).empty() ? lookup(node.input(i)) : nullptr;
  };
  auto out = [&](int i) -> const TensorInfo* {
    return i < node.output_size() && !node.output(i).empty() ? lookup(node.output(i)) : nullptr;
  };
  NodeCost c;
  auto unknown = [&] {
    c.known = false;
    c.unknown_op = op;
    return c;
  };
  const TensorInfo* y = out(0);

  if (op == "Conv") {
    // MACs = |Y| * (C_in / group) * prod(kernel) = |Y| * prod(W.shape[1:])
    const TensorInfo* w = in(1);
    if (!w || !y) return unknown();
    c.macs = y->elements() * product_from(w->shape, 1);
    c.flops = 2 * c.macs + (in(2) ? y->elements() : 0);
    return c;
  }
  if (op == "ConvTranspose") {
    // Every input element is scattered through the kernel: MACs = |X| * prod(W.shape[1:]),
    // W being [C_in, C_out / group, k...].
    const TensorInfo *x = in(0), *w = in(1);
    if (!x || !w || !y) return unknown();
    c.macs = x->elements() * product_from(w->shape, 1);
    c.flops = 2 * c.macs + (in(2) ? y->elements() : 0);
    return c;
  }
  if (op == "Gemm") {
    // Y[M,N] = A[M,K] B[K,N] (+ C): MACs = M * N * K
    const TensorInfo* a = in(0);
    if (!a || !y || a->shape.size() != 2) return unknown();
    const int64_t k = attr_int(node, "transA", 0) ? a->shape[0] : a->shape[1];
    c.macs = y->elements() * k;
    c.flops = 2 * c.macs + (in(2) ? y->elements() : 0);
    return c;
  }
  if (op == "MatMul" || op == "MatMulInteger") {
    // Batched: MACs = |Y| * K with K the contracted dimension (A's last).
    const TensorInfo* a = in(0);
    if (!a || !y || a->shape.empty()) return unknown();
    c.macs = y->elements() * a->shape.back();
    c.flops = 2 * c.macs;
    return c;
  }
  if (op == "LSTM" || op == "GRU" || op == "RNN") {
    // Per time step and batch row, every gate multiplies the input (W: [dirs, gates*H, I]) and the
    // hidden state (R: [dirs, gates*H, H]): MACs = seq * batch * (|W| + |R|).
    // Elementwise per step and hidden unit: LSTM 4 bias adds + 3 sigmoid (4) + 2 tanh (4) + 3 mul
    // + 1 add = 24; GRU 3 bias + 2 sigmoid + 1 tanh + 4 mul/add = 19; RNN bias + tanh = 5.
    const TensorInfo *x = in(0), *w = in(1), *r = in(2);
    if (!x || !w || !r || x->shape.size() != 3 || w->shape.size() != 3) return unknown();
    const bool batch_first = attr_int(node, "layout", 0) == 1;
    const int64_t seq = batch_first ? x->shape[1] : x->shape[0];
    const int64_t batch = batch_first ? x->shape[0] : x->shape[1];
    const int64_t dirs = w->shape[0];
    const int64_t hidden = attr_int(node, "hidden_size", r->shape.size() == 3 ? r->shape[2] : 0);
    c.macs = seq * batch * (w->elements() + r->elements());
    const int64_t per_unit = op == "LSTM" ? 24 : (op == "GRU" ? 19 : 5);
    c.flops = 2 * c.macs + seq * batch * dirs * hidden * per_unit;
    return c;
  }
  if (op == "MaxPool" || op == "AveragePool" || op == "LpPool") {
    // One comparison or addition per window element: |Y| * prod(kernel_shape)
    if (!y) return unknown();
    int64_t window = 1;
    for (int64_t k : attr_ints(node, "kernel_shape")) window *= k;
    c.flops = y->elements() * window;
    return c;
  }
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "GlobalLpPool") {
    c.flops = elements(in(0));  // every input element once
    return c;
  }
  if (op.rfind("Reduce", 0) == 0 || op == "ArgMax" || op == "ArgMin") {
    c.flops = elements(in(0)) + (op == "ReduceMean" ? elements(y) : 0);
    return c;
  }
  if (op == "Resize" || op == "Upsample") {
    // nearest: a copy; linear: 2^spatial-rank weighted taps per output element (bilinear = 4 MACs)
    const std::string mode = attr_string(node, "mode");
    const int64_t taps = (mode == "linear" || mode == "bilinear") ? 8 : (mode == "cubic" ? 32 : 0);
    c.flops = elements(y) * taps;
    return c;
  }
  if (op == "TopK") {
    c.flops = elements(in(0));
    return c;
  }
  if (op == "Einsum") return unknown();
  if (op == "If") {
    // The costlier branch: a prediction must hold whichever branch runs.
    NodeCost best;
    for (const auto& a : node.attribute()) {
      if (a.type() != onnx::AttributeProto::GRAPH) continue;
      NodeCost branch = subgraph_cost(a.g(), lookup);
      if (branch.flops > best.flops || (!branch.known && best.known)) {
        const bool known = best.known && branch.known;
        std::string u = best.known ? branch.unknown_op : best.unknown_op;
        best = branch;
        best.known = known;
        best.unknown_op = known ? "" : u;
      }
    }
    return best;
  }
  if (op == "Loop" || op == "Scan") {
    // The body times the trip count when it is a constant; otherwise flagged.
    for (const auto& a : node.attribute()) {
      if (a.name() != "body") continue;
      NodeCost body = subgraph_cost(a.g(), lookup);
      int64_t trips = -1;
      if (op == "Scan") {
        const TensorInfo* first =
            in(static_cast<int>(attr_int(node, "num_scan_inputs", 1) > 0
                                    ? node.input_size() - attr_int(node, "num_scan_inputs", 1)
                                    : 0));
        if (first && !first->shape.empty()) trips = first->shape[0];
      }
      if (trips < 0) {
        c = body;
        c.known = false;
        c.unknown_op = op + " (trip count unknown at load time)";
        return c;
      }
      body.macs *= trips;
      body.flops *= trips;
      return body;
    }
    return unknown();
  }
  if (is_data_movement_op(op)) return c;
  auto it = elementwise_flops_per_element().find(op);
  if (it != elementwise_flops_per_element().end()) {
    c.flops = elements(y) * it->second;
    return c;
  }
  return unknown();
}

}  // namespace dnntune
