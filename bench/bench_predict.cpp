// Target (issue 3): a fitted device profile predicts a 1,000-layer model in under 1 ms.
// The profile is fitted here on synthetic kernels shaped like a real calibration (hundreds of
// kernels per Conv family, so the neighbour models carry as many points as a real profile).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "calibration/fit/kind_model.h"
#include "calibration/predict.h"

namespace {

using dnntune::Layer;
using dnntune::LayerGraph;
using namespace dnntune::calib;

Layer conv_layer(std::mt19937& rng, int64_t k, bool depthwise) {
  std::uniform_int_distribution<int> c(1, 64), hw(1, 16);
  Layer l;
  l.kind = "Conv";
  l.ops = {"Conv", "Relu"};
  const int64_t cin = 8 * c(rng), cout = depthwise ? cin : 8 * c(rng), s = 7 * hw(rng);
  l.inputs = {{"x", {1, cin, s, s}}};
  l.outputs = {{"y", {1, cout, s, s}}};
  l.weights = {{"w", {cout, depthwise ? 1 : cin, k, k}}};
  l.macs = s * s * cout * (depthwise ? 1 : cin) * k * k;
  l.input_bytes = cin * s * s * 4;
  l.output_bytes = cout * s * s * 4;
  l.weight_bytes = cout * (depthwise ? 1 : cin) * k * k * 4;
  l.attributes = {{"strides", {1, 1}}, {"group", depthwise ? cin : 1}};
  return l;
}

DeviceProfile synthetic_profile(std::mt19937& rng) {
  DeviceProfile p;
  p.device = "bench";
  std::map<std::string, std::vector<Sample>> samples;
  for (int i = 0; i < 1200; ++i) {
    const Layer l = conv_layer(rng, i % 3 == 0 ? 1 : 3, i % 5 == 0);
    const LayerFeatures f = features_of(l);
    samples[f.kind].push_back({f, 1e-8 * std::pow(static_cast<double>(l.macs), 0.95) + 0.01});
  }
  for (const auto& op : {"Relu", "Add", "MaxPool", "default"}) {
    for (int i = 1; i < 60; ++i) {
      LayerFeatures f;
      f.kind = op;
      f.input_bytes = f.output_bytes = 4e4 * i;
      samples[op].push_back({f, 1e-6 * f.input_bytes});
    }
  }
  for (const auto& [kind, s] : samples)
    p.kinds[kind] = fit_form(kind.rfind("Conv", 0) == 0 ? "loglinear_knn" : "roofline", s, {});
  p.fused_cost["Conv+Relu"] = 0.6;
  // Every per-layer step of the prediction path: context factors that fall with the layer's time
  // (exact kind and fallbacks) and the weight-streaming bound (the model below is "beyond the
  // cache").
  p.context_factor = {{"Conv", 1.05}, {"*", 1.1}};
  for (auto& [kind, factor] : p.context_factor) {
    factor.slope = -0.05;
    factor.min_ms = 0.01;
    factor.max_ms = 30;
  }
  p.llc_bytes = 32e6;
  p.weight_stream_GBps = 40;
  return p;
}

void BM_Predict1000Layers(benchmark::State& state) {
  std::mt19937 rng(7);
  const DeviceProfile profile = synthetic_profile(rng);
  LayerGraph graph;
  graph.model_name = "synthetic_1000";
  for (int i = 0; i < 1000; ++i) {
    Layer l = conv_layer(rng, i % 4 == 0 ? 1 : 3, i % 7 == 0);
    if (i % 10 == 9) {
      l.kind = "Add";
      l.ops = {"Add"};
      l.macs = 0;
    }
    boost::add_vertex(l, graph.dag);
  }
  graph.totals.weight_bytes = 1'000'000'000;
  for (auto _ : state) {
    const ModelPrediction p = predict_model(graph, profile);
    benchmark::DoNotOptimize(p.total_ms);
  }
  state.counters["layers"] = 1000;
}
BENCHMARK(BM_Predict1000Layers)->Unit(benchmark::kMicrosecond);

// The neighbour search alone, on the benchmark profile's largest kind (its Conv model): 1,000
// queries, each a layer of the 1,000-layer model in the model's standardized log features.
void BM_NearestKernels1000(benchmark::State& state) {
  std::mt19937 rng(7);
  const DeviceProfile profile = synthetic_profile(rng);
  const KindModel& conv = profile.kinds.at("Conv");
  std::vector<std::vector<double>> queries;
  while (queries.size() < 1000) {
    const LayerFeatures f = features_of(conv_layer(rng, 3, false));
    double x[kRegressionFeatures];
    regression_features_into(f, x, conv.size_unit);
    std::vector<double> z(kKnnDim);
    for (size_t j = 0; j < kKnnDim; ++j) z[j] = x[j + 1] / conv.knn_scale[j];
    queries.push_back(z);
  }
  for (auto _ : state)
    for (const auto& z : queries) {
      Neighbours near;
      nearest(*conv.knn_index, z.data(), conv.knn_k, near);
      benchmark::DoNotOptimize(near.d2[0]);
    }
  state.counters["points"] = static_cast<double>(conv.knn_points.size());
}
BENCHMARK(BM_NearestKernels1000)->Unit(benchmark::kMicrosecond);

}  // namespace
