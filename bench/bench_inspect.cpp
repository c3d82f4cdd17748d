// Targets (issue: foundation): inspect of a ~1,000-node ONNX model (ViT-B/16) under 100 ms end to
// end; 20,000-node chains and DAGs under 2 s; memory linear in the node count.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "bench/bench_models.h"
#include "traces/onnx/model_loader.h"

namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void BM_LayerGraph_VitB16(benchmark::State& state) {
  const onnx::ModelProto model = dnntune::bench::make_vit_b16();
  for (auto _ : state) benchmark::DoNotOptimize(dnntune::build_layer_graph(model, "vit_b_16"));
  state.counters["onnx_nodes"] = model.graph().node_size();
}
BENCHMARK(BM_LayerGraph_VitB16)->Unit(benchmark::kMillisecond);

void BM_LayerGraph_ConvChain(benchmark::State& state) {
  const onnx::ModelProto model = dnntune::bench::make_conv_chain(state.range(0) / 2);
  for (auto _ : state) benchmark::DoNotOptimize(dnntune::build_layer_graph(model, "chain"));
  state.counters["onnx_nodes"] = model.graph().node_size();
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_LayerGraph_ConvChain)
    ->Arg(5000)
    ->Arg(10000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond);

void BM_LayerGraph_SkipDag(benchmark::State& state) {
  const onnx::ModelProto model = dnntune::bench::make_skip_dag(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(dnntune::build_layer_graph(model, "dag"));
  state.counters["onnx_nodes"] = model.graph().node_size();
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_LayerGraph_SkipDag)->Arg(5000)->Arg(10000)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace
