#include "sim/cost_model.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>

namespace dnntune::sim {

namespace {

constexpr double kMsPerHour = 3.6e6;
constexpr double kMiB = 1024.0 * 1024.0;

std::string mib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / kMiB);
  return buf;
}

// Where each tensor currently is, and how many of its readers have not run yet per side.
struct TensorState {
  bool on_cloud = false;
  bool on_shared = false;  // phone shared memory: model inputs and downloads
  uint64_t on_processors = 0;
  int phone_readers_left = 0;
  int cloud_readers_left = 0;
  bool on_phone() const { return on_shared || on_processors != 0; }
};

// Layers in a topological order that stays on the current side (phone/cloud) while it can.
std::vector<int> side_preferring_order(const LayerGraph& graph, const Scenario& scenario,
                                       const Placement& placement) {
  const int n = static_cast<int>(graph.size());
  std::vector<int> indegree(n);
  for (int v = 0; v < n; ++v) indegree[v] = static_cast<int>(boost::in_degree(v, graph.dag));
  using MinHeap = std::priority_queue<int, std::vector<int>, std::greater<int>>;
  MinHeap ready[2];  // 0: phone, 1: cloud
  auto side = [&](int v) { return scenario.is_cloud(placement.resource_of_layer[v]) ? 1 : 0; };
  for (int v = 0; v < n; ++v)
    if (indegree[v] == 0) ready[side(v)].push(v);
  std::vector<int> order;
  order.reserve(n);
  int current = 0;  // a request starts on the phone
  while (!ready[0].empty() || !ready[1].empty()) {
    if (ready[current].empty()) current = 1 - current;
    const int v = ready[current].top();
    ready[current].pop();
    order.push_back(v);
    for (auto [e, end] = boost::out_edges(v, graph.dag); e != end; ++e) {
      const int w = static_cast<int>(boost::target(*e, graph.dag));
      if (--indegree[w] == 0) ready[side(w)].push(w);
    }
  }
  if (static_cast<int>(order.size()) != n)
    throw std::invalid_argument("evaluate_placement: the layer graph has a cycle");
  return order;
}

}  // namespace

Placement Placement::all_on(int layers, int resource) {
  return Placement{std::vector<int>(static_cast<size_t>(layers), resource)};
}

Placement Placement::split(int layers, int split_after, int processor, int cloud_index) {
  Placement p;
  p.resource_of_layer.resize(static_cast<size_t>(layers));
  for (int i = 0; i < layers; ++i)
    p.resource_of_layer[i] = i <= split_after ? processor : cloud_index;
  return p;
}

int Placement::split_after(const Scenario& scenario) const {
  const int n = static_cast<int>(resource_of_layer.size());
  int k = -1;
  while (k + 1 < n && !scenario.is_cloud(resource_of_layer[k + 1])) ++k;
  for (int i = 1; i <= k; ++i)
    if (resource_of_layer[i] != resource_of_layer[0]) return kNotASplit;
  for (int i = k + 1; i < n; ++i)
    if (!scenario.is_cloud(resource_of_layer[i])) return kNotASplit;
  return k;
}

std::string span_kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::kCompute:
      return "compute";
    case SpanKind::kUpload:
      return "upload";
    case SpanKind::kDownload:
      return "download";
    case SpanKind::kCopy:
      return "copy";
  }
  return "?";
}

hw::EvalStatus check_memory(const LayerGraph& graph, const Scenario& scenario,
                            const Placement& placement) {
  const int resources = scenario.resource_count();
  std::vector<int64_t> weights(resources, 0), largest_activations(resources, 0);
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& layer = graph.layer(i);
    const int r = placement.resource_of_layer[i];
    weights[r] += layer.weight_bytes;
    largest_activations[r] =
        std::max(largest_activations[r], layer.input_bytes + layer.output_bytes);
  }
  for (int r = 0; r < resources; ++r) {
    hw::EvalStatus status = memory_status(scenario.resource(r), weights[r], largest_activations[r]);
    if (!status.feasible) return status;
  }
  return hw::EvalStatus::ok();
}

hw::EvalStatus memory_status(const Resource& resource, int64_t weights, int64_t activations) {
  const int64_t limit = resource.memory_bytes;
  if (limit <= 0 || weights + activations <= limit) return hw::EvalStatus::ok();
  return hw::EvalStatus::infeasible("weights " + mib(weights) + " + activations " +
                                    mib(activations) + " exceed " + resource.name + " memory " +
                                    mib(limit));
}

InferenceCost evaluate_placement(const LayerGraph& graph, const Scenario& scenario,
                                 const CostTable& table, const Placement& placement,
                                 EvalDetail detail) {
  const int n = static_cast<int>(graph.size());
  const int cloud = scenario.cloud_index();
  if (static_cast<int>(placement.resource_of_layer.size()) != n || table.layers() != n ||
      table.resources() != scenario.resource_count())
    throw std::invalid_argument("evaluate_placement: placement/table do not match the graph");
  if (scenario.phone.size() > 64)
    throw std::invalid_argument("evaluate_placement: at most 64 phone processors");
  for (int r : placement.resource_of_layer)
    if (r < 0 || r > cloud) throw std::invalid_argument("evaluate_placement: bad resource index");

  InferenceCost cost;
  cost.busy_ms.assign(scenario.resource_count(), 0.0);
  // Infeasible: the first layer its resource cannot run, then memory.
  for (int i = 0; i < n; ++i) {
    const int r = placement.resource_of_layer[i];
    if (!table.at(i, r).feasible) {
      cost.status = hw::EvalStatus::infeasible(table.reason(i, r));
      break;
    }
  }
  if (cost.status.feasible) cost.status = check_memory(graph, scenario, placement);
  if (!cost.status.feasible) {
    cost.latency_ms = std::numeric_limits<double>::infinity();
    return cost;
  }

  // Who reads each tensor, per side.
  const size_t tensor_count = graph.tensors.size();
  std::vector<TensorState> state(tensor_count);
  std::vector<std::vector<int>> inputs_of(n);
  for (size_t t = 0; t < tensor_count; ++t) {
    const GraphTensor& tensor = graph.tensors[t];
    if (tensor.producer < 0) state[t].on_shared = true;
    for (int c : tensor.consumers) {
      inputs_of[c].push_back(static_cast<int>(t));
      if (scenario.is_cloud(placement.resource_of_layer[c]))
        ++state[t].cloud_readers_left;
      else
        ++state[t].phone_readers_left;
    }
  }
  std::vector<std::vector<int>> outputs_of(n);
  for (size_t t = 0; t < tensor_count; ++t)
    if (graph.tensors[t].producer >= 0)
      outputs_of[graph.tensors[t].producer].push_back(static_cast<int>(t));

  const bool timeline = detail == EvalDetail::kTimeline;
  std::vector<hw::RadioTransfer> transfers;
  const double half_rtt_ms = scenario.link.rtt_ms / 2;
  double now_ms = 0;
  double phone_compute_ms = 0;

  auto tensor_bytes = [&](int t) { return graph.tensors[t].info.bytes(); };

  auto upload = [&]() {
    Span span;
    span.kind = SpanKind::kUpload;
    span.resource = cloud;
    for (size_t t = 0; t < tensor_count; ++t) {
      TensorState& s = state[t];
      if (s.on_phone() && !s.on_cloud && s.cloud_readers_left > 0) {
        s.on_cloud = true;
        span.bytes += tensor_bytes(static_cast<int>(t));
        if (timeline) span.tensors.push_back(static_cast<int>(t));
      }
    }
    span.start_ms = span.radio_start_ms = now_ms;
    span.radio_ms = scenario.link.upload_ms(span.bytes);
    span.duration_ms = span.radio_ms + half_rtt_ms;
    transfers.push_back({span.radio_start_ms, span.radio_ms, true, scenario.link.uplink_mbps});
    cost.upload_bytes += span.bytes;
    cost.uplink_ms += span.radio_ms;
    now_ms += span.duration_ms;
    if (timeline) cost.timeline.push_back(std::move(span));
  };
  // `final_result`: the end of the request; its bytes are free unless charge_result_download.
  auto download = [&](bool final_result) {
    Span span;
    span.kind = SpanKind::kDownload;
    span.resource = cloud;
    for (size_t t = 0; t < tensor_count; ++t) {
      TensorState& s = state[t];
      if (s.on_cloud && !s.on_phone() &&
          (s.phone_readers_left > 0 || graph.tensors[t].is_model_output)) {
        s.on_shared = true;
        if (!final_result || scenario.charge_result_download)
          span.bytes += tensor_bytes(static_cast<int>(t));
        if (timeline) span.tensors.push_back(static_cast<int>(t));
      }
    }
    span.start_ms = now_ms;
    span.radio_start_ms = now_ms + half_rtt_ms;
    span.radio_ms = scenario.link.download_ms(span.bytes);
    span.duration_ms = half_rtt_ms + span.radio_ms;
    transfers.push_back({span.radio_start_ms, span.radio_ms, false, scenario.link.downlink_mbps});
    cost.download_bytes += span.bytes;
    cost.downlink_ms += span.radio_ms;
    now_ms += span.duration_ms;
    if (timeline) cost.timeline.push_back(std::move(span));
  };

  bool on_cloud_side = false;
  for (int v : side_preferring_order(graph, scenario, placement)) {
    const int r = placement.resource_of_layer[v];
    const bool to_cloud = scenario.is_cloud(r);
    if (to_cloud && !on_cloud_side) upload();
    if (!to_cloud && on_cloud_side) download(false);
    on_cloud_side = to_cloud;
    if (!to_cloud) {
      // Copies from another phone processor, once per reading processor.
      const uint64_t here = uint64_t{1} << r;
      for (int t : inputs_of[v]) {
        TensorState& s = state[t];
        if (s.on_shared || (s.on_processors & here)) continue;
        Span span;
        span.kind = SpanKind::kCopy;
        span.resource = r;
        span.bytes = tensor_bytes(t);
        span.start_ms = now_ms;
        span.duration_ms = scenario.copy_ms(span.bytes);
        s.on_processors |= here;
        cost.copy_ms += span.duration_ms;
        now_ms += span.duration_ms;
        if (timeline) {
          span.tensors.push_back(t);
          cost.timeline.push_back(std::move(span));
        }
      }
    }
    const LayerCost& cell = table.at(v, r);
    Span span;
    span.kind = SpanKind::kCompute;
    span.resource = r;
    span.layer = v;
    span.start_ms = now_ms;
    span.duration_ms = cell.latency_ms;
    span.energy_mJ = to_cloud ? 0.0 : cell.energy_mJ();
    now_ms += cell.latency_ms;
    cost.busy_ms[r] += cell.latency_ms;
    if (!to_cloud) {
      phone_compute_ms += cell.latency_ms;
      cost.energy.compute_mJ += span.energy_mJ;
    }
    if (timeline) cost.timeline.push_back(std::move(span));
    for (int t : inputs_of[v]) {
      if (to_cloud)
        --state[t].cloud_readers_left;
      else
        --state[t].phone_readers_left;
    }
    for (int t : outputs_of[v]) {
      if (to_cloud)
        state[t].on_cloud = true;
      else
        state[t].on_processors |= uint64_t{1} << r;
    }
  }
  if (on_cloud_side) download(true);

  cost.latency_ms = now_ms;
  cost.energy.idle_mJ = scenario.phone_idle_power_W * (now_ms - phone_compute_ms);
  cost.energy.radio = hw::radio_energy(scenario.link.radio, transfers);
  cost.cloud_cost_usd = scenario.cloud_price_usd_per_hour * cost.busy_ms[cloud] / kMsPerHour;
  return cost;
}

}  // namespace dnntune::sim
