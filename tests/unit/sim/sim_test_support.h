#pragma once
// Hand-made inputs for the sim tests: layer graphs (chains, random DAGs), a fake
// LayerLatencyModel with per-layer numbers, and scenarios with hand-made links.
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "hwmodels/latency/layer_latency_model.h"
#include "sim/scenario.h"
#include "traces/graph/layer_graph.h"

namespace dnntune::sim::test {

// Latency/power per layer name; layers not listed are infeasible with a reason.
class FakeModel : public hw::LayerLatencyModel {
 public:
  std::map<std::string, hw::LayerEstimate> by_layer;
  std::string label = "fake";
  void set(const std::string& layer, double latency_ms, double power_W) {
    by_layer[layer] = {latency_ms, power_W, hw::EvalStatus::ok()};
  }
  void forbid(const std::string& layer, const std::string& why) {
    by_layer[layer] = {0, 0, hw::EvalStatus::infeasible(why)};
  }
  hw::LayerEstimate estimate(const Layer& layer) const override {
    auto it = by_layer.find(layer.name);
    if (it == by_layer.end()) return {0, 0, hw::EvalStatus::infeasible("not in the fake")};
    return it->second;
  }
  std::string describe() const override { return label; }
};

// A graph spec: layer i reads the tensors named in reads[i] ("in" = the model input, "t<j>" =
// layer j's output), each layer makes one tensor "t<i>" of out_bytes[i] bytes; tensors nobody
// reads are model outputs.
struct GraphSpec {
  int64_t input_bytes = 1000;
  std::vector<int64_t> out_bytes;
  std::vector<std::vector<std::string>> reads;
};

inline LayerGraph build_graph(const GraphSpec& spec) {
  LayerGraph g;
  g.model_name = "test";
  auto info = [](const std::string& name, int64_t bytes) {
    return TensorInfo{name, {bytes}, DType::kUInt8};
  };
  g.inputs.push_back(info("in", spec.input_bytes));
  const int n = static_cast<int>(spec.out_bytes.size());
  std::vector<bool> read(n, false);
  for (int i = 0; i < n; ++i) {
    Layer layer;
    layer.name = "L" + std::to_string(i);
    layer.kind = "Conv";
    for (const std::string& r : spec.reads[i]) {
      const int64_t bytes = r == "in" ? spec.input_bytes : spec.out_bytes[std::stoi(r.substr(1))];
      layer.inputs.push_back(info(r, bytes));
      layer.input_bytes += bytes;
      if (r != "in") read[std::stoi(r.substr(1))] = true;
    }
    layer.outputs.push_back(info("t" + std::to_string(i), spec.out_bytes[i]));
    layer.output_bytes = spec.out_bytes[i];
    layer.weight_bytes = 100 * (i + 1);
    boost::add_vertex(layer, g.dag);
  }
  for (int i = 0; i < n; ++i)
    for (const std::string& r : spec.reads[i])
      if (r != "in") {
        const int j = std::stoi(r.substr(1));
        boost::add_edge(j, i, TensorEdge{r, spec.out_bytes[j]}, g.dag);
      }
  for (int i = 0; i < n; ++i)
    if (!read[i]) g.outputs.push_back(info("t" + std::to_string(i), spec.out_bytes[i]));
  finalize_layer_graph(g, 0);
  return g;
}

inline GraphSpec chain_spec(const std::vector<int64_t>& out_bytes, int64_t input_bytes = 1000) {
  GraphSpec s;
  s.input_bytes = input_bytes;
  s.out_bytes = out_bytes;
  for (size_t i = 0; i < out_bytes.size(); ++i)
    s.reads.push_back({i == 0 ? std::string("in") : "t" + std::to_string(i - 1)});
  return s;
}

// Random DAG: layer i reads 1..3 earlier tensors (the model input included), bytes 1..5000.
inline GraphSpec random_dag_spec(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  GraphSpec s;
  s.input_bytes = std::uniform_int_distribution<int64_t>(1, 5000)(rng);
  for (int i = 0; i < n; ++i) {
    s.out_bytes.push_back(std::uniform_int_distribution<int64_t>(1, 5000)(rng));
    std::vector<std::string> reads;
    const int want = std::uniform_int_distribution<int>(1, 3)(rng);
    for (int k = 0; k < want; ++k) {
      const int j = std::uniform_int_distribution<int>(-1, i - 1)(rng);
      const std::string name = j < 0 ? "in" : "t" + std::to_string(j);
      if (std::find(reads.begin(), reads.end(), name) == reads.end()) reads.push_back(name);
    }
    // Mostly read the previous layer, so graphs look like networks with skips.
    if (i > 0 && rng() % 2 == 0 &&
        std::find(reads.begin(), reads.end(), "t" + std::to_string(i - 1)) == reads.end())
      reads.push_back("t" + std::to_string(i - 1));
    s.reads.push_back(reads);
  }
  return s;
}

// Random per-layer latency/power for every layer of `g` into `model`.
inline void fill_random(FakeModel& model, const LayerGraph& g, uint32_t seed, double max_ms,
                        double power_W) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ms(0.1, max_ms);
  for (size_t i = 0; i < g.size(); ++i) model.set(g.layer(i).name, ms(rng), power_W);
}

// A link without radio states: P = beta while transferring, nothing else.
inline hw::LinkSpec plain_link(double up_mbps, double down_mbps, double rtt_ms, double beta_mW) {
  hw::LinkSpec link;
  link.name = "test";
  link.uplink_mbps = up_mbps;
  link.downlink_mbps = down_mbps;
  link.rtt_ms = rtt_ms;
  link.radio.technology = "test";
  link.radio.beta_mW = beta_mW;
  return link;
}

// Scenario over fakes: one Resource per phone model, cloud last.
inline Scenario fake_scenario(const std::vector<const FakeModel*>& phone, const FakeModel* cloud,
                              const hw::LinkSpec& link) {
  Scenario s;
  s.mobile_name = "fake-phone";
  s.cloud_name = "fake-cloud";
  const char* names[] = {"cpu", "gpu", "npu", "dsp"};
  for (size_t i = 0; i < phone.size(); ++i) s.phone.push_back({names[i % 4], phone[i], 0});
  s.cloud = {"cloud", cloud, 0};
  s.link = link;
  return s;
}

}  // namespace dnntune::sim::test
