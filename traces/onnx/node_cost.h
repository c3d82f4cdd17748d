#pragma once
// Operation counts of one ONNX node from its resolved input and output shapes.
#include <cstdint>
#include <functional>
#include <string>

#include <onnx/onnx_pb.h>

#include "traces/graph/tensor.h"

namespace dnntune {

struct NodeCost {
  int64_t macs = 0;        // multiply-accumulates (Conv, ConvTranspose, Gemm, MatMul, LSTM/GRU/RNN)
  int64_t flops = 0;       // all arithmetic; a MAC counts 2
  bool known = true;       // false: dnntune has no cost rule for this operator
  std::string unknown_op;  // the first operator without a rule (may sit inside a subgraph)
};

// Finds a tensor's resolved description by name; nullptr when unknown.
using TensorLookup = std::function<const TensorInfo*(const std::string&)>;

// Costs `node`. If/Loop/Scan descend into their subgraphs (If: the costlier branch; Loop: the
// body times a constant trip count), whose tensors are looked up in the subgraphs' value_info
// first and then through `lookup`.
NodeCost node_cost(const onnx::NodeProto& node, const TensorLookup& lookup);

// Dimension consistency that ONNX shape inference does not enforce (e.g. Conv input channels vs
// weights). Returns "" when consistent, else one line naming the mismatch.
std::string check_node_dimensions(const onnx::NodeProto& node, const TensorLookup& lookup);

// True for operators that only move or reinterpret data (their cost is known and zero flops).
bool is_data_movement_op(const std::string& op);

}  // namespace dnntune
