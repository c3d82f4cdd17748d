#include "traces/graph/tensor.h"

#include <onnx/onnx_pb.h>

namespace dnntune {

DType dtype_from_onnx(int t) {
  using TP = onnx::TensorProto;
  switch (t) {
    case TP::FLOAT:
      return DType::kFloat32;
    case TP::FLOAT16:
      return DType::kFloat16;
    case TP::BFLOAT16:
      return DType::kBFloat16;
    case TP::DOUBLE:
      return DType::kFloat64;
    case TP::INT8:
      return DType::kInt8;
    case TP::UINT8:
      return DType::kUInt8;
    case TP::INT16:
      return DType::kInt16;
    case TP::UINT16:
      return DType::kUInt16;
    case TP::INT32:
      return DType::kInt32;
    case TP::UINT32:
      return DType::kUInt32;
    case TP::INT64:
      return DType::kInt64;
    case TP::UINT64:
      return DType::kUInt64;
    case TP::BOOL:
      return DType::kBool;
    case TP::STRING:
      return DType::kString;
    default:
      return DType::kUnknown;
  }
}

int dtype_to_onnx(DType d) {
  using TP = onnx::TensorProto;
  switch (d) {
    case DType::kFloat32:
      return TP::FLOAT;
    case DType::kFloat16:
      return TP::FLOAT16;
    case DType::kBFloat16:
      return TP::BFLOAT16;
    case DType::kFloat64:
      return TP::DOUBLE;
    case DType::kInt8:
      return TP::INT8;
    case DType::kUInt8:
      return TP::UINT8;
    case DType::kInt16:
      return TP::INT16;
    case DType::kUInt16:
      return TP::UINT16;
    case DType::kInt32:
      return TP::INT32;
    case DType::kUInt32:
      return TP::UINT32;
    case DType::kInt64:
      return TP::INT64;
    case DType::kUInt64:
      return TP::UINT64;
    case DType::kBool:
      return TP::BOOL;
    case DType::kString:
      return TP::STRING;
    default:
      return TP::UNDEFINED;
  }
}

int64_t dtype_size_bytes(DType d) {
  switch (d) {
    case DType::kFloat64:
    case DType::kInt64:
    case DType::kUInt64:
      return 8;
    case DType::kFloat32:
    case DType::kInt32:
    case DType::kUInt32:
      return 4;
    case DType::kFloat16:
    case DType::kBFloat16:
    case DType::kInt16:
    case DType::kUInt16:
      return 2;
    case DType::kInt8:
    case DType::kUInt8:
    case DType::kBool:
      return 1;
    default:
      return 0;
  }
}

std::string dtype_name(DType d) {
  switch (d) {
    case DType::kFloat32:
      return "float32";
    case DType::kFloat16:
      return "float16";
    case DType::kBFloat16:
      return "bfloat16";
    case DType::kFloat64:
      return "float64";
    case DType::kInt8:
      return "int8";
    case DType::kUInt8:
      return "uint8";
    case DType::kInt16:
      return "int16";
    case DType::kUInt16:
      return "uint16";
    case DType::kInt32:
      return "int32";
    case DType::kUInt32:
      return "uint32";
    case DType::kInt64:
      return "int64";
    case DType::kUInt64:
      return "uint64";
    case DType::kBool:
      return "bool";
    case DType::kString:
      return "string";
    default:
      return "unknown";
  }
}

bool dtype_is_float(DType d) {
  return d == DType::kFloat32 || d == DType::kFloat16 || d == DType::kBFloat16 ||
         d == DType::kFloat64;
}

int64_t element_count(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

int64_t TensorInfo::elements() const {
  return element_count(shape);
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += 'x';
    s += std::to_string(shape[i]);
  }
  return s;
}

}  // namespace dnntune
