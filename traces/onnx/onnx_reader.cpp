// Reading ONNX files (and suite models) into a validated onnx::ModelProto.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"
#include "traces/onnx/shape_resolver.h"
#include "traces/zoo/zoo.h"

namespace dnntune {

namespace {

namespace fs = std::filesystem;

int64_t payload_bytes(const onnx::TensorProto& t, int64_t elem_size) {
  if (t.has_raw_data()) return static_cast<int64_t>(t.raw_data().size());
  int64_t typed = t.float_data_size() + t.int32_data_size() + t.int64_data_size() +
                  t.double_data_size() + t.uint64_data_size() + t.string_data_size();
  return typed * elem_size;
}

// An initializer's declared dims must be sane, and a payload, where present, must match them.
// Stripped weights (dims, no payload) are legal: they are weights of that shape.
void check_initializer(const onnx::TensorProto& t, const fs::path& dir, const std::string& source) {
  std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
  for (int64_t d : dims)
    if (d < 0)
      throw InputError(source, "initializer '" + t.name() + "' has a negative dimension in " +
                                   shape_to_string(dims));
  const int64_t n = checked_elements(dims);
  if (n < 0)
    throw InputError(source, "initializer '" + t.name() + "' declares " + shape_to_string(dims) +
                                 ": more than 2^40 elements or overflowing");
  const DType dtype = dtype_from_onnx(t.data_type());
  const int64_t elem = dtype_size_bytes(dtype);
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& kv : t.external_data()) {
      if (kv.key() == "location") location = kv.value();
      if (kv.key() == "offset") offset = std::stoll(kv.value());
      if (kv.key() == "length") length = std::stoll(kv.value());
    }
    const fs::path file = dir / location;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (location.empty() || ec)
      throw InputError(source, "initializer '" + t.name() + "' refers to external data '" +
                                   location + "', which cannot be read");
    const int64_t need = length >= 0 ? length : n * elem;
    if (offset + need > static_cast<int64_t>(size))
      throw InputError(source, "initializer '" + t.name() + "' needs bytes " +
                                   std::to_string(offset) + ".." + std::to_string(offset + need) +
                                   " of '" + location + "', which has " + std::to_string(size));
    return;
  }
  const int64_t have = payload_bytes(t, elem);
  if (have == 0 || elem == 0) return;  // stripped weight, or a type dnntune does not size
  if (have != n * elem)
    throw InputError(source, "initializer '" + t.name() + "' declares " + shape_to_string(dims) +
                                 " (" + std::to_string(n * elem) + " bytes) but holds " +
                                 std::to_string(have) + " bytes");
}

onnx::ModelProto parse_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, "no such file");
  if (fs::is_directory(path, ec)) throw InputError(path, "is a directory, not an ONNX file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot be opened for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.empty()) throw InputError(path, "is empty, not an ONNX model");
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    throw InputError(path,
                     "not an ONNX model: protobuf parse failed (truncated or another format)");
  if (!model.has_graph() || model.graph().node_size() == 0 || model.ir_version() <= 0)
    throw InputError(path, "not an ONNX model: no ir_version or no graph nodes");
  return model;
}

}  // namespace

void validate_initializers(const onnx::ModelProto& model, const std::string& source) {
  const fs::path dir = fs::path(source).parent_path();
  for (const auto& t : model.graph().initializer()) check_initializer(t, dir, source);
}

onnx::ModelProto read_model_proto(const std::string& model) {
  std::error_code ec;
  if (!fs::exists(model, ec)) {
    if (const zoo::ZooEntry* entry = zoo::find(model)) return entry->build(zoo::ZooOptions{});
    if (model.find('/') == std::string::npos && model.find(".onnx") == std::string::npos)
      throw InputError(model,
                       "no such file and not a suite model; suite models: " + zoo::names_joined());
  }
  onnx::ModelProto proto = parse_file(model);
  validate_initializers(proto, model);
  return proto;
}

std::vector<int64_t> parse_shape(const std::string& text) {
  std::vector<int64_t> dims;
  std::string token;
  auto flush = [&] {
    if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos ||
        token.size() > 12)
      throw InputError("<command line>",
                       "bad shape '" + text + "': expected dimensions like 1x3x224x224");
    dims.push_back(std::stoll(token));
    token.clear();
  };
  for (char c : text) {
    if (c == 'x' || c == 'X' || c == ',')
      flush();
    else
      token += c;
  }
  flush();
  for (int64_t d : dims)
    if (d <= 0)
      throw InputError("<command line>", "bad shape '" + text + "': dimensions must be positive");
  return dims;
}

}  // namespace dnntune
