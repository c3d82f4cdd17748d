#pragma once
// Model preparation shared by engines: stripped weights get random payloads, and simple,
// semantics-preserving rewrites make models runnable on engines with older ONNX importers.
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace dnntune::calib {

// Gives every floating-point initializer without a payload random values. Matrices/kernels get
// He-uniform values (bound sqrt(6/fan_in)) so activations keep their magnitude through deep
// ReLU stacks (tiny values would turn into denormals and distort timings); vectors (biases,
// BatchNorm scales and variances) get values in [0.5, 1) so a variance is never negative.
void fill_stripped_weights(onnx::ModelProto& model, uint32_t seed = 1);

// True when the initializer carries no payload although its dims say it has elements.
bool initializer_is_stripped(const onnx::TensorProto& tensor);

// Clip (opset >= 11) takes min/max as inputs; older importers read them only as attributes.
// Constant min/max inputs (initializers or Constant nodes) become attributes. Returns the number
// of rewritten nodes.
int rewrite_clip_inputs_to_attributes(onnx::ModelProto& model);

// Reads a float scalar from an initializer/Constant (nullptr-safe lookups done by the caller).
bool constant_scalar(const onnx::ModelProto& model, const std::string& tensor, float& value);

}  // namespace dnntune::calib
