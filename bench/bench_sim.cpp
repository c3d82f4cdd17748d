// Targets (issue 4, sim): scoring every single split of a 1,000-layer chain over 5 networks under
// 5 ms; the optimal DAG cut (latency) of densenet121 or a ViT under 5 ms, of a 20,000-node DAG
// under 500 ms. The per-layer cost table is built once outside the timed loop (it does not depend
// on the network); its build time is reported separately.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "bench/bench_models.h"
#include "hwmodels/device/device_spec.h"
#include "hwmodels/latency/roofline_model.h"
#include "hwmodels/network/link.h"
#include "sim/cost_table.h"
#include "sim/split_scan.h"
#include "sim/strategies/cut_costs.h"
#include "sim/strategies/min_cut.h"
#include "traces/onnx/model_loader.h"

namespace {

using namespace dnntune;

// oneplus5t + xeon_e5_2620v4 with roofline models, as `dnntune rank --mobile oneplus5t` uses.
struct SimSetup {
  sim::OwnedScenario owned;
  sim::Scenario& scenario;
  explicit SimSetup(const hw::LinkSpec& link)
      : owned(sim::roofline_scenario(hw::find_device("oneplus5t"),
                                     hw::find_device("xeon_e5_2620v4"), link)),
        scenario(owned.scenario) {}
};

// The four presets and a slower LTE: five networks.
std::vector<hw::LinkSpec> five_networks() {
  std::vector<hw::LinkSpec> links;
  for (const std::string& name : hw::network_preset_names())
    links.push_back(hw::find_network_preset(name));
  hw::LinkSpec slow = hw::find_network_preset("lte");
  slow.name = "lte-slow";
  slow.uplink_mbps /= 4;
  links.push_back(slow);
  links.resize(5, slow);
  return links;
}

void BM_ScoreAllSplits_Chain1000_5Networks(benchmark::State& state) {
  const LayerGraph graph = build_layer_graph(bench::make_conv_chain(1000), "chain1000");
  const auto links = five_networks();
  SimSetup setup(links.front());
  const sim::CostTable table = sim::CostTable::build(graph, setup.scenario);
  for (auto _ : state) {
    for (const hw::LinkSpec& link : links) {
      setup.scenario.link = link;
      benchmark::DoNotOptimize(sim::scan_splits(graph, setup.scenario, table, 0));
    }
  }
  state.counters["layers"] = static_cast<double>(graph.size());
}
BENCHMARK(BM_ScoreAllSplits_Chain1000_5Networks)->Unit(benchmark::kMillisecond);

void BM_CostTableBuild_Chain1000(benchmark::State& state) {
  const LayerGraph graph = build_layer_graph(bench::make_conv_chain(1000), "chain1000");
  SimSetup setup(hw::find_network_preset("lte"));
  for (auto _ : state) benchmark::DoNotOptimize(sim::CostTable::build(graph, setup.scenario));
}
BENCHMARK(BM_CostTableBuild_Chain1000)->Unit(benchmark::kMillisecond);

void time_latency_cut(benchmark::State& state, const LayerGraph& graph) {
  SimSetup setup(hw::find_network_preset("lte"));
  const sim::CostTable table = sim::CostTable::build(graph, setup.scenario);
  sim::ObjectiveSpec latency;
  for (auto _ : state) {
    const sim::TwoWayCosts costs = sim::phone_cloud_costs(graph, setup.scenario, table, 0, latency);
    benchmark::DoNotOptimize(sim::min_two_way_cut(graph, costs));
  }
  state.counters["layers"] = static_cast<double>(graph.size());
  state.counters["tensors"] = static_cast<double>(graph.tensors.size());
}

void BM_MinCut_VitB16(benchmark::State& state) {
  time_latency_cut(state, build_layer_graph(bench::make_vit_b16(), "vit_b_16"));
}
BENCHMARK(BM_MinCut_VitB16)->Unit(benchmark::kMillisecond);

void BM_MinCut_Densenet121(benchmark::State& state) {
  const std::string path = std::string(DNNTUNE_SOURCE_DIR) + "/../shared/models/densenet121.onnx";
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("../shared is absent: densenet121.onnx not available");
    return;
  }
  time_latency_cut(state, load_layer_graph(path));
}
BENCHMARK(BM_MinCut_Densenet121)->Unit(benchmark::kMillisecond);

void BM_MinCut_SkipDag20000(benchmark::State& state) {
  time_latency_cut(state, build_layer_graph(bench::make_skip_dag(20000), "dag20000"));
}
BENCHMARK(BM_MinCut_SkipDag20000)->Unit(benchmark::kMillisecond);

}  // namespace
