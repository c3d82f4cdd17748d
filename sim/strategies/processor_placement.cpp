#include "sim/strategies/processor_placement.h"

#include <limits>

#include "sim/strategies/cut_costs.h"

namespace dnntune::sim {

bool is_chain(const LayerGraph& graph) {
  for (const GraphTensor& t : graph.tensors) {
    if (t.producer < 0) continue;
    for (int c : t.consumers)
      if (c != t.producer + 1) return false;
  }
  return true;
}

namespace {

// Per layer and processor cost, and the copy cost of each tensor, under the objective.
// Reuses processor_pair_costs (a_cost = processor p) so the two methods agree on every term.
struct PhoneCosts {
  std::vector<std::vector<double>> layer;  // [processor][layer]
  std::vector<double> copy;                // [tensor]
};

PhoneCosts phone_costs(const LayerGraph& graph, const Scenario& scenario, const CostTable& table,
                       const ObjectiveSpec& spec) {
  const int processors = static_cast<int>(scenario.phone.size());
  PhoneCosts costs;
  for (int p = 0; p < processors; ++p) {
    const TwoWayCosts c = processor_pair_costs(graph, scenario, table, p, p, spec);
    costs.layer.push_back(c.a_cost);
    if (p == 0) costs.copy = c.a_to_b;
  }
  return costs;
}

ProcessorPlacement chain_dp(const LayerGraph& graph, const Scenario& scenario,
                            const CostTable& table, const ObjectiveSpec& spec) {
  const int n = static_cast<int>(graph.size());
  const int processors = static_cast<int>(scenario.phone.size());
  const PhoneCosts costs = phone_costs(graph, scenario, table, spec);
  // transition[i]: copy cost of what layer i-1 hands to layer i.
  std::vector<double> transition(n, 0.0);
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const GraphTensor& tensor = graph.tensors[t];
    if (tensor.producer >= 0 && !tensor.consumers.empty())
      transition[tensor.producer + 1] += costs.copy[t];
  }
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> best(n, std::vector<double>(processors, inf));
  std::vector<std::vector<int>> from(n, std::vector<int>(processors, -1));
  for (int i = 0; i < n; ++i) {
    for (int q = 0; q < processors; ++q) {
      if (i == 0) {
        best[i][q] = costs.layer[q][i];
        continue;
      }
      for (int p = 0; p < processors; ++p) {
        const double value = best[i - 1][p] + (p == q ? 0.0 : transition[i]) + costs.layer[q][i];
        if (value < best[i][q]) {
          best[i][q] = value;
          from[i][q] = p;
        }
      }
    }
  }
  ProcessorPlacement result;
  result.method = "chain-dp";
  result.placement.resource_of_layer.assign(n, 0);
  if (n == 0) return result;
  int q = 0;
  for (int p = 1; p < processors; ++p)
    if (best[n - 1][p] < best[n - 1][q]) q = p;
  result.objective = best[n - 1][q];
  for (int i = n - 1; i >= 0; --i) {
    result.placement.resource_of_layer[i] = q;
    if (i > 0) q = from[i][q];
  }
  return result;
}

ProcessorPlacement pairwise_cut(const LayerGraph& graph, const Scenario& scenario,
                                const CostTable& table, const ObjectiveSpec& spec) {
  const int n = static_cast<int>(graph.size());
  const int processors = static_cast<int>(scenario.phone.size());
  ProcessorPlacement result;
  result.method = "pairwise-min-cut";
  result.objective = std::numeric_limits<double>::infinity();
  result.placement = Placement::all_on(n, 0);
  for (int a = 0; a < processors; ++a) {
    for (int b = a + 1; b < processors; ++b) {
      const TwoWayCut cut =
          min_two_way_cut(graph, processor_pair_costs(graph, scenario, table, a, b, spec));
      if (cut.objective < result.objective) {
        result.objective = cut.objective;
        for (int v = 0; v < n; ++v) result.placement.resource_of_layer[v] = cut.in_b[v] ? b : a;
      }
    }
  }
  if (processors == 1) {
    const TwoWayCosts c = processor_pair_costs(graph, scenario, table, 0, 0, spec);
    result.objective = two_way_objective(graph, c, std::vector<bool>(n, false));
  }
  return result;
}

}  // namespace

ProcessorPlacement place_on_processors(const LayerGraph& graph, const Scenario& scenario,
                                       const CostTable& table, const ObjectiveSpec& spec) {
  return is_chain(graph) ? chain_dp(graph, scenario, table, spec)
                         : pairwise_cut(graph, scenario, table, spec);
}

}  // namespace dnntune::sim
