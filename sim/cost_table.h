#pragma once
// Every layer's latency and power on every resource, asked of the LayerLatencyModels once.
// All evaluations (one placement, all splits, min-cut, DP) read this table, so scoring every
// split is O(layers) per network with the prefix sums below.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "traces/graph/layer_graph.h"

namespace dnntune::sim {

struct LayerCost {
  double latency_ms = 0;
  double power_W = 0;
  bool feasible = true;
  double energy_mJ() const { return latency_ms * power_W; }  // W * ms = mJ
};

// Contract: built from one graph and one scenario; it keeps no pointer to either. Indices are
// (layer in topological order, resource as in Scenario).
class CostTable {
 public:
  static CostTable build(const LayerGraph& graph, const Scenario& scenario);

  int layers() const { return layers_; }
  int resources() const { return resources_; }
  const LayerCost& at(int layer, int resource) const { return cells_[index(layer, resource)]; }
  // Why a cell is infeasible ("" when feasible): "<resource> cannot run layer 'x' (#i): why".
  const std::string& reason(int layer, int resource) const;

  // Sums over layers [0, k) on one resource: prefix_*[r][k]. Infeasible cells add 0 latency
  // and 1 to prefix_infeasible, so a range is feasible when its infeasible count is 0.
  double latency_sum_ms(int resource, int begin, int end) const;
  double energy_sum_mJ(int resource, int begin, int end) const;
  int infeasible_count(int resource, int begin, int end) const;
  // First infeasible layer in [begin, end) on a resource, or -1.
  int first_infeasible(int resource, int begin, int end) const;

 private:
  size_t index(int layer, int resource) const {
    return static_cast<size_t>(layer) * resources_ + resource;
  }
  int layers_ = 0;
  int resources_ = 0;
  std::vector<LayerCost> cells_;
  std::vector<std::string> reasons_;  // same indexing; empty when feasible
  std::vector<std::vector<double>> prefix_latency_ms_, prefix_energy_mJ_;
  std::vector<std::vector<int>> prefix_infeasible_;
};

}  // namespace dnntune::sim
