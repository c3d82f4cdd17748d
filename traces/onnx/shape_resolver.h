#pragma once
// Gives every tensor of a model a concrete shape: applies --input-shape/--batch, runs ONNX shape
// inference (with data propagation), folds integer shape computations (int_folding.h) back in as
// initializers and infers again until nothing new resolves.
#include <map>
#include <string>

#include <onnx/onnx_pb.h>

#include "traces/graph/tensor.h"
#include "traces/onnx/int_folding.h"
#include "traces/onnx/model_loader.h"

namespace dnntune {

struct ResolvedShapes {
  std::map<std::string, TensorInfo> tensors;  // every tensor of the main graph, concrete shapes
  std::map<std::string, IntValue> folded;     // integer tensors evaluated at load time
};

// Rewrites `model` in place: input shapes applied, If nodes decided at load time replaced by the
// branch taken, subgraphs annotated with inferred value_info (node_cost reads them).
// Throws InputError(source, ...) naming the input or tensor whose shape cannot be resolved.
ResolvedShapes resolve_shapes(onnx::ModelProto& model, const std::string& source,
                              const LoadOptions& options);

// Largest tensor dnntune accepts: 2^40 elements (a 4 TiB float tensor is a broken model).
constexpr int64_t kMaxTensorElements = int64_t{1} << 40;

// Element count of `dims`, or -1 on overflow or beyond kMaxTensorElements.
int64_t checked_elements(const std::vector<int64_t>& dims);

}  // namespace dnntune
