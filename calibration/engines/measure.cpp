#include "calibration/engines/measure.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace dnntune::calib {

double Measurement::node_sum_ms() const {
  double sum = 0;
  for (const auto& [node, ms] : node_median_ms) sum += ms;
  return sum;
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

Measurement measure(LoadedModel& model, const MeasureOptions& options) {
  const auto warmup_start = std::chrono::steady_clock::now();
  for (int i = 0; i < options.warmup_runs; ++i) model.run();
  while (options.warmup_min_ms > 0 &&
         std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - warmup_start)
                 .count() < options.warmup_min_ms)
    model.run();
  std::vector<double> totals, layer_sums, walls, factors;
  std::map<std::string, std::vector<double>> nodes;
  std::vector<double> medians;
  const auto start = std::chrono::steady_clock::now();
  while (static_cast<int>(totals.size()) < options.max_repeats) {
    RunTiming t = model.run();
    walls.push_back(t.total_ms);
    double factor = 1;
    // Only for one thread: with several, an engine worker idling at a barrier is
    // indistinguishable from preemption and small kernels would be scaled down wrongly.
    if (options.correct_contention && options.threads == 1 && t.cpu_ms >= 0 && t.total_ms > 0)
      factor = std::clamp(t.cpu_ms / std::max(1, options.threads) / t.total_ms, 0.05, 1.0);
    factors.push_back(factor);
    t.total_ms *= factor;
    for (auto& [node, ms] : t.node_ms) ms *= factor;
    totals.push_back(t.total_ms);
    double sum = 0;
    for (const auto& [node, ms] : t.node_ms) sum += ms;
    layer_sums.push_back(sum);
    for (const auto& [node, ms] : t.node_ms) nodes[node].push_back(ms);
    medians.push_back(percentile(totals, 0.5));
    const int n = static_cast<int>(totals.size());
    if (n < options.min_repeats) continue;
    const double spent_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (spent_ms > options.max_time_ms) break;
    // Stable: the running median moved less than stable_rel over the last three repeats.
    const double m_now = medians.back(), m_before = medians[medians.size() - 3];
    if (std::abs(m_now - m_before) <= options.stable_rel * m_now) break;
  }
  Measurement m;
  m.repeats = static_cast<int>(totals.size());
  m.median_ms = percentile(totals, 0.5);
  m.p10_ms = percentile(totals, 0.1);
  m.p90_ms = percentile(totals, 0.9);
  m.wall_median_ms = percentile(walls, 0.5);
  m.cpu_share = percentile(factors, 0.5);
  m.layers_median_ms = percentile(layer_sums, 0.5);
  m.layers_p10_ms = percentile(layer_sums, 0.1);
  m.layers_p90_ms = percentile(layer_sums, 0.9);
  m.noisy = m.median_ms > 0 && (m.p90_ms - m.p10_ms) / m.median_ms > options.noisy_spread;
  for (auto& [node, values] : nodes) m.node_median_ms[node] = percentile(values, 0.5);
  return m;
}

Measurement less_noisy(const Measurement& a, const Measurement& b) {
  auto spread = [](const Measurement& m) {
    return m.median_ms > 0 ? (m.p90_ms - m.p10_ms) / m.median_ms : 1e9;
  };
  return spread(b) < spread(a) ? b : a;
}

Measurement faster(const Measurement& a, const Measurement& b) {
  Measurement m = b.median_ms < a.median_ms ? b : a;
  m.repeats = a.repeats + b.repeats;
  return m;
}

}  // namespace dnntune::calib
