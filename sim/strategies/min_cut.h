#pragma once
// The optimal two-way partition of a layer DAG as a minimum s-t cut (DADS, Hu et al.,
// INFOCOM 2019), solved with Boost.Graph's boykov_kolmogorov_max_flow.
//
// Side A is the source side (the phone, or processor A), side B the sink side (the cloud, or
// processor B). The cut minimises exactly
//   J(B) = sum_{v in A} a_cost[v] + sum_{v in B} b_cost[v]
//        + sum over tensors t whose producer is in A (model inputs: always A) and that at least
//              one layer in B reads:                                   a_to_b[t]
//        + sum over tensors t whose producer is in B and that at least one layer in A reads:
//                                                                      b_to_a[t]
//        + (B non-empty ? b_fixed : 0)
// subject, when forbid_b_to_a is set, to A being a down-set (no layer in A reads a tensor made in
// B: nothing comes back before the end of the request). A tensor read by several layers on the
// other side is paid once: an auxiliary node per tensor (producer -> aux: the transfer cost,
// aux -> each reader: infinite). b_fixed (rtt, radio promotion) is not a cut term: the best
// non-empty B from the flow is compared with B empty.
#include <vector>

#include "traces/graph/layer_graph.h"

namespace dnntune::sim {

// Any cost at or above this makes a side impossible for a layer (it cannot run there).
constexpr double kForbiddenCost = 1e15;

struct TwoWayCosts {
  std::vector<double> a_cost, b_cost;  // per layer
  std::vector<double> a_to_b, b_to_a;  // per LayerGraph::tensors entry
  double b_fixed = 0;
  bool forbid_b_to_a = false;
};

struct TwoWayCut {
  std::vector<bool> in_b;  // per layer
  double objective = 0;    // J(B)
  bool feasible = true;    // false when every partition pays a forbidden cost
};

// Contract: vectors sized to the graph's layers and tensors; costs >= 0.
TwoWayCut min_two_way_cut(const LayerGraph& graph, const TwoWayCosts& costs);

// J(B) evaluated directly (for brute force and reports); +infinity when forbid_b_to_a is set
// and A is not a down-set.
double two_way_objective(const LayerGraph& graph, const TwoWayCosts& costs,
                         const std::vector<bool>& in_b);

}  // namespace dnntune::sim
