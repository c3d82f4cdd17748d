#include "sim/strategies/cut_costs.h"

#include <stdexcept>

namespace dnntune::sim {

namespace {

constexpr double kMilliwattsPerWatt = 1e3;

struct Terms {
  TwoWayCosts latency, energy;
};

TwoWayCosts sized(const LayerGraph& graph) {
  TwoWayCosts c;
  c.a_cost.assign(graph.size(), 0.0);
  c.b_cost.assign(graph.size(), 0.0);
  c.a_to_b.assign(graph.tensors.size(), 0.0);
  c.b_to_a.assign(graph.tensors.size(), 0.0);
  return c;
}

double cell_or_forbidden(const CostTable& table, int layer, int resource, double value) {
  return table.at(layer, resource).feasible ? value : kForbiddenCost;
}

TwoWayCosts combine(const Terms& terms, const ObjectiveSpec& spec) {
  switch (spec.objective) {
    case Objective::kLatency:
      return terms.latency;
    case Objective::kEnergy:
      return terms.energy;
    case Objective::kWeighted:
      break;
    case Objective::kCost:
      throw std::invalid_argument("cut costs: the cost objective has no cut");
  }
  const double wl = spec.latency_weight / spec.latency_ref_ms;
  const double we = (1 - spec.latency_weight) / spec.energy_ref_mJ;
  TwoWayCosts c = terms.latency;
  auto mix = [&](std::vector<double>& out, const std::vector<double>& l,
                 const std::vector<double>& e) {
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = (l[i] >= kForbiddenCost || e[i] >= kForbiddenCost) ? kForbiddenCost
                                                                  : wl * l[i] + we * e[i];
  };
  mix(c.a_cost, terms.latency.a_cost, terms.energy.a_cost);
  mix(c.b_cost, terms.latency.b_cost, terms.energy.b_cost);
  mix(c.a_to_b, terms.latency.a_to_b, terms.energy.a_to_b);
  mix(c.b_to_a, terms.latency.b_to_a, terms.energy.b_to_a);
  c.b_fixed = wl * terms.latency.b_fixed + we * terms.energy.b_fixed;
  return c;
}

}  // namespace

TwoWayCosts phone_cloud_costs(const LayerGraph& graph, const Scenario& scenario,
                              const CostTable& table, int processor, const ObjectiveSpec& spec) {
  const int cloud = scenario.cloud_index();
  const hw::LinkSpec& link = scenario.link;
  const hw::RadioPowerModel& radio = link.radio;
  const double idle_W = scenario.phone_idle_power_W;
  const double up_W =
      (radio.alpha_up_mW_per_Mbps * link.uplink_mbps + radio.beta_mW) / kMilliwattsPerWatt;
  const double down_W =
      (radio.alpha_down_mW_per_Mbps * link.downlink_mbps + radio.beta_mW) / kMilliwattsPerWatt;
  const double wait_W = radio.tail_states.empty() ? 0.0 : radio.tail_states.front().power_W;
  double promotion_and_tail_mJ = radio.promotion_W * radio.promotion_s * 1e3;
  for (const auto& state : radio.tail_states)
    promotion_and_tail_mJ += state.power_W * state.duration_s * 1e3;

  Terms terms{sized(graph), sized(graph)};
  for (int v = 0; v < static_cast<int>(graph.size()); ++v) {
    const LayerCost& phone = table.at(v, processor);
    const LayerCost& in_cloud = table.at(v, cloud);
    terms.latency.a_cost[v] = cell_or_forbidden(table, v, processor, phone.latency_ms);
    terms.energy.a_cost[v] = cell_or_forbidden(table, v, processor, phone.energy_mJ());
    terms.latency.b_cost[v] = cell_or_forbidden(table, v, cloud, in_cloud.latency_ms);
    terms.energy.b_cost[v] =
        cell_or_forbidden(table, v, cloud, (idle_W + wait_W) * in_cloud.latency_ms);
  }
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const GraphTensor& tensor = graph.tensors[t];
    const int64_t bytes = tensor.info.bytes();
    const double up_ms = link.upload_ms(bytes);
    terms.latency.a_to_b[t] = up_ms;
    terms.energy.a_to_b[t] = (idle_W + up_W) * up_ms;
    if (tensor.is_model_output && tensor.producer >= 0 && scenario.charge_result_download) {
      const double down_ms = link.download_ms(bytes);
      auto add = [](double& cell, double value) {
        if (cell < kForbiddenCost) cell += value;
      };
      add(terms.latency.b_cost[tensor.producer], down_ms);
      add(terms.energy.b_cost[tensor.producer], (idle_W + down_W) * down_ms);
    }
  }
  terms.latency.b_fixed = link.rtt_ms;
  terms.energy.b_fixed = (idle_W + wait_W) * link.rtt_ms + promotion_and_tail_mJ;
  terms.latency.forbid_b_to_a = terms.energy.forbid_b_to_a = true;
  return combine(terms, spec);
}

TwoWayCosts processor_pair_costs(const LayerGraph& graph, const Scenario& scenario,
                                 const CostTable& table, int a, int b, const ObjectiveSpec& spec) {
  Terms terms{sized(graph), sized(graph)};
  for (int v = 0; v < static_cast<int>(graph.size()); ++v) {
    terms.latency.a_cost[v] = cell_or_forbidden(table, v, a, table.at(v, a).latency_ms);
    terms.energy.a_cost[v] = cell_or_forbidden(table, v, a, table.at(v, a).energy_mJ());
    terms.latency.b_cost[v] = cell_or_forbidden(table, v, b, table.at(v, b).latency_ms);
    terms.energy.b_cost[v] = cell_or_forbidden(table, v, b, table.at(v, b).energy_mJ());
  }
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    if (graph.tensors[t].producer < 0) continue;  // model inputs: shared memory, no copy
    const double copy_ms = scenario.copy_ms(graph.tensors[t].info.bytes());
    terms.latency.a_to_b[t] = terms.latency.b_to_a[t] = copy_ms;
    terms.energy.a_to_b[t] = terms.energy.b_to_a[t] = scenario.phone_idle_power_W * copy_ms;
  }
  return combine(terms, spec);
}

}  // namespace dnntune::sim
