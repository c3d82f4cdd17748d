#include "traces/graph/layer_graph.h"

#include <map>
#include <set>

namespace dnntune {

void finalize_layer_graph(LayerGraph& graph, int64_t params) {
  const int n = static_cast<int>(graph.size());
  // Activation tensors: model inputs (producer -1) and every layer output.
  std::map<std::string, size_t> index;
  graph.tensors.clear();
  auto tensor_for = [&](const TensorInfo& t, int producer) -> GraphTensor& {
    auto [it, fresh] = index.emplace(t.name, graph.tensors.size());
    if (fresh) graph.tensors.push_back(GraphTensor{t, producer, {}, false});
    return graph.tensors[it->second];
  };
  for (const auto& in : graph.inputs) tensor_for(in, -1);
  for (int i = 0; i < n; ++i)
    for (const auto& out : graph.layer(static_cast<size_t>(i)).outputs) tensor_for(out, i);
  for (int i = 0; i < n; ++i)
    for (const auto& in : graph.layer(static_cast<size_t>(i)).inputs) {
      auto it = index.find(in.name);
      if (it != index.end()) graph.tensors[it->second].consumers.push_back(i);
    }
  for (const auto& out : graph.outputs) {
    auto it = index.find(out.name);
    if (it != index.end()) graph.tensors[it->second].is_model_output = true;
  }

  // A tensor produced at position p and last read at position c crosses every cut k with
  // p <= k < c. Difference array over positions -1..n-1 (shifted by one): O(layers + tensors).
  std::vector<int64_t> diff(static_cast<size_t>(n) + 2, 0);
  std::vector<int64_t> download_diff(static_cast<size_t>(n) + 2, 0);
  for (const auto& t : graph.tensors) {
    int last = -2;
    for (int c : t.consumers) last = std::max(last, c);
    if (last > t.producer) {
      diff[static_cast<size_t>(t.producer + 1)] += t.info.bytes();
      diff[static_cast<size_t>(last + 1)] -= t.info.bytes();
    }
    // A model output produced after the cut is computed remotely and must come back:
    // it counts for every cut k < p.
    if (t.is_model_output && t.producer >= 0) {
      download_diff[0] += t.info.bytes();
      download_diff[static_cast<size_t>(t.producer + 1)] -= t.info.bytes();
    }
  }
  graph.cut_bytes.assign(static_cast<size_t>(n), 0);
  graph.download_bytes.assign(static_cast<size_t>(n), 0);
  int64_t running = diff[0], running_down = download_diff[0];
  graph.input_cut_bytes = running;
  graph.input_download_bytes = running_down;
  for (int k = 0; k < n; ++k) {
    running += diff[static_cast<size_t>(k + 1)];
    running_down += download_diff[static_cast<size_t>(k + 1)];
    graph.cut_bytes[static_cast<size_t>(k)] = running;
    graph.download_bytes[static_cast<size_t>(k)] = running_down;
  }

  GraphTotals totals;
  totals.layers = n;
  totals.params = params;
  std::set<std::string> weights_seen;  // a weight shared by several layers is stored once
  for (int i = 0; i < n; ++i) {
    const Layer& l = graph.layer(static_cast<size_t>(i));
    totals.macs += l.macs;
    totals.flops += l.flops;
    totals.activation_bytes += l.output_bytes;
    for (const auto& w : l.weights)
      if (weights_seen.insert(w.name).second) totals.weight_bytes += w.bytes();
    totals.unknown_cost_layers += l.unknown_cost ? 1 : 0;
  }
  graph.totals = totals;
}

}  // namespace dnntune
