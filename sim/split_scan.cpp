#include "sim/split_scan.h"

#include <algorithm>
#include <limits>

namespace dnntune::sim {

namespace {

constexpr double kMsPerHour = 3.6e6;

// Memory need of a layer range on one resource, as check_memory counts it.
struct RangeMemory {
  std::vector<int64_t> prefix_weights;      // [k] = weights of layers [0, k)
  std::vector<int64_t> prefix_activations;  // [k] = max input+output of layers [0, k)
  std::vector<int64_t> suffix_activations;  // [k] = max input+output of layers [k, n)
};

RangeMemory range_memory(const LayerGraph& graph) {
  const size_t n = graph.size();
  RangeMemory m;
  m.prefix_weights.assign(n + 1, 0);
  m.prefix_activations.assign(n + 1, 0);
  m.suffix_activations.assign(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const Layer& l = graph.layer(i);
    m.prefix_weights[i + 1] = m.prefix_weights[i] + l.weight_bytes;
    m.prefix_activations[i + 1] = std::max(m.prefix_activations[i], l.input_bytes + l.output_bytes);
  }
  for (size_t i = n; i-- > 0;) {
    const Layer& l = graph.layer(i);
    m.suffix_activations[i] = std::max(m.suffix_activations[i + 1], l.input_bytes + l.output_bytes);
  }
  return m;
}

hw::EvalStatus range_status(const LayerGraph& graph, const Scenario& scenario,
                            const CostTable& table, const RangeMemory& memory, int resource,
                            int begin, int end) {
  if (begin >= end) return hw::EvalStatus::ok();
  const int bad = table.first_infeasible(resource, begin, end);
  if (bad >= 0) return hw::EvalStatus::infeasible(table.reason(bad, resource));
  const int64_t weights = memory.prefix_weights[end] - memory.prefix_weights[begin];
  const int64_t activations =
      begin == 0 ? memory.prefix_activations[end] : memory.suffix_activations[begin];
  return memory_status(scenario.resource(resource), weights, activations);
}

}  // namespace

std::vector<SplitPoint> scan_splits(const LayerGraph& graph, const Scenario& scenario,
                                    const CostTable& table, int processor) {
  const int n = static_cast<int>(graph.size());
  const int cloud = scenario.cloud_index();
  const RangeMemory memory = range_memory(graph);
  const hw::LinkSpec& link = scenario.link;
  std::vector<SplitPoint> points;
  points.reserve(static_cast<size_t>(n) + 1);
  std::vector<hw::RadioTransfer> transfers(2);
  for (int k = -1; k < n; ++k) {
    SplitPoint point;
    point.split_after = k;
    point.processor = processor;
    InferenceCost& c = point.cost;
    c.busy_ms.assign(scenario.resource_count(), 0.0);
    c.status = range_status(graph, scenario, table, memory, processor, 0, k + 1);
    if (c.status.feasible) c.status = range_status(graph, scenario, table, memory, cloud, k + 1, n);
    if (!c.status.feasible) {
      c.latency_ms = std::numeric_limits<double>::infinity();
      points.push_back(std::move(point));
      continue;
    }
    const double phone_ms = table.latency_sum_ms(processor, 0, k + 1);
    c.busy_ms[processor] = phone_ms;
    c.energy.compute_mJ = table.energy_sum_mJ(processor, 0, k + 1);
    c.latency_ms = phone_ms;
    if (k < n - 1) {
      // T = T_phone + up(cut) + rtt/2 + T_cloud + rtt/2 + down(results)
      const double cloud_ms = table.latency_sum_ms(cloud, k + 1, n);
      c.busy_ms[cloud] = cloud_ms;
      c.upload_bytes = graph.cut_after(k);
      c.download_bytes = scenario.charge_result_download ? graph.download_after(k) : 0;
      c.uplink_ms = link.upload_ms(c.upload_bytes);
      c.downlink_ms = link.download_ms(c.download_bytes);
      const double half_rtt_ms = link.rtt_ms / 2;
      transfers[0] = {phone_ms, c.uplink_ms, true, link.uplink_mbps};
      transfers[1] = {phone_ms + c.uplink_ms + half_rtt_ms + cloud_ms + half_rtt_ms, c.downlink_ms,
                      false, link.downlink_mbps};
      c.latency_ms = phone_ms + c.uplink_ms + link.rtt_ms + cloud_ms + c.downlink_ms;
      c.energy.radio = hw::radio_energy(link.radio, transfers);
      c.cloud_cost_usd = scenario.cloud_price_usd_per_hour * cloud_ms / kMsPerHour;
    }
    c.energy.idle_mJ = scenario.phone_idle_power_W * (c.latency_ms - phone_ms);
    points.push_back(std::move(point));
  }
  return points;
}

}  // namespace dnntune::sim
