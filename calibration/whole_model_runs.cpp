#include "calibration/whole_model_runs.h"

#include <algorithm>

#include "calibration/kernels/sampler.h"
#include "calibration/predict.h"
#include "calibration/reference.h"
#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::calib {
namespace {

// The bar `dnntune fit` holds in-model runs to (fit_profile.h usable_in_model_runs).
bool fast(double state_ratio) {
  return state_ratio <= kFastStateRatio;
}

}  // namespace

WholeModelRuns::WholeModelRuns(Engine& engine, MeasureOptions options,
                               std::function<double()> state)
    : engine_(engine), options_(options), state_(std::move(state)) {}

void WholeModelRuns::load(const std::vector<std::string>& models, const FusionRules& rules) {
  for (const auto& model : models) {
    Run r;
    r.record.model = model_stem(model);
    r.model = model;
    try {
      r.graph = load_with_rules(model, rules);
      r.proto = read_model_proto(model);
    } catch (const InputError&) {
      continue;
    }
    runs_.push_back(std::move(r));
  }
}

void WholeModelRuns::measure(bool all, const std::function<bool()>& more) {
  for (auto& r : runs_) {
    if (!more()) return;
    if (r.rejected || (!all && r.measured && fast(r.record.state_ratio))) continue;
    const double before = state_();
    // A fresh instance per pass, released after it; over passes the faster run is kept: validate
    // measures its models the same way (fresh instances, lowest median), so that in-model and
    // validated times compare.
    Measurement now;
    try {
      auto loaded = engine_.load(r.proto, r.model);
      now = calib::measure(*loaded, options_);
    } catch (const InputError&) {
      r.rejected = true;
      continue;
    }
    const double state = before > 0 ? std::max(before, state_()) : 0.0;
    const bool take =
        !r.measured || (fast(state) && !fast(r.record.state_ratio)) ||
        (fast(state) == fast(r.record.state_ratio) && now.median_ms < r.best.median_ms);
    if (take) {
      r.best = std::move(now);
      r.record.state_ratio = state;
    }
    r.measured = true;
  }
}

bool WholeModelRuns::pending() const {
  return std::any_of(runs_.begin(), runs_.end(), [](const Run& r) {
    return !r.rejected && (!r.measured || !fast(r.record.state_ratio));
  });
}

std::vector<InModelRecord> WholeModelRuns::records() const {
  std::vector<InModelRecord> out;
  for (const auto& r : runs_) {
    if (!r.measured) continue;
    InModelRecord record = r.record;
    const std::vector<double> times = layer_times_ms(r.graph, r.best);
    const std::vector<std::string> keys = layer_kernel_keys(r.graph);
    for (size_t i = 0; i < r.graph.size(); ++i)
      if (!keys[i].empty()) record.layers.push_back({keys[i], times[i]});
    out.push_back(std::move(record));
  }
  return out;
}

}  // namespace dnntune::calib
