#include "sim/cost_table.h"

#include <stdexcept>

namespace dnntune::sim {

CostTable CostTable::build(const LayerGraph& graph, const Scenario& scenario) {
  CostTable t;
  t.layers_ = static_cast<int>(graph.size());
  t.resources_ = scenario.resource_count();
  t.cells_.resize(static_cast<size_t>(t.layers_) * t.resources_);
  t.reasons_.resize(t.cells_.size());
  t.prefix_latency_ms_.assign(t.resources_, std::vector<double>(t.layers_ + 1, 0.0));
  t.prefix_energy_mJ_.assign(t.resources_, std::vector<double>(t.layers_ + 1, 0.0));
  t.prefix_infeasible_.assign(t.resources_, std::vector<int>(t.layers_ + 1, 0));
  // Every resource is costed as if it held the whole model (the weights a split leaves on the
  // phone are a prefix; the bound matters only for weight-heavy layers of models beyond the cache).
  const hw::ModelContext context = hw::ModelContext::of_model(graph.totals);
  for (int r = 0; r < t.resources_; ++r) {
    const Resource& res = scenario.resource(r);
    if (res.model == nullptr) throw std::logic_error("CostTable: resource without a latency model");
    for (int i = 0; i < t.layers_; ++i) {
      const Layer& layer = graph.layer(static_cast<size_t>(i));
      const hw::LayerEstimate est = res.model->estimate(layer, context);
      LayerCost& cell = t.cells_[t.index(i, r)];
      cell.feasible = est.status.feasible && est.latency_ms >= 0 && est.power_W >= 0;
      cell.latency_ms = cell.feasible ? est.latency_ms : 0.0;
      cell.power_W = cell.feasible ? est.power_W : 0.0;
      if (!cell.feasible)
        t.reasons_[t.index(i, r)] =
            res.name + " cannot run layer '" + layer.name + "' (#" + std::to_string(i) +
            "): " + (est.status.reason.empty() ? "negative estimate" : est.status.reason);
      t.prefix_latency_ms_[r][i + 1] = t.prefix_latency_ms_[r][i] + cell.latency_ms;
      t.prefix_energy_mJ_[r][i + 1] = t.prefix_energy_mJ_[r][i] + cell.energy_mJ();
      t.prefix_infeasible_[r][i + 1] = t.prefix_infeasible_[r][i] + (cell.feasible ? 0 : 1);
    }
  }
  return t;
}

const std::string& CostTable::reason(int layer, int resource) const {
  return reasons_[index(layer, resource)];
}

double CostTable::latency_sum_ms(int r, int begin, int end) const {
  return prefix_latency_ms_[r][end] - prefix_latency_ms_[r][begin];
}
double CostTable::energy_sum_mJ(int r, int begin, int end) const {
  return prefix_energy_mJ_[r][end] - prefix_energy_mJ_[r][begin];
}
int CostTable::infeasible_count(int r, int begin, int end) const {
  return prefix_infeasible_[r][end] - prefix_infeasible_[r][begin];
}
int CostTable::first_infeasible(int r, int begin, int end) const {
  if (infeasible_count(r, begin, end) == 0) return -1;
  for (int i = begin; i < end; ++i)
    if (!at(i, r).feasible) return i;
  return -1;
}

}  // namespace dnntune::sim
