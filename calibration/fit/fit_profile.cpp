#include "calibration/fit/fit_profile.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "calibration/engines/measure.h"
#include "calibration/fit/fusion_learning.h"
#include "calibration/host_info.h"
#include "calibration/power/rapl.h"
#include "calibration/predict.h"
#include "calibration/reference.h"
#include "traces/common/error.h"

namespace dnntune::calib {
namespace {

// A kernel the fit learns from: neither noisy nor measured in a slow machine state.
bool trusted(const KernelRecord& k) {
  return !k.noisy && !slow_state(k.state_ratio);
}

}  // namespace

std::vector<const InModelRecord*> usable_in_model_runs(
    const std::vector<InModelRecord>& in_model, const std::vector<std::string>& exclude_models) {
  auto pick = [&](double max_state) {
    std::vector<const InModelRecord*> out;
    for (const auto& m : in_model)
      if (m.state_ratio <= max_state &&
          std::find(exclude_models.begin(), exclude_models.end(), m.model) == exclude_models.end())
        out.push_back(&m);
    return out;
  };
  std::vector<const InModelRecord*> fast = pick(kFastStateRatio);
  return fast.size() >= kMinFastModelRuns ? fast : pick(kSlowStateRatio);
}

ContextFactor fit_context_factor(const std::vector<std::pair<double, double>>& alone_and_in_ms) {
  const double n = static_cast<double>(alone_and_in_ms.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0, lo = 0, hi = 0;
  for (const auto& [alone, in] : alone_and_in_ms) {
    const double x = std::log(alone), y = std::log(in / alone);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
    lo = lo > 0 ? std::min(lo, alone) : alone;
    hi = std::max(hi, alone);
  }
  ContextFactor f;
  if (n == 0) return f;
  const double var = sxx / n - (sx / n) * (sx / n);
  if (var < kContextMinLogSpread * kContextMinLogSpread) {
    f.at_1ms = std::exp(sy / n);
    return f;
  }
  f.slope = std::clamp((sxy / n - (sx / n) * (sy / n)) / var, -kContextMaxSlope, kContextMaxSlope);
  f.at_1ms = std::exp(sy / n - f.slope * sx / n);
  f.min_ms = lo;
  f.max_ms = hi;
  return f;
}

std::map<std::string, ContextFactor> learn_context_factors(
    const std::vector<const KernelRecord*>& kernels, const std::vector<InModelRecord>& in_model,
    const std::vector<std::string>& exclude_models) {
  std::map<std::string, const KernelRecord*> alone;  // key -> fastest trusted kernel
  for (const KernelRecord* k : kernels) {
    if (!trusted(*k)) continue;
    auto [it, fresh] = alone.emplace(k->spec.key(), k);
    if (!fresh && k->median_ms < it->second->median_ms) it->second = k;
  }
  std::map<std::string, std::vector<std::pair<double, double>>> layers;  // kind -> (alone, in)
  for (const InModelRecord* m : usable_in_model_runs(in_model, exclude_models)) {
    for (const auto& l : m->layers) {
      auto it = alone.find(l.key);
      if (it == alone.end() || it->second->median_ms < DeviceProfile::kContextFloorMs) continue;
      const double t = it->second->median_ms;
      // A layer the engine skipped inside the model (a Concat its branches wrote in place) is not
      // slowed by its context: predict.h models it.
      if (l.ms < kZeroNodeShare * t) continue;
      if (weight_bound(it->second->features)) continue;
      for (const std::string& kind : {it->second->features.kind, std::string("*")})
        layers[kind].emplace_back(t, std::clamp(l.ms, 0.5 * t, 2.0 * t));
    }
  }
  std::map<std::string, ContextFactor> factors;
  for (const auto& [kind, pairs] : layers)
    if (pairs.size() >= 5) factors[kind] = fit_context_factor(pairs);
  return factors;
}

double learn_model_stream_GBps(const std::vector<const KernelRecord*>& kernels,
                               const std::vector<InModelRecord>& in_model,
                               const std::vector<std::string>& exclude_models, double llc_bytes) {
  if (llc_bytes <= 0) return 0;
  std::map<std::string, const KernelRecord*> shape;  // key -> any kernel of that configuration
  for (const KernelRecord* k : kernels) shape.emplace(k->spec.key(), k);
  std::vector<double> rates;  // GB/s, one per qualifying model
  for (const InModelRecord* m : usable_in_model_runs(in_model, exclude_models)) {
    double bytes = 0, ms = 0;  // of the model's weight-bound layers
    for (const auto& l : m->layers) {
      auto it = shape.find(l.key);
      if (it == shape.end() || l.ms <= 0 || !weight_bound(it->second->features)) continue;
      bytes += it->second->features.weight_bytes;
      ms += l.ms;
    }
    if (bytes > llc_bytes) rates.push_back(bytes / (ms * 1e6));
  }
  return rates.empty() ? 0.0 : percentile(rates, 0.5);
}

double learn_cache_stream_GBps(const std::vector<const KernelRecord*>& kernels, double l2_bytes,
                               double llc_bytes) {
  if (l2_bytes <= 0 || llc_bytes <= l2_bytes) return 0;
  std::vector<double> rates;
  for (const KernelRecord* k : kernels) {
    const double bytes = k->features.weight_bytes;
    if (trusted(*k) && k->median_ms > 0 && weight_bound(k->features) && bytes > l2_bytes &&
        bytes <= DeviceProfile::kEvictingShare * llc_bytes)
      rates.push_back(bytes / (k->median_ms * 1e6));
  }
  return rates.size() >= kMinCacheStreamKernels ? percentile(rates, 0.5) : 0.0;
}

std::vector<DeviceProfile::CacheRatePoint> learn_cache_stream_curve(
    const std::vector<const KernelRecord*>& kernels) {
  std::map<double, std::vector<double>> rates;  // weight bytes -> GB/s of each trusted run
  for (const KernelRecord* k : kernels)
    if (k->spec.origin == "ladder" && trusted(*k) && k->median_ms > 0)
      rates[k->features.weight_bytes].push_back(k->features.weight_bytes / (k->median_ms * 1e6));
  std::vector<DeviceProfile::CacheRatePoint> curve;
  if (rates.size() < kMinCacheLadderPoints) return curve;
  for (const auto& [bytes, r] : rates) curve.push_back({bytes, percentile(r, 0.5)});
  // Each point the median of itself and its neighbours: one slow run does not bend the curve,
  // and a monotone stretch (the fall beyond the level-2 caches) is left as it was.
  std::vector<DeviceProfile::CacheRatePoint> smooth = curve;
  for (size_t i = 1; i + 1 < curve.size(); ++i)
    smooth[i].GBps = percentile({curve[i - 1].GBps, curve[i].GBps, curve[i + 1].GBps}, 0.5);
  return smooth;
}

void fit_run_overhead(const std::vector<std::pair<double, double>>& overheads, DeviceProfile& p) {
  // The wall clock of a forward pass exceeds the sum of its layers by a constant plus the copy of
  // the inputs into the engine. One calibration, 1 thread: 0.35-0.46 us per pass below 4 KB of
  // input, 1.5 us at 64 KB, 10.6 us at 512 KB, 92 us at 4 MB (about 50 GB/s). A single median
  // over all kernels depended on the mix of kernel sizes (2.5-4.9 us between calibrations), 15 %
  // of mlp_mnist's 0.03 ms.
  std::vector<double> small, all;
  for (const auto& [bytes, ms] : overheads) {
    all.push_back(ms);
    if (bytes <= kSmallInputBytes) small.push_back(ms);
  }
  if (small.size() < 5) {
    p.run_overhead_ms = percentile(all, 0.5);
    p.input_copy_GBps = 0;
    return;
  }
  p.run_overhead_ms = percentile(small, 0.5);
  std::vector<double> rates;  // GB/s = bytes / (ms * 1e6)
  for (const auto& [bytes, ms] : overheads)
    if (bytes >= kCopyRateMinBytes && bytes <= kCopyRateMaxBytes && ms > p.run_overhead_ms)
      rates.push_back(bytes / ((ms - p.run_overhead_ms) * 1e6));
  p.input_copy_GBps = rates.size() >= 5 ? percentile(rates, 0.5) : 0.0;
}

std::vector<bool> admitted_by_tail_share(const std::vector<const KernelRecord*>& records,
                                         const std::vector<double>& tails_ms) {
  std::map<std::string, int> within_share;  // trusted kernels within kMaxTailShare, per kind
  for (size_t i = 0; i < records.size(); ++i)
    if (trusted(*records[i]) && tails_ms[i] <= kMaxTailShare * records[i]->median_ms)
      ++within_share[records[i]->features.kind];
  std::vector<bool> admitted(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const double max_share = within_share[records[i]->features.kind] >= kFewKernelsForTailShare
                                 ? kMaxTailShare
                                 : kMaxTailShareFewKernels;
    admitted[i] = tails_ms[i] <= max_share * records[i]->median_ms;
  }
  return admitted;
}

bool is_excluded(const KernelRecord& k, const FitProfileOptions& options) {
  if (options.exclude_keys.count(k.spec.key())) return true;
  return std::find(options.exclude_models.begin(), options.exclude_models.end(),
                   k.spec.source_model) != options.exclude_models.end();
}

DeviceProfile fit_profile(const std::vector<std::pair<std::string, Trace>>& traces,
                          const FitProfileOptions& options, std::vector<std::string>* notes) {
  if (traces.empty()) throw InputError("<command line>", "dnntune fit needs at least one trace");
  const TraceHeader& first = traces.front().second.header;
  DeviceProfile p;
  p.engine = first.engine;
  p.engine_version = first.engine_version;
  p.threads = first.threads;
  p.device = options.device.empty()
                 ? "host-" + first.engine + "-" + std::to_string(first.threads) + "t"
                 : options.device;
  std::map<std::string, std::vector<Sample>> clean, all;
  std::vector<const KernelRecord*> records;
  std::vector<const KernelRecord*> every_kernel;  // held-out ones too: their shapes, not times
  std::vector<FusionProbe> probes;
  std::vector<std::pair<double, double>> overheads;  // (input bytes, ms) of each kernel
  double energy_power_sum = 0;
  int energy_n = 0;
  for (const auto& [path, trace] : traces) {
    const auto& h = trace.header;
    if (h.engine != first.engine || h.threads != first.threads || h.host_cpu != first.host_cpu)
      throw InputError(path, "trace is from " + h.engine + " with " + std::to_string(h.threads) +
                                 " threads on '" + h.host_cpu + "', the first trace from " +
                                 first.engine + " with " + std::to_string(first.threads) +
                                 " threads on '" + first.host_cpu +
                                 "': one profile describes one device and engine setting");
    char hash[17];
    std::snprintf(hash, sizeof(hash), "%016llx",
                  static_cast<unsigned long long>(trace.content_hash));
    p.provenance.traces.emplace_back(path, hash);
    p.provenance.kernels += static_cast<int>(trace.kernels.size());
    p.provenance.load_avg_1m = std::max(p.provenance.load_avg_1m, h.load_avg_1m);
    probes.insert(probes.end(), trace.fusion.begin(), trace.fusion.end());
    if (h.llc_bytes > 0) p.llc_bytes = h.llc_bytes;
    if (h.l2_bytes > 0) p.l2_bytes = h.l2_bytes;
    if (h.stream_ms > 0 && h.stream_weight_bytes > 0)  // the fastest probe among the traces
      p.weight_stream_GBps =
          std::max(p.weight_stream_GBps, h.stream_weight_bytes / (h.stream_ms * 1e6));
    if (h.core_to_core_ns > 0 && p.core_to_core_ns <= 0) p.core_to_core_ns = h.core_to_core_ns;
    if (h.reference_ms > 0)
      p.reference_ms =
          p.reference_ms > 0 ? std::min(p.reference_ms, h.reference_ms) : h.reference_ms;
    for (const auto& k : trace.kernels) {
      every_kernel.push_back(&k);
      if (!is_excluded(k, options)) records.push_back(&k);
    }
  }
  // A lower bound must not exceed what was seen: the rate is raised to the fastest any kernel
  // whose weights exceed the cache streamed them at (the probe's one shape may be slower).
  if (p.llc_bytes > 0 && p.weight_stream_GBps > 0)
    for (const KernelRecord* k : records)
      if (k->features.weight_bytes > 2 * p.llc_bytes && k->median_ms > 0 && trusted(*k))
        p.weight_stream_GBps =
            std::max(p.weight_stream_GBps, k->features.weight_bytes / (k->median_ms * 1e6));
  std::vector<InModelRecord> in_model;
  for (const auto& [path, trace] : traces)
    in_model.insert(in_model.end(), trace.in_model.begin(), trace.in_model.end());
  if (options.context_factors)
    p.context_factor = learn_context_factors(records, in_model, options.exclude_models);
  p.model_stream_GBps =
      learn_model_stream_GBps(every_kernel, in_model, options.exclude_models, p.llc_bytes);
  p.cache_stream_GBps = learn_cache_stream_GBps(records, p.l2_bytes, p.llc_bytes);
  p.cache_stream_curve = learn_cache_stream_curve(records);
  p.fusion = learn_fusion_rules(probes);
  p.fused_cost = learn_fused_cost(probes);
  // Standalone ops first: a kernel with a fused activation trains its anchor's model on its time
  // minus what the activation still costs inside it (from the standalone model and fused_cost).
  for (int pass = 0; pass < 2; ++pass) {
    all.clear();
    clean.clear();
    // Each kernel's fused tail (pass 1), and per kind how many trusted kernels it leaves within
    // kMaxTailShare: a kind with fewer admits tails up to kMaxTailShareFewKernels.
    std::vector<double> tails_ms(records.size(), 0.0);
    for (size_t i = 0; pass == 1 && i < records.size(); ++i) {
      const KernelRecord& k = *records[i];
      if (k.spec.activation.empty()) continue;
      const std::string* tail = &k.spec.activation;
      tails_ms[i] = p.fused_tail_ms(k.spec.op, tail, tail + 1, k.features);
    }
    const std::vector<bool> admitted = admitted_by_tail_share(records, tails_ms);
    for (size_t i = 0; i < records.size(); ++i) {
      const KernelRecord& k = *records[i];
      if (pass == 0 && !k.spec.activation.empty()) continue;
      if (!admitted[i]) continue;
      const double tail_ms = tails_ms[i];
      const Sample s{k.features, std::max(k.median_ms - tail_ms, 0.3 * k.median_ms)};
      all[k.features.kind].push_back(s);
      const bool use = trusted(k);
      if (use) clean[k.features.kind].push_back(s);
      if (k.features.macs == 0) {
        all["default"].push_back(s);
        if (use) clean["default"].push_back(s);
      }
      if (pass == 1) {
        overheads.emplace_back(k.features.input_bytes,
                               std::max(0.0, k.total_median_ms - k.median_ms));
        if (k.energy_mJ >= 0 && k.total_median_ms > 0) {
          energy_power_sum += k.energy_mJ / k.total_median_ms;  // mJ/ms = W
          ++energy_n;
        }
      }
    }
    if (pass == 1 && all.empty())
      throw InputError(traces.front().first, "the trace holds no kernel records: nothing to fit");
    for (const auto& [kind, samples] : all) {
      const auto& use = options.drop_noisy && clean[kind].size() >= 8 ? clean[kind] : samples;
      p.kinds[kind] = fit_kind_model(use, options.fit);
    }
  }
  fit_run_overhead(overheads, p);
  if (probes.empty() && notes)
    notes->push_back("no fusion probes in the traces: default fusion rules kept");
  if (energy_n > 0) {
    p.power.source = "rapl";
    p.power.active_W = energy_power_sum / energy_n;
    p.power.idle_W = options.declared_idle_W;
  } else if (!options.power_log.empty()) {
    const PowerLog log = read_power_log(options.power_log);
    p.power.source = "meter";
    p.power.active_W = log.mean_power_W();
    p.power.idle_W = options.declared_idle_W;
  } else {
    if (notes)
      notes->push_back(
          "no RAPL energy in the traces (this machine exposes no /sys/class/powercap counters): "
          "power uses the declared active/idle values");
    p.power.source = options.declared_active_W > 0 ? "declared" : "undeclared";
    p.power.active_W = options.declared_active_W;
    p.power.idle_W = options.declared_idle_W;
  }
  p.provenance.date = utc_now_iso();
  p.provenance.host = first.host_cpu;
  p.provenance.tool_version = DNNTUNE_VERSION;
  return p;
}

}  // namespace dnntune::calib
