#pragma once
// Tensor element types and concrete tensor descriptions shared by every layer of dnntune.
#include <cstdint>
#include <string>
#include <vector>

namespace dnntune {

enum class DType {
  kUnknown,
  kFloat32,
  kFloat16,
  kBFloat16,
  kFloat64,
  kInt8,
  kUInt8,
  kInt16,
  kUInt16,
  kInt32,
  kUInt32,
  kInt64,
  kUInt64,
  kBool,
  kString
};

// ONNX TensorProto::DataType value -> DType (kUnknown for types dnntune does not cost).
DType dtype_from_onnx(int onnx_type);
int dtype_to_onnx(DType dtype);
// Storage size of one element in bytes (0 for kUnknown and kString).
int64_t dtype_size_bytes(DType dtype);
// Lower-case name used in outputs: "float32", "int64", ...
std::string dtype_name(DType dtype);
bool dtype_is_float(DType dtype);

// Product of the dimensions (1 for a scalar). No overflow check: see checked_elements() in
// traces/onnx/shape_resolver.h for untrusted shapes.
int64_t element_count(const std::vector<int64_t>& dims);

// A tensor with a fully known shape. Scalars have an empty shape and one element.
struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;
  DType dtype = DType::kFloat32;

  int64_t elements() const;
  int64_t bytes() const { return elements() * dtype_size_bytes(dtype); }
};

// "1x3x224x224" (and "scalar" for an empty shape).
std::string shape_to_string(const std::vector<int64_t>& shape);

}  // namespace dnntune
