#pragma once
// dnntune's own shape propagation on top of ONNX shape inference: ONNX leaves shapes unknown where
// they are computed at run time from other shapes (Shape -> Gather -> Concat ->
// Reshape/Expand/Slice, as PyTorch exports RNN initial states and channel shuffles). Those integer
// tensors only depend on shapes, so they are evaluated here at load time ("folded") and fed back to
// ONNX as initializers.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace dnntune {

// A small integer tensor whose content is known at load time.
struct IntValue {
  std::vector<int64_t> shape;
  std::vector<int64_t> data;                 // row-major; booleans as 0/1
  int onnx_type = onnx::TensorProto::INT64;  // INT64, INT32 or BOOL
};

// Largest integer tensor evaluated (shape vectors are tiny; this bounds work on odd graphs).
constexpr int64_t kMaxFoldedElements = 4096;

// Evaluates `node` when all its inputs are known values (or, for Shape, when the input's shape
// is fully known in `shapes`). Returns nullopt for ops it does not evaluate or non-integer results.
// `shapes`: tensor name -> dims (-1 = unknown).
std::optional<std::vector<IntValue>> fold_int_node(
    const onnx::NodeProto& node, const std::map<std::string, IntValue>& values,
    const std::map<std::string, std::vector<int64_t>>& shapes);

// Reads an integer initializer or Constant tensor with payload; nullopt if not integer, no payload
// or larger than kMaxFoldedElements.
std::optional<IntValue> int_value_from_tensor(const onnx::TensorProto& tensor);

// An INT64 TensorProto holding `value`.
onnx::TensorProto int_value_to_tensor(const std::string& name, const IntValue& value);

}  // namespace dnntune
