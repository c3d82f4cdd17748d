#pragma once
// The object every part of dnntune works on: a DNN as a DAG of layers (operator groups the way
// an inference engine executes them) with exact shapes, operation counts and the bytes that cross
// every possible cut.
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "traces/graph/tensor.h"

namespace dnntune {

// One executed operator group, e.g. Conv+BatchNormalization+Relu.
struct Layer {
  std::string name;                // the first ONNX node's name (or "<kind>_<index>" if unnamed)
  std::string kind;                // the anchor operator: "Conv", "Gemm", "MaxPool", "LSTM", ...
  std::vector<std::string> ops;    // op types of the ONNX nodes inside, in execution order
  std::vector<std::string> nodes;  // names of those ONNX nodes
  nlohmann::json attributes = nlohmann::json::object();  // the anchor node's attributes
  std::vector<TensorInfo> inputs;  // activation tensors read (from other layers or model inputs)
  std::vector<TensorInfo>
      outputs;  // tensors produced and read outside the layer (or model outputs)
  std::vector<TensorInfo> weights;  // initializers read
  int64_t macs = 0;                 // multiply-accumulates (Conv, Gemm, MatMul, RNNs, attention)
  int64_t flops = 0;                // all arithmetic, elementwise included (a MAC counts 2)
  int64_t weight_elements = 0;      // elements of the initializers read
  int64_t weight_bytes = 0;
  int64_t input_bytes = 0;    // sum over `inputs`
  int64_t output_bytes = 0;   // sum over `outputs`
  bool unknown_cost = false;  // contains an operator dnntune cannot cost (a warning names it)
};

// One activation tensor read by a layer: an edge producer -> consumer.
struct TensorEdge {
  std::string tensor;
  int64_t bytes = 0;
};

// Vertex descriptor == layer index == position in the topological order.
using LayerDag =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Layer, TensorEdge>;

// An activation tensor that flows between layers (or from a model input).
struct GraphTensor {
  TensorInfo info;
  int producer = -1;           // layer index; -1 for a model input
  std::vector<int> consumers;  // layer indices, ascending
  bool is_model_output = false;
};

struct GraphTotals {
  int64_t layers = 0;
  int64_t macs = 0;
  int64_t flops = 0;
  int64_t params = 0;  // elements of all floating-point initializers of the model
  int64_t weight_bytes = 0;
  int64_t activation_bytes = 0;  // every layer's outputs: what one inference writes
  int64_t unknown_cost_layers = 0;
};

class LayerGraph {
 public:
  std::string model_name;
  std::vector<TensorInfo> inputs;    // model inputs (initializers excluded), resolved shapes
  std::vector<TensorInfo> outputs;   // model outputs
  LayerDag dag;                      // layers renumbered in topological order
  std::vector<GraphTensor> tensors;  // activation tensors between layers
  // cut_bytes[k]: bytes of all tensors produced at positions <= k (model inputs at position -1)
  // and read at positions > k: what crosses the network if layers 0..k run before the cut.
  std::vector<int64_t> cut_bytes;
  // download_bytes[k]: bytes of model outputs produced at positions > k (they must come back).
  std::vector<int64_t> download_bytes;
  int64_t input_cut_bytes = 0;       // the cut before any layer: all model inputs
  int64_t input_download_bytes = 0;  // with nothing on the phone: every model output comes back
  // Bytes coming back after a cut after `position` (-1 = everything remote).
  int64_t download_after(int position) const {
    return position < 0 ? input_download_bytes : download_bytes.at(static_cast<size_t>(position));
  }
  GraphTotals totals;
  std::vector<std::string> warnings;  // e.g. "unknown operator 'Foo' in node 'bar': not costed"

  size_t size() const { return boost::num_vertices(dag); }
  const Layer& layer(size_t index) const { return dag[index]; }
  Layer& layer(size_t index) { return dag[index]; }
  // Bytes crossing a cut after `position` (-1 = before everything).
  int64_t cut_after(int position) const {
    return position < 0 ? input_cut_bytes : cut_bytes.at(static_cast<size_t>(position));
  }
};

// Recomputes tensors' producer/consumer lists, cut_bytes, download_bytes and totals from the
// layers and edges (layers must already be in topological order). O(layers + tensors).
void finalize_layer_graph(LayerGraph& graph, int64_t params);

}  // namespace dnntune
