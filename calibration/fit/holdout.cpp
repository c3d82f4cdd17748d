#include "calibration/fit/holdout.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "calibration/fit/fusion_learning.h"
#include "calibration/kernels/kernel_spec.h"
#include "calibration/kernels/sampler.h"
#include "calibration/predict.h"
#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::calib {

std::vector<std::string> model_kernel_keys(const std::string& model, const FusionRules& rules) {
  std::vector<std::string> keys = layer_kernel_keys(load_with_rules(model, rules));
  keys.erase(std::remove(keys.begin(), keys.end(), std::string()), keys.end());
  return keys;
}

namespace {

FusionRules trace_fusion_rules(const std::vector<std::pair<std::string, Trace>>& traces) {
  std::vector<FusionProbe> probes;
  for (const auto& [path, trace] : traces)
    probes.insert(probes.end(), trace.fusion.begin(), trace.fusion.end());
  return probes.empty() ? default_fusion_rules() : learn_fusion_rules(probes);
}

}  // namespace

void add_model_exclusions(const std::vector<std::pair<std::string, Trace>>& traces,
                          FitProfileOptions& options) {
  if (options.exclude_models.empty()) return;
  const FusionRules rules = trace_fusion_rules(traces);
  for (const auto& stem : options.exclude_models) {
    std::string model = stem;
    for (const auto& [path, trace] : traces)
      for (const auto& prior : trace.header.priors)
        if (model_stem(prior) == stem) model = prior;
    try {
      for (auto& key : model_kernel_keys(model, rules)) options.exclude_keys.insert(key);
    } catch (const InputError& e) {
      throw InputError(stem, "--exclude-model: not among the traces' priors and not loadable (" +
                                 e.message() + ")");
    }
  }
}

HoldoutSummary holdout_models(const std::vector<std::pair<std::string, Trace>>& traces,
                              const std::vector<std::string>& models,
                              const FitProfileOptions& options) {
  std::map<std::string, double> measured;  // kernel key -> lowest median over the traces
  for (const auto& [path, trace] : traces) {
    for (const auto& k : trace.kernels) {
      auto [it, fresh] = measured.emplace(k.spec.key(), k.median_ms);
      if (!fresh) it->second = std::min(it->second, k.median_ms);
    }
  }
  // The layer grouping the calibration saw: the fusion rules its probes imply.
  const FusionRules rules = trace_fusion_rules(traces);
  HoldoutSummary summary;
  std::vector<double> errors;  // of the models compared
  for (const auto& model : models) {
    HoldoutRow row;
    row.model = model_stem(model);
    LayerGraph graph;
    try {
      graph = load_with_rules(model, rules);
    } catch (const InputError& e) {
      row.error = e.what();
      summary.rows.push_back(row);
      continue;
    }
    const std::vector<std::string> keys = layer_kernel_keys(graph);
    FitProfileOptions fit = options;
    fit.exclude_models.push_back(row.model);
    for (const auto& key : keys)
      if (!key.empty()) fit.exclude_keys.insert(key);
    const DeviceProfile profile = fit_profile(traces, fit);
    for (const auto& [path, trace] : traces)
      for (const auto& k : trace.kernels) row.excluded_kernels += is_excluded(k, fit);
    double ape_sum = 0;
    int ape_n = 0;
    for (size_t i = 0; i < graph.size(); ++i) {
      const Layer& layer = graph.layer(i);
      if (keys[i].empty()) continue;
      ++row.layers;
      auto it = measured.find(keys[i]);
      if (it == measured.end()) continue;
      const hw::LayerEstimate e = profile.estimate(layer);
      if (!e.status.feasible) continue;
      ++row.matched;
      row.layer_pairs.push_back({layer.name, features_of(layer).kind, it->second, e.latency_ms});
      row.kernel_ms += it->second;
      row.predicted_ms += e.latency_ms;
      if (it->second >= kLayerMapeFloorMs) {
        ape_sum += std::abs(e.latency_ms - it->second) / it->second;
        ++ape_n;
      }
    }
    if (row.matched == 0 || row.kernel_ms <= 0) {
      row.error = "none of its layers was measured in the trace (was it among the priors?)";
      summary.rows.push_back(row);
      continue;
    }
    row.error_pct = 100.0 * (row.predicted_ms - row.kernel_ms) / row.kernel_ms;
    row.layer_mape_pct = ape_n ? 100.0 * ape_sum / ape_n : 0.0;
    row.layers_compared = ape_n;
    errors.push_back(row.error_pct);
    summary.rows.push_back(row);
  }
  summary.within_10pct = share_within(errors, 10.0);
  summary.within_20pct = share_within(errors, 20.0);
  return summary;
}

}  // namespace dnntune::calib
