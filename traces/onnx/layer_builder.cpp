// ONNX nodes -> fused layers -> LayerGraph.
#include <algorithm>
#include <map>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"
#include "traces/onnx/node_cost.h"
#include "traces/onnx/shape_resolver.h"

namespace dnntune {

void validate_initializers(const onnx::ModelProto& model,
                           const std::string& source);  // onnx_reader.cpp

namespace {

std::string node_label(const onnx::NodeProto& n) {
  return n.op_type() + " node '" +
         (n.name().empty() ? (n.output_size() ? n.output(0) : "?") : n.name()) + "'";
}

// Every node input must be produced by a node, be an initializer or a model input; the node graph
// must be acyclic. Returns node indices in topological order, ties broken by file order (the order
// an exporter wrote, which is the order people read) -- hence Kahn's algorithm with a min-heap.
std::vector<int> check_and_sort_nodes(const onnx::GraphProto& g, const std::string& source) {
  std::unordered_set<std::string> available;
  for (const auto& t : g.initializer()) available.insert(t.name());
  for (const auto& v : g.input()) available.insert(v.name());
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto& o : g.node(i).output()) {
      if (o.empty()) continue;
      if (!producer.emplace(o, i).second || available.count(o))
        throw InputError(source, "tensor '" + o + "' is produced twice (again by " +
                                     node_label(g.node(i)) + ")");
    }
  const int n = g.node_size();
  std::vector<std::vector<int>> readers(static_cast<size_t>(n));
  std::vector<int> pending(static_cast<size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    std::set<int> deps;
    for (const auto& in : g.node(i).input()) {
      if (in.empty() || available.count(in)) continue;
      auto it = producer.find(in);
      if (it == producer.end())
        throw InputError(
            source, node_label(g.node(i)) + " reads tensor '" + in + "', which nothing produces");
      deps.insert(it->second);
    }
    for (int d : deps) readers[static_cast<size_t>(d)].push_back(i);
    pending[static_cast<size_t>(i)] = static_cast<int>(deps.size());
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (pending[static_cast<size_t>(i)] == 0) ready.push(i);
  std::vector<int> order;
  order.reserve(static_cast<size_t>(n));
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int r : readers[static_cast<size_t>(i)])
      if (--pending[static_cast<size_t>(r)] == 0) ready.push(r);
  }
  if (static_cast<int>(order.size()) != n) {
    for (int i = 0; i < n; ++i)
      if (pending[static_cast<size_t>(i)] > 0)
        throw InputError(source, "the graph has a cycle through " + node_label(g.node(i)));
  }
  return order;
}

nlohmann::json attribute_to_json(const onnx::AttributeProto& a) {
  using AP = onnx::AttributeProto;
  switch (a.type()) {
    case AP::INT:
      return a.i();
    case AP::FLOAT:
      return a.f();
    case AP::STRING:
      return a.s();
    case AP::INTS:
      return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case AP::FLOATS:
      return std::vector<float>(a.floats().begin(), a.floats().end());
    case AP::STRINGS:
      return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case AP::TENSOR:
      return "tensor " + shape_to_string({a.t().dims().begin(), a.t().dims().end()});
    case AP::GRAPH:
      return "graph (" + std::to_string(a.g().node_size()) + " nodes)";
    default:
      return "unsupported attribute type";
  }
}

bool contains(const std::vector<std::string>& ops, const std::string& op) {
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

struct BuildState {
  const onnx::GraphProto& g;
  const ResolvedShapes& shapes;
  std::vector<int> order;       // node indices, topological
  std::vector<bool> is_static;  // per node: computed at load time (folded away)
  std::unordered_set<std::string> static_tensors;
  std::unordered_set<std::string> model_outputs;
  std::unordered_map<std::string, std::vector<int>> readers;  // tensor -> non-static reader nodes
  std::vector<int> group_of;                                  // per node, -1 = not a layer
};

// Static: initializers, folded integers, and everything computed only from them or from shapes.
void mark_static_nodes(BuildState& s) {
  for (const auto& t : s.g.initializer()) s.static_tensors.insert(t.name());
  for (const auto& [name, v] : s.shapes.folded) s.static_tensors.insert(name);
  s.is_static.assign(static_cast<size_t>(s.g.node_size()), false);
  for (int i : s.order) {
    const auto& node = s.g.node(i);
    bool all_static = node.op_type() == "Shape" || node.op_type() == "Size";
    if (!all_static) {
      all_static = true;
      for (const auto& in : node.input())
        all_static = all_static && (in.empty() || s.static_tensors.count(in));
    }
    for (const auto& o : node.output()) all_static = all_static && !s.model_outputs.count(o);
    if (!all_static || node.op_type() == "If" || node.op_type() == "Loop") continue;
    s.is_static[static_cast<size_t>(i)] = true;
    for (const auto& o : node.output()) s.static_tensors.insert(o);
  }
  for (int i : s.order) {
    if (s.is_static[static_cast<size_t>(i)]) continue;
    for (const auto& in : s.g.node(i).input())
      if (!in.empty() && !s.static_tensors.count(in)) s.readers[in].push_back(i);
  }
}

// The single activation output of `node` read by exactly one node and not a model output, or "".
std::string sole_private_output(const BuildState& s, const onnx::NodeProto& node) {
  std::string out;
  for (const auto& o : node.output()) {
    if (o.empty()) continue;
    auto it = s.readers.find(o);
    const bool used = it != s.readers.end() || s.model_outputs.count(o);
    if (!used) continue;
    if (!out.empty()) return "";
    out = o;
  }
  if (out.empty() || s.model_outputs.count(out)) return "";
  auto it = s.readers.find(out);
  return (it != s.readers.end() && it->second.size() == 1) ? out : "";
}

// Greedy fusion along chains, following the rules' patterns in order.
std::vector<std::vector<int>> group_nodes(BuildState& s, const FusionRules& rules) {
  std::vector<std::vector<int>> groups;
  s.group_of.assign(static_cast<size_t>(s.g.node_size()), -1);
  for (int i : s.order) {
    if (s.is_static[static_cast<size_t>(i)] || s.group_of[static_cast<size_t>(i)] >= 0) continue;
    const int gid = static_cast<int>(groups.size());
    groups.push_back({i});
    s.group_of[static_cast<size_t>(i)] = gid;
    const std::string& op = s.g.node(i).op_type();
    const FusionRule* rule = nullptr;
    for (const auto& r : rules)
      if (contains(r.anchor_ops, op)) {
        rule = &r;
        break;
      }
    if (!rule) continue;
    int cur = i;
    for (const auto& step : rule->steps) {
      const std::string out = sole_private_output(s, s.g.node(cur));
      int next = -1;
      if (!out.empty()) {
        const int m = s.readers.at(out)[0];
        const auto& mn = s.g.node(m);
        bool others_static = true;
        for (const auto& in : mn.input())
          others_static = others_static && (in.empty() || in == out || s.static_tensors.count(in));
        if (s.group_of[static_cast<size_t>(m)] < 0 && contains(step.ops, mn.op_type()) &&
            others_static)
          next = m;
      }
      if (next >= 0) {
        groups.back().push_back(next);
        s.group_of[static_cast<size_t>(next)] = gid;
        cur = next;
      } else if (!step.optional) {
        break;
      }
    }
  }
  return groups;
}

}  // namespace

LayerGraph build_layer_graph(onnx::ModelProto model, const std::string& source,
                             const LoadOptions& options) {
  if (!model.has_graph() || model.graph().node_size() == 0)
    throw InputError(source, "not an ONNX model: no graph nodes");
  {  // Shape resolution walks nodes in file order: give it a topological one.
    google::protobuf::RepeatedPtrField<onnx::NodeProto> sorted;
    for (int i : check_and_sort_nodes(model.graph(), source)) *sorted.Add() = model.graph().node(i);
    model.mutable_graph()->mutable_node()->Swap(&sorted);
  }
  const ResolvedShapes shapes = resolve_shapes(model, source, options);
  const onnx::GraphProto& g = model.graph();
  // Resolving may have inlined If branches decided at load time; the node list stays topological
  // (branch nodes only read values that exist before the If), so file order is the order.
  std::vector<int> order(static_cast<size_t>(g.node_size()));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);

  BuildState s{g, shapes, order, {}, {}, {}, {}, {}};
  for (const auto& o : g.output()) s.model_outputs.insert(o.name());
  mark_static_nodes(s);
  const auto groups = group_nodes(s, options.fusion);

  const TensorLookup lookup = [&](const std::string& name) -> const TensorInfo* {
    auto it = shapes.tensors.find(name);
    return it == shapes.tensors.end() ? nullptr : &it->second;
  };
  auto info = [&](const std::string& name) {
    const TensorInfo* t = lookup(name);
    TensorInfo r = t ? *t : TensorInfo{name, {}, DType::kUnknown};
    r.name = name;
    return r;
  };

  LayerGraph graph;
  graph.model_name = source;
  std::unordered_set<std::string> init_names;
  int64_t params = 0;
  for (const auto& t : g.initializer()) {
    init_names.insert(t.name());
    if (dtype_is_float(dtype_from_onnx(t.data_type())))
      params += checked_elements({t.dims().begin(), t.dims().end()});
  }
  for (const auto& v : g.input())
    if (!init_names.count(v.name())) graph.inputs.push_back(info(v.name()));
  for (const auto& v : g.output()) graph.outputs.push_back(info(v.name()));

  std::unordered_map<std::string, int> producer_layer;
  for (size_t gi = 0; gi < groups.size(); ++gi)
    for (int ni : groups[gi])
      for (const auto& o : g.node(ni).output())
        if (!o.empty()) producer_layer[o] = static_cast<int>(gi);

  for (size_t gi = 0; gi < groups.size(); ++gi) {
    Layer layer;
    const auto& anchor = g.node(groups[gi][0]);
    layer.kind = anchor.op_type();
    layer.name =
        anchor.name().empty() ? anchor.op_type() + "_" + std::to_string(gi) : anchor.name();
    for (const auto& a : anchor.attribute()) layer.attributes[a.name()] = attribute_to_json(a);
    std::set<std::string> seen_in, seen_w;
    for (int ni : groups[gi]) {
      const auto& node = g.node(ni);
      layer.ops.push_back(node.op_type());
      layer.nodes.push_back(node.name());
      for (const auto& in : node.input()) {
        if (in.empty()) continue;
        auto p = producer_layer.find(in);
        if (p != producer_layer.end() && p->second == static_cast<int>(gi)) continue;
        if (s.static_tensors.count(in)) {
          TensorInfo w = info(in);
          if (dtype_is_float(w.dtype) && seen_w.insert(in).second) layer.weights.push_back(w);
        } else if (seen_in.insert(in).second) {
          layer.inputs.push_back(info(in));
        }
      }
      for (const auto& o : node.output()) {
        if (o.empty()) continue;
        auto r = s.readers.find(o);
        bool external = s.model_outputs.count(o) > 0;
        if (r != s.readers.end())
          for (int reader : r->second)
            external = external || s.group_of[static_cast<size_t>(reader)] != static_cast<int>(gi);
        if (external) layer.outputs.push_back(info(o));
      }
      if (const std::string bad = check_node_dimensions(node, lookup); !bad.empty())
        throw InputError(source, node_label(node) + ": " + bad);
      const NodeCost cost = node_cost(node, lookup);
      layer.macs += cost.macs;
      layer.flops += cost.flops;
      if (!cost.known) {
        layer.unknown_cost = true;
        graph.warnings.push_back("unknown operator '" + cost.unknown_op + "' in " +
                                 node_label(node) + ": not costed (layer '" + layer.name +
                                 "' flagged unknown_cost)");
      }
    }
    for (const auto& w : layer.weights) {
      layer.weight_elements += w.elements();
      layer.weight_bytes += w.bytes();
    }
    for (const auto& t : layer.inputs) layer.input_bytes += t.bytes();
    for (const auto& t : layer.outputs) layer.output_bytes += t.bytes();
    boost::add_vertex(std::move(layer), graph.dag);
  }
  for (size_t gi = 0; gi < groups.size(); ++gi)
    for (const auto& in : graph.dag[gi].inputs) {
      auto p = producer_layer.find(in.name);
      if (p != producer_layer.end())
        boost::add_edge(static_cast<size_t>(p->second), gi, TensorEdge{in.name, in.bytes()},
                        graph.dag);
    }
  finalize_layer_graph(graph, params);
  return graph;
}

LayerGraph load_layer_graph(const std::string& model, const LoadOptions& options) {
  return build_layer_graph(read_model_proto(model), model, options);
}

}  // namespace dnntune
