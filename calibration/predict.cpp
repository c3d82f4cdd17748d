#include "calibration/predict.h"

#include <cmath>

#include "traces/common/error.h"

namespace dnntune::calib {

LoadOptions profile_load_options(const DeviceProfile& profile, LoadOptions base) {
  base.fusion = profile.fusion;
  return base;
}

ModelPrediction predict_model(const LayerGraph& graph, const DeviceProfile& profile) {
  ModelPrediction p;
  p.model = graph.model_name;
  p.device = profile.device;
  p.layers.reserve(graph.size());
  p.total_ms = profile.run_overhead_ms;
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& layer = graph.layer(i);
    const hw::LayerEstimate e = profile.estimate(layer);
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

ValidationRow validate_model(const std::string& model, const DeviceProfile& profile, Engine& engine,
                             const MeasureOptions& measure_options) {
  ValidationRow row;
  row.model = model;
  const LayerGraph graph = load_layer_graph(model, profile_load_options(profile));
  row.model = graph.model_name.empty() ? model : graph.model_name;
  std::unique_ptr<LoadedModel> loaded;
  try {
    loaded = engine.load(read_model_proto(model), model);
  } catch (const InputError& e) {
    row.error = e.message();
    return row;
  }
  const Measurement m = measure(*loaded, measure_options);
  const ModelPrediction pred = predict_model(graph, profile);
  row.ran = true;
  row.measured_ms = m.median_ms;
  row.wall_ms = m.wall_median_ms;
  row.cpu_share = m.cpu_share;
  row.predicted_ms = pred.total_ms;
  row.error_pct = 100.0 * (pred.total_ms - m.median_ms) / m.median_ms;
  double ape_sum = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    double measured = 0;
    for (const auto& node : graph.layer(i).nodes) {
      auto it = m.node_median_ms.find(node);
      if (it != m.node_median_ms.end()) measured += it->second;
    }
    if (measured < kLayerMapeFloorMs || !pred.layers[i].feasible) continue;
    ape_sum += std::abs(pred.layers[i].latency_ms - measured) / measured;
    ++row.layers_compared;
  }
  row.layer_mape_pct = row.layers_compared ? 100.0 * ape_sum / row.layers_compared : 0;
  return row;
}

ValidationSummary summarize(std::vector<ValidationRow> rows) {
  ValidationSummary s;
  int ran = 0, w10 = 0, w20 = 0;
  for (const auto& r : rows) {
    if (!r.ran) continue;
    ++ran;
    w10 += std::abs(r.error_pct) <= 10.0;
    w20 += std::abs(r.error_pct) <= 20.0;
  }
  s.rows = std::move(rows);
  s.within_10pct = ran ? static_cast<double>(w10) / ran : 0;
  s.within_20pct = ran ? static_cast<double>(w20) / ran : 0;
  return s;
}

}  // namespace dnntune::calib
