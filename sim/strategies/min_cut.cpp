#include "sim/strategies/min_cut.h"

// Boost.Graph 1.74's edge iterators trip GCC 12's -Wmaybe-uninitialized (a known false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>
#include <limits>
#include <queue>
#include <stdexcept>

namespace dnntune::sim {

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS,
    boost::property<
        boost::vertex_color_t, boost::default_color_type,
        boost::property<boost::vertex_distance_t, long,
                        boost::property<boost::vertex_predecessor_t, Traits::edge_descriptor>>>,
    boost::property<
        boost::edge_capacity_t, double,
        boost::property<boost::edge_residual_capacity_t, double,
                        boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
using Vertex = Traits::vertex_descriptor;

// Infinite edges: larger than any finite objective, small enough to add without overflow.
constexpr double kInfiniteCapacity = 1e18;
constexpr double kResidualEpsilon = 1e-9;

class FlowBuilder {
 public:
  explicit FlowBuilder(size_t vertices) : graph_(vertices) {}
  void add(Vertex from, Vertex to, double capacity) {
    if (capacity <= 0) return;
    auto cap = boost::get(boost::edge_capacity, graph_);
    auto rev = boost::get(boost::edge_reverse, graph_);
    const auto forward = boost::add_edge(from, to, graph_).first;
    const auto backward = boost::add_edge(to, from, graph_).first;
    cap[forward] = capacity;
    cap[backward] = 0;
    rev[forward] = backward;
    rev[backward] = forward;
  }
  Vertex add_vertex() { return boost::add_vertex(graph_); }
  FlowGraph& graph() { return graph_; }

 private:
  FlowGraph graph_;
};

}  // namespace

double two_way_objective(const LayerGraph& graph, const TwoWayCosts& costs,
                         const std::vector<bool>& in_b) {
  double j = 0;
  bool any_b = false;
  for (size_t v = 0; v < graph.size(); ++v) {
    j += in_b[v] ? costs.b_cost[v] : costs.a_cost[v];
    any_b = any_b || in_b[v];
  }
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const GraphTensor& tensor = graph.tensors[t];
    const bool producer_b = tensor.producer >= 0 && in_b[tensor.producer];
    bool read_in_a = false, read_in_b = false;
    for (int c : tensor.consumers) (in_b[c] ? read_in_b : read_in_a) = true;
    if (!producer_b && read_in_b) j += costs.a_to_b[t];
    if (producer_b && read_in_a) {
      if (costs.forbid_b_to_a) return std::numeric_limits<double>::infinity();
      j += costs.b_to_a[t];
    }
  }
  return any_b ? j + costs.b_fixed : j;
}

TwoWayCut min_two_way_cut(const LayerGraph& graph, const TwoWayCosts& costs) {
  const size_t n = graph.size();
  if (costs.a_cost.size() != n || costs.b_cost.size() != n ||
      costs.a_to_b.size() != graph.tensors.size() || costs.b_to_a.size() != graph.tensors.size())
    throw std::invalid_argument("min_two_way_cut: cost vectors do not match the graph");
  // Vertices: layers 0..n-1, then source, sink, then auxiliary tensor nodes.
  FlowBuilder flow(n + 2);
  const Vertex source = n, sink = n + 1;
  auto clamp = [](double c) { return c >= kForbiddenCost ? kInfiniteCapacity : c; };
  for (size_t v = 0; v < n; ++v) {
    flow.add(source, v, clamp(costs.b_cost[v]));  // cut when v is in B
    flow.add(v, sink, clamp(costs.a_cost[v]));    // cut when v is in A
  }
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const GraphTensor& tensor = graph.tensors[t];
    if (tensor.consumers.empty()) continue;
    const Vertex producer = tensor.producer < 0 ? source : static_cast<Vertex>(tensor.producer);
    // A -> B, paid once: producer -> aux (cost), aux -> every reader (infinite).
    if (costs.a_to_b[t] > 0) {
      if (tensor.consumers.size() == 1) {
        flow.add(producer, tensor.consumers.front(), costs.a_to_b[t]);
      } else {
        const Vertex aux = flow.add_vertex();
        flow.add(producer, aux, costs.a_to_b[t]);
        for (int c : tensor.consumers) flow.add(aux, c, kInfiniteCapacity);
      }
    }
    if (tensor.producer < 0) continue;  // model inputs are on side A
    if (costs.forbid_b_to_a) {
      for (int c : tensor.consumers) flow.add(c, producer, kInfiniteCapacity);
    } else if (costs.b_to_a[t] > 0) {
      // B -> A, paid once: every reader -> aux (infinite), aux -> producer (cost).
      if (tensor.consumers.size() == 1) {
        flow.add(tensor.consumers.front(), producer, costs.b_to_a[t]);
      } else {
        const Vertex aux = flow.add_vertex();
        for (int c : tensor.consumers) flow.add(c, aux, kInfiniteCapacity);
        flow.add(aux, producer, costs.b_to_a[t]);
      }
    }
  }
  FlowGraph& g = flow.graph();
  boost::boykov_kolmogorov_max_flow(g, source, sink);

  // Source side = vertices reachable from the source in the residual graph.
  auto residual = boost::get(boost::edge_residual_capacity, g);
  std::vector<char> reachable(boost::num_vertices(g), 0);
  std::queue<Vertex> queue;
  queue.push(source);
  reachable[source] = 1;
  while (!queue.empty()) {
    const Vertex u = queue.front();
    queue.pop();
    for (auto [e, end] = boost::out_edges(u, g); e != end; ++e) {
      const Vertex w = boost::target(*e, g);
      if (!reachable[w] && residual[*e] > kResidualEpsilon) {
        reachable[w] = 1;
        queue.push(w);
      }
    }
  }
  TwoWayCut cut;
  cut.in_b.resize(n);
  bool any_b = false;
  for (size_t v = 0; v < n; ++v) {
    cut.in_b[v] = !reachable[v];
    any_b = any_b || cut.in_b[v];
  }
  cut.objective = two_way_objective(graph, costs, cut.in_b);
  if (any_b) {
    const std::vector<bool> all_a(n, false);
    const double all_a_objective = two_way_objective(graph, costs, all_a);
    if (all_a_objective <= cut.objective) {
      cut.in_b = all_a;
      cut.objective = all_a_objective;
    }
  }
  cut.feasible = cut.objective < kForbiddenCost;
  return cut;
}

}  // namespace dnntune::sim
