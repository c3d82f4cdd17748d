#pragma once
// ONNX model -> LayerGraph. Parses with libonnx's protobuf classes, runs ONNX shape inference,
// fills what it leaves unknown with dnntune's own propagation, fuses nodes into layers and costs
// every layer.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "traces/graph/fusion_rules.h"
#include "traces/graph/layer_graph.h"

namespace dnntune {

struct LoadOptions {
  // --input-shape NAME=1x3x224x224: replaces the declared shape of that input.
  std::map<std::string, std::vector<int64_t>> input_shapes;
  // --batch N (0 = keep): the leading dimension of every model input.
  int64_t batch = 0;
  FusionRules fusion = default_fusion_rules();
};

// Reads a model: an ONNX file path, or a benchmark-suite name (see `dnntune zoo list`).
// Throws InputError naming the file and what is wrong.
onnx::ModelProto read_model_proto(const std::string& model);

// The whole pipeline: read_model_proto + build_layer_graph.
LayerGraph load_layer_graph(const std::string& model, const LoadOptions& options = {});

// Builds the layer graph of an in-memory model. `source` names it in errors and in model_name.
LayerGraph build_layer_graph(onnx::ModelProto model, const std::string& source,
                             const LoadOptions& options = {});

// Parses "1x3x224x224" (also "1,3,224,224"); throws InputError("<command line>", ...) otherwise.
std::vector<int64_t> parse_shape(const std::string& text);

}  // namespace dnntune
