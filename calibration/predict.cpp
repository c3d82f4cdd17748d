#include "calibration/predict.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "calibration/reference.h"

#include "traces/common/error.h"

namespace dnntune::calib {

LoadOptions profile_load_options(const DeviceProfile& profile, LoadOptions base) {
  base.fusion = profile.fusion;
  return base;
}

std::vector<bool> concats_in_place(const LayerGraph& graph) {
  std::vector<bool> in_place(graph.size(), false);
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& layer = graph.layer(i);
    if (layer.kind != "Concat" || layer.outputs.empty() || layer.inputs.empty()) continue;
    const auto& out = layer.outputs[0].shape;
    int64_t axis = layer.attributes.value("axis", int64_t{0});
    if (axis < 0) axis += static_cast<int64_t>(out.size());
    if (out.empty() || out[0] != 1 || axis != 1) continue;
    const std::string& name = layer.outputs[0].name;
    if (std::any_of(graph.outputs.begin(), graph.outputs.end(),
                    [&](const TensorInfo& t) { return t.name == name; }))
      continue;  // OpenCV copies a concat that is the network's output (fusion_learning.h)
    bool ok = boost::in_degree(i, graph.dag) == layer.inputs.size();
    for (auto [e, end] = boost::in_edges(i, graph.dag); ok && e != end; ++e) {
      const size_t producer = boost::source(*e, graph.dag);
      ok = boost::out_degree(producer, graph.dag) == 1 && !in_place[producer];
    }
    in_place[i] = ok;
  }
  return in_place;
}

ModelPrediction predict_model(const LayerGraph& graph, const DeviceProfile& profile) {
  ModelPrediction p;
  p.model = graph.model_name;
  p.device = profile.device;
  p.layers.reserve(graph.size());
  p.run_overhead_ms = profile.run_overhead_ms_for(static_cast<double>(graph.input_cut_bytes));
  p.total_ms = p.run_overhead_ms;
  const hw::ModelContext context = hw::ModelContext::of_model(graph.totals);
  // A Concat its branches write in place costs the share the concat probe measured.
  const auto in_place_share = profile.fused_cost.find("Conv+Concat");
  const std::vector<bool> in_place = in_place_share == profile.fused_cost.end()
                                         ? std::vector<bool>(graph.size(), false)
                                         : concats_in_place(graph);
  // The plan of each distinct (feature kind, layer kind, ops): a model repeats few of them.
  struct Planned {
    std::string feature_kind;
    const Layer* first;  // the first layer with it
    DeviceProfile::KindPlan plan;
  };
  std::vector<Planned> plans;
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& layer = graph.layer(i);
    const LayerFeatures f = features_of(layer);
    auto planned = std::find_if(plans.begin(), plans.end(), [&](const Planned& p) {
      return p.feature_kind == f.kind && p.first->kind == layer.kind && p.first->ops == layer.ops;
    });
    if (planned == plans.end())
      planned = plans.insert(plans.end(), {f.kind, &layer, profile.plan_for(layer, f.kind)});
    hw::LayerEstimate e = profile.estimate(layer, f, planned->plan, context);
    if (in_place[i]) e.latency_ms *= in_place_share->second;
    LayerPrediction lp;
    lp.index = static_cast<int>(i);
    lp.name = layer.name;
    lp.kind = layer.kind;
    lp.latency_ms = e.latency_ms;
    lp.feasible = e.status.feasible;
    lp.reason = e.status.reason;
    if (lp.feasible) p.total_ms += lp.latency_ms;
    p.layers.push_back(std::move(lp));
  }
  return p;
}

std::vector<double> layer_times_ms(const LayerGraph& graph, const Measurement& m) {
  std::vector<double> times(graph.size(), 0.0);
  for (size_t i = 0; i < graph.size(); ++i)
    for (const auto& node : graph.layer(i).nodes) {
      auto it = m.node_median_ms.find(node);
      if (it != m.node_median_ms.end()) times[i] += it->second;
    }
  return times;
}

namespace {

struct Prepared {
  ValidationRow row;
  LayerGraph graph;
  onnx::ModelProto proto;
  std::unique_ptr<LoadedModel> loaded;  // for the first round; later rounds load afresh
  bool runnable = false, measured = false;
  Measurement best;
  double reference_ratio = 0;
};

Prepared prepare(const std::string& model, const DeviceProfile& profile, Engine& engine) {
  Prepared p;
  p.row.model = model;
  p.graph = load_layer_graph(model, profile_load_options(profile));
  try {
    p.proto = read_model_proto(model);
    p.loaded = engine.load(p.proto, model);
    p.runnable = true;
  } catch (const InputError& e) {
    p.row.error = e.message();
  }
  return p;
}

void compare(Prepared& p, const DeviceProfile& profile) {
  ValidationRow& row = p.row;
  const Measurement& m = p.best;
  const ModelPrediction pred = predict_model(p.graph, profile);
  row.ran = true;
  row.measured_ms = m.median_ms;
  row.wall_ms = m.wall_median_ms;
  row.cpu_share = m.cpu_share;
  row.reference_ratio = p.reference_ratio;
  row.predicted_ms = pred.total_ms;
  row.error_pct = 100.0 * (pred.total_ms - m.median_ms) / m.median_ms;
  const double speed = row.reference_ratio > 0 ? row.reference_ratio : 1.0;
  row.speed_adjusted_error_pct = 100.0 * (pred.total_ms * speed - m.median_ms) / m.median_ms;
  double ape_sum = 0;
  const std::vector<double> times = layer_times_ms(p.graph, m);
  for (size_t i = 0; i < p.graph.size(); ++i) {
    const double measured = times[i];
    row.layers.push_back(
        {p.graph.layer(i).name, p.graph.layer(i).kind, measured, pred.layers[i].latency_ms});
    if (measured < kLayerMapeFloorMs || !pred.layers[i].feasible) continue;
    ape_sum += std::abs(pred.layers[i].latency_ms - measured) / measured;
    ++row.layers_compared;
  }
  row.layer_mape_pct = row.layers_compared ? 100.0 * ape_sum / row.layers_compared : 0;
}

}  // namespace

std::vector<ValidationRow> validate_models(const std::vector<std::string>& models,
                                           const DeviceProfile& profile, Engine& engine,
                                           const MeasureOptions& measure_options, int rounds,
                                           double max_wait_s) {
  std::vector<Prepared> prepared;
  for (const auto& model : models) prepared.push_back(prepare(model, profile, engine));
  // Each round measures a fresh instance of the model (the first round the one prepare() loaded)
  // and the lowest median counts: an instance's speed can depend on where its buffers happen to
  // sit (faster() in engines/measure.h), as the calibration kernels' and whole-model runs' do.
  for (int round = 0; round < std::max(1, rounds); ++round)
    for (auto& p : prepared) {
      if (!p.runnable) continue;
      if (!p.loaded) p.loaded = engine.load(p.proto, p.row.model);
      double ratio = 0;
      if (profile.reference_ms > 0) {
        const auto start = std::chrono::steady_clock::now();
        while (true) {
          ratio = measure_reference_ms(engine) / profile.reference_ms;
          const double waited_s =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          if (ratio <= 1.0 + kReferenceTolerance || waited_s >= max_wait_s) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
      }
      Measurement m = measure(*p.loaded, measure_options);
      p.loaded.reset();
      if (!p.measured || m.median_ms < p.best.median_ms)
        p.best = std::move(m), p.reference_ratio = ratio;
      p.measured = true;
    }
  std::vector<ValidationRow> rows;
  for (auto& p : prepared) {
    if (p.runnable) compare(p, profile);
    rows.push_back(std::move(p.row));
  }
  return rows;
}

ValidationRow validate_model(const std::string& model, const DeviceProfile& profile, Engine& engine,
                             const MeasureOptions& measure_options) {
  return validate_models({model}, profile, engine, measure_options, 1).front();
}

double share_within(const std::vector<double>& errors_pct, double bound_pct) {
  if (errors_pct.empty()) return 0;
  const auto n = std::count_if(errors_pct.begin(), errors_pct.end(),
                               [&](double e) { return std::abs(e) <= bound_pct; });
  return static_cast<double>(n) / static_cast<double>(errors_pct.size());
}

ValidationSummary summarize(std::vector<ValidationRow> rows) {
  ValidationSummary s;
  std::vector<double> errors, adjusted;
  for (const auto& r : rows) {
    if (!r.ran) continue;
    errors.push_back(r.error_pct);
    adjusted.push_back(r.speed_adjusted_error_pct);
  }
  s.rows = std::move(rows);
  s.within_10pct = share_within(errors, 10.0);
  s.within_20pct = share_within(errors, 20.0);
  s.adjusted_within_10pct = share_within(adjusted, 10.0);
  s.adjusted_within_20pct = share_within(adjusted, 20.0);
  return s;
}

}  // namespace dnntune::calib
