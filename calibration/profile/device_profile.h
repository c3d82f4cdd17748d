#pragma once
// A calibrated device profile: per-layer-kind latency models fitted on calibration kernels, the
// engine's learned fusion rules, power, and provenance. Written and read as YAML (yaml-cpp):
//
//   dnntune_profile: 1                 # format version; other versions are rejected
//   device: host-opencv-1t
//   processor_kind: cpu
//   engine: {name: opencv, version: 4.6.0, threads: 1}
//   run_overhead_ms: 0.01              # per forward pass, outside every layer, plus:
//   reference_ms: 2.9                  # optional: the reference kernel at calibration
//   core_to_core_ns: 90                # optional: where the threads ran (host_info.h)
//   memory: {llc_bytes: .., weight_stream_GBps: .., model_stream_GBps: .., input_copy_GBps: ..,
//            l2_bytes: .., cache_stream_GBps: .., cache_stream_curve: [[bytes, GBps], ..]}
//           # optional (weight_stream: the stream probe, reference.h; model_stream: weights read
//           # inside whole-model runs, optional; input_copy: the inputs are copied in per run;
//           # l2_bytes, cache_stream_GBps, cache_stream_curve: optional, weights read from the
//           # caches beyond the level-2 one; the curve's bytes ascending, its rates > 0)
//   power: {source: declared|rapl|meter|undeclared, active_W: .., idle_W: ..}
//   fusion_rules: [{name, anchor_ops: [..], steps: [{ops: [..], optional: true}]}]
//   fused_cost: {Conv+Relu: 0.6, ...}  # share of a fused op's standalone time still paid
//   context_factor: {Conv: {at_1ms: 1.1, slope: -0.05, min_ms: 0.01, max_ms: 30}, "*": 1.05}
//           # optional: in a model / alone, per feature kind (ContextFactor; a number: constant)
//   kinds: {Conv: {form, roofline: [..], loglinear: [..], knn: {k, scale, points, residuals},
//                  stats: {samples, cv_mape_pct, train_mape_pct, candidates: {form: pct}}}}
//   provenance: {traces: [{path, hash}], date, host, tool_version, kernels, load_avg_1m}
//
// Unknown keys are rejected with the key, where it is, and the allowed keys.
#include <map>
#include <string>
#include <vector>

#include "calibration/fit/kind_model.h"
#include "hwmodels/latency/layer_latency_model.h"
#include "traces/graph/fusion_rules.h"

namespace dnntune::calib {

inline constexpr int kProfileVersion = 1;

struct ProfileProvenance {
  std::vector<std::pair<std::string, std::string>> traces;  // path, hash (hex)
  std::string date, host, tool_version;
  int kernels = 0;
  double load_avg_1m = 0;
};

struct ProfilePower {
  std::string source = "undeclared";  // "rapl", "meter", "declared", "undeclared"
  double active_W = 0;
  double idle_W = 0;
};

// How much slower a layer runs inside a model than alone, as a function of its time alone:
// factor(t) = at_1ms * (t / 1 ms)^slope, t clamped to [min_ms, max_ms] (the span it was learned
// over; 0: unbounded), so it never extrapolates beyond the layers it saw.
struct ContextFactor {
  double at_1ms = 1.0;
  double slope = 0.0;
  double min_ms = 0, max_ms = 0;
  ContextFactor() = default;
  ContextFactor(double constant) : at_1ms(constant) {}  // NOLINT: a constant factor reads as one
  double at(double alone_ms) const;
  bool operator==(const ContextFactor& o) const {
    return at_1ms == o.at_1ms && slope == o.slope && min_ms == o.min_ms && max_ms == o.max_ms;
  }
};

class DeviceProfile : public hw::LayerLatencyModel {
 public:
  std::string device;
  std::string processor_kind = "cpu";
  std::string engine, engine_version;
  int threads = 1;
  double run_overhead_ms = 0;
  double reference_ms = 0;     // reference kernel time at calibration (reference.h); 0 unknown
  double core_to_core_ns = 0;  // measure_core_to_core_ns() at calibration; 0 unknown
  // Memory: the host's last-level cache and the rate the stream probe read weights at (0 unknown).
  // Kernels are measured alone, their weights warm in cache; inside a model whose weights exceed
  // the cache a layer cannot run faster than its weights stream from memory.
  double llc_bytes = 0, weight_stream_GBps = 0;
  // The rate weight-bound layers (batch-1 Gemm) read their weights inside a model that evicts
  // them (kEvictingShare), learned from the calibration's whole-model runs whose weight-bound
  // layers exceed llc_bytes (learn_model_stream_GBps); 0 unknown: weight_stream_GBps instead.
  double model_stream_GBps = 0;
  // Each forward pass copies the model's inputs into the engine: the per-run overhead grows with
  // them (0: unknown, the overhead is run_overhead_ms alone).
  double input_copy_GBps = 0;
  // The host's level-2 cache and the rate weight-bound kernels alone read weights that exceed it
  // but fit kEvictingShare of llc_bytes (learn_cache_stream_GBps): from the last-level cache.
  // Alone, a layer whose weights fit the level-2 cache keeps them there between repeats; inside a
  // model whose weights and activations exceed that cache, the other layers evict them and they
  // come from the last-level cache. Measured (Xeon VM, 1 thread, run BB): mlp_mnist's 512x512
  // Gemm (1 MB; the level-2 cache 1 MB) ran alone at 0.025 ms (41 GB/s) and inside the model at
  // 0.045 ms (23 GB/s), the rate every weight-bound kernel of 1.6-16 MB ran at alone (21-25 GB/s).
  double l2_bytes = 0, cache_stream_GBps = 0;
  // The same rate as a function of the bytes touched between two reads of the weights, from the
  // calibration's cache ladder (sampler.h cache_ladder_specs, learn_cache_stream_curve); bytes
  // ascending. Empty (profiles from traces without a ladder): cache_stream_GBps at every size.
  // Why a curve: with T threads each reads 1/T of the weights into its own level-2 cache, so the
  // rate falls from the caches' to the last-level cache's over T-2T times l2_bytes. Measured
  // (square Gemms alone, 2 threads): 99 GB/s at 1.2 MB, 78 at 2.0, 61 at 2.4, 53 at 2.9, 46 from
  // 4 MB; mlp_mnist (2.7 MB touched per inference) read its weights at 54-55 inside the model.
  struct CacheRatePoint {
    double touched_bytes = 0, GBps = 0;
  };
  std::vector<CacheRatePoint> cache_stream_curve;
  // cache_stream_curve at `touched_bytes`, linear in log bytes between its points and flat beyond
  // them; cache_stream_GBps when the curve is empty.
  double cache_stream_GBps_at(double touched_bytes) const;
  // Time per forward pass outside every layer for a model with `input_bytes` of inputs.
  double run_overhead_ms_for(double input_bytes) const {
    return run_overhead_ms + (input_copy_GBps > 0 ? input_bytes / (input_copy_GBps * 1e6) : 0.0);
  }
  ProfilePower power;
  FusionRules fusion;
  // Share of a fused op's standalone time that it still costs inside its anchor ("Conv+Relu").
  std::map<std::string, double> fused_cost;
  std::map<std::string, KindModel> kinds;
  // How much slower a layer of this kind runs inside a model than alone, learned from the prior
  // models run whole during calibration (in_model records); "*" for kinds without enough layers.
  std::map<std::string, ContextFactor> context_factor;
  ProfileProvenance provenance;

  // Context factors are learned from layers whose kernel takes at least kContextFloorMs
  // (learn_context_factors) and are not extrapolated below it: a layer predicted under half the
  // floor gets none, and between half the floor and the floor the factor ramps in linearly.
  // 10 us: below it a layer's time inside a model (getPerfProfile) is mostly OpenCV's per-layer
  // overhead. Chosen on runs D and E of calibration/README.md (a 0.05 ms floor left 48 of their
  // 52 model predictions within +-10 %, this one 49), then confirmed on run F.
  static constexpr double kContextFloorMs = 0.01;

  // Inside a model that touches more than this share of llc_bytes per inference (its weights and
  // every layer's output), a layer's weights are evicted before its next run and come from
  // memory. Measured (1 thread, runs S and T): the classifier Gemm of every prior model
  // ran 2.4-3.6x its time alone, mobilenet_v3_small's too (10 MB of weights, 23.5 MB touched, the
  // host's LLC 32 MB: the VM shares it with other tenants), mlp_mnist's layers 1.02-1.04x (2.7 MB).
  static constexpr double kEvictingShare = 0.5;

  // Contract (hw::LayerLatencyModel): the model of the layer's kind, or the nearest fallback kind
  // (kind_fallbacks), ending with "default"; infeasible only when none exists.
  // The layer alone, as a calibration kernel measures it.
  hw::LayerEstimate estimate(const Layer& layer) const override;
  // In a model (context.in_model): times the kind's context_factor (ramped in near
  // kContextFloorMs); then bounded below by weight_bytes / model_stream_GBps when the model's
  // weights and activations exceed kEvictingShare of llc_bytes (weight_stream_GBps when
  // model_stream_GBps is unknown). A weight-bound layer (features.h) of such a model gets the
  // bound without the factor. In a model that fits that share of the cache but not l2_bytes, a
  // weight-bound layer gets, without the factor, weight_bytes / cache_stream_GBps_at(the model's
  // weight and activation bytes) as its bound.
  // Alone, or in a model that fits the cache, by weight_bytes / weight_stream_GBps when the layer's
  // own weights exceed llc_bytes.
  hw::LayerEstimate estimate(const Layer& layer, const hw::ModelContext& context) const override;
  std::string describe() const override { return "profile(" + device + ")"; }
  // The model that estimate() uses for this feature kind, nullptr when none.
  const KindModel* model_for(const std::string& kind) const;
  // context_factor of the kind or its nearest fallback, else "*", else 1, for a layer that takes
  // `alone_ms` alone.
  double context_factor_for(const std::string& kind, double alone_ms = 1.0) const;
  // Time of the ops fused after `anchor` (activations; BatchNorm and bias Add fold into weights):
  // sum of fused_cost share x the op's standalone model on the layer's output, as that op would
  // see it alone: the anchor's output bytes, channels and spatial size (`anchor_features` holds
  // them); after a Gemm or MatMul, share x the model on the fusion probe's [1, 4096] output, per
  // output element. The ops are [first, last): a range of the layer's own op list, so the predict
  // hot path copies nothing.
  double fused_tail_ms(const std::string& anchor, const std::string* first, const std::string* last,
                       const LayerFeatures& anchor_features) const;

  // Everything estimate() looks up by name for a layer: its feature kind's model, the shares and
  // models of its fused tail, its context factor. predict_model resolves it once per distinct
  // (feature kind, layer kind, ops) of a model instead of once per layer: the map lookups, key
  // strings and fallback chains cost 20 % of a 1,000-layer predict (perf, Xeon VM).
  struct KindPlan {
    const KindModel* model = nullptr;        // nullptr: the kind has no model nor fallback
    const ContextFactor* context = nullptr;  // nullptr: no factor (1)
    struct TailOp {
      double share;
      const KindModel* model;
      // > 0: the op costs this per output element (after a Gemm or MatMul), else share x model.
      double per_element_ms = 0;
    };
    std::vector<TailOp> tail;
  };
  KindPlan plan_for(const Layer& layer, const std::string& feature_kind) const;
  // estimate(layer, context) with f = features_of(layer) and plan = plan_for(layer, f.kind).
  hw::LayerEstimate estimate(const Layer& layer, const LayerFeatures& f, const KindPlan& plan,
                             const hw::ModelContext& context) const;

 private:
  const ContextFactor* context_factor_of(const std::string& kind) const;
  std::vector<KindPlan::TailOp> tail_plan(const std::string& anchor, const std::string* first,
                                          const std::string* last) const;
  static double tail_ms(const std::vector<KindPlan::TailOp>& tail, const LayerFeatures& anchor);
};

std::string profile_to_yaml(const DeviceProfile& profile);
// Throws InputError(source, ...) for YAML errors, a missing/foreign/other version, unknown keys.
DeviceProfile parse_profile(const std::string& text, const std::string& source);
DeviceProfile read_profile(const std::string& path);

}  // namespace dnntune::calib
