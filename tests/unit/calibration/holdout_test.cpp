// Leave-one-model-out on calibration kernels (dnntune crossval): strict exclusion of the held-out
// model's layer configurations, and a closed-form check: kernels that follow an exact law let the
// fit predict a model it never saw with (almost) no error.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "calibration/fit/holdout.h"
#include "calibration/kernels/sampler.h"
#include "calibration/predict.h"
#include "tests/test_paths.h"
#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::calib {
namespace {

// The exact law every synthetic kernel follows:
// t_ms = 0.002 + 1e-6 ms per MAC + 1e-7 ms per byte moved (input + output + weights).
double law_ms(const LayerFeatures& f) {
  return 0.002 + 1e-6 * f.macs + 1e-7 * (f.input_bytes + f.output_bytes + f.weight_bytes);
}

KernelRecord record_of(const KernelSpec& spec) {
  const LayerGraph g = build_layer_graph(build_kernel(spec), "kernel " + spec.key(), {});
  KernelRecord r;
  r.spec = spec;
  r.features = features_of(g.layer(0));
  r.median_ms = r.p10_ms = r.p90_ms = r.total_median_ms = law_ms(r.features);
  r.repeats = 5;
  return r;
}

Trace law_trace(const std::string& model) {
  Trace t;
  t.header.engine = "opencv";
  t.header.threads = 1;
  t.header.host_cpu = "test";
  t.header.priors = {model};
  const PriorSet priors = prior_specs({model}, {}, default_fusion_rules());
  std::mt19937 rng(7);
  for (const KernelSpec& p : priors.specs) {
    KernelSpec own = p;
    // One configuration of the model recorded under another model (a configuration two models
    // share is recorded once): the strict exclusion must still drop it.
    if (&p == &priors.specs.front()) own.source_model = "another_model";
    t.kernels.push_back(record_of(own));
    for (int i = 0; i < 40; ++i) {  // neighbours: some from the model, most from elsewhere
      KernelSpec n = perturb(p, rng, i < 5 ? "near" : "spread");
      n.source_model = i < 5 ? p.source_model : "";
      if (n.key() != p.key() && spec_is_measurable(n)) t.kernels.push_back(record_of(n));
    }
  }
  return t;
}

TEST(Holdout, ExactLawPredictsTheHeldOutModelAndExclusionIsStrict) {
  const std::string model = test::test_data("tiny_cnn.onnx");
  const std::vector<std::pair<std::string, Trace>> traces = {{"law.jsonl", law_trace(model)}};
  const HoldoutSummary s = holdout_models(traces, {model}, {});
  ASSERT_EQ(s.rows.size(), 1u);
  const HoldoutRow& r = s.rows[0];
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.model, "tiny_cnn");
  EXPECT_EQ(r.matched, r.layers);
  EXPECT_GE(r.layers, 7);
  // Every layer configuration and the 5 "near" neighbours per layer are left out, including the
  // one recorded under another model's name.
  const int layer_kernels =
      static_cast<int>(prior_specs({model}, {}, default_fusion_rules()).specs.size());
  EXPECT_GE(r.excluded_kernels, layer_kernels);
  FitProfileOptions by_name_only;
  by_name_only.exclude_models = {"tiny_cnn"};
  int by_name = 0;
  for (const auto& k : traces[0].second.kernels) by_name += is_excluded(k, by_name_only);
  EXPECT_LT(by_name, r.excluded_kernels);  // the shared configuration is caught by its key only
  // The law is additive in MACs and bytes: the roofline form recovers it from the other kernels.
  EXPECT_LT(std::abs(r.error_pct), 5.0) << r.predicted_ms << " vs " << r.kernel_ms;
  EXPECT_DOUBLE_EQ(s.within_10pct, 1.0);
}

TEST(Holdout, ModelExclusionsResolveStemsThroughThePriors) {
  const std::string model = test::test_data("tiny_cnn.onnx");
  const std::vector<std::pair<std::string, Trace>> traces = {{"law.jsonl", law_trace(model)}};
  FitProfileOptions options;
  options.exclude_models = {"tiny_cnn"};
  add_model_exclusions(traces, options);
  EXPECT_EQ(options.exclude_keys.size(),
            prior_specs({model}, {}, default_fusion_rules()).specs.size());
  options.exclude_models = {"no_such_model"};
  EXPECT_THROW(add_model_exclusions(traces, options), InputError);
  // A model that is not loadable gives an error row, not an exception.
  const HoldoutSummary s = holdout_models(traces, {"/nonexistent/model.onnx"}, {});
  ASSERT_EQ(s.rows.size(), 1u);
  EXPECT_FALSE(s.rows[0].error.empty());
}

TEST(ContextFactors, InModelOverAlonePerKindWithClipping) {
  // Six Conv layers: alone 1 ms each, in the model 1.2 ms -> Conv 1.2 (all the same size: no
  // slope). One Relu layer (too few for its own factor) alone 0.1 ms, in the model 1 ms: clipped
  // to 2x. "*" over all seven: ln(ratio) = ln(1.2) at ln(1 ms) = 0 and ln(2) at ln(0.1 ms), so
  // at_1ms = 1.2 and slope = (ln 2 - ln 1.2) / ln 0.1 = -0.2218, over 0.1-1 ms.
  std::vector<KernelRecord> records;
  InModelRecord m{"net", 1.0, {}};
  for (int i = 0; i < 6; ++i) {
    KernelRecord k;
    k.spec.op = "Conv";
    k.spec.input = {1, 8 + i, 8, 8};
    k.features.kind = "Conv";
    k.median_ms = 1.0;
    records.push_back(k);
    m.layers.push_back({k.spec.key(), 1.2});
  }
  KernelRecord relu;
  relu.spec.op = "Relu";
  relu.spec.input = {1, 8, 8, 8};
  relu.features.kind = "Relu";
  relu.median_ms = 0.1;
  records.push_back(relu);
  m.layers.push_back({relu.spec.key(), 1.0});
  m.layers.push_back({"never-measured", 5.0});  // no kernel: ignored
  std::vector<const KernelRecord*> ptrs;
  for (const auto& r : records) ptrs.push_back(&r);
  const auto f = learn_context_factors(ptrs, {m}, {});
  ASSERT_EQ(f.count("Conv"), 1u);
  EXPECT_NEAR(f.at("Conv").at_1ms, 1.2, 1e-12);
  EXPECT_EQ(f.at("Conv").slope, 0);
  EXPECT_EQ(f.count("Relu"), 0u);
  EXPECT_NEAR(f.at("*").at_1ms, 1.2, 1e-9);
  EXPECT_NEAR(f.at("*").slope, (std::log(2.0) - std::log(1.2)) / std::log(0.1), 1e-9);
  EXPECT_NEAR(f.at("*").min_ms, 0.1, 1e-12);
  EXPECT_NEAR(f.at("*").max_ms, 1.0, 1e-12);
  EXPECT_NEAR(f.at("*").at(0.1), 2.0, 1e-9);
  EXPECT_NEAR(f.at("*").at(0.01), 2.0, 1e-9);  // clamped to the span it was learned over
  // The held-out model's own runs and slow-state runs teach nothing.
  EXPECT_TRUE(learn_context_factors(ptrs, {m}, {"net"}).empty());
  InModelRecord slow = m;
  slow.state_ratio = 1.6;
  EXPECT_TRUE(learn_context_factors(ptrs, {slow}, {}).empty());
}

TEST(ContextFactors, PowerLawInTheTimeAloneRecoveredAndBounded) {
  // Ratios 1.1 * t^-0.1 for t = 0.01..10 ms: the fit recovers at_1ms = 1.1 and slope = -0.1.
  std::vector<std::pair<double, double>> pairs;
  for (double t : {0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0})
    pairs.emplace_back(t, t * 1.1 * std::pow(t, -0.1));
  ContextFactor f = fit_context_factor(pairs);
  EXPECT_NEAR(f.at_1ms, 1.1, 1e-9);
  EXPECT_NEAR(f.slope, -0.1, 1e-9);
  EXPECT_NEAR(f.at(0.01), 1.1 * std::pow(0.01, -0.1), 1e-9);
  EXPECT_NEAR(f.at(100), 1.1 * std::pow(10.0, -0.1), 1e-9);  // beyond 10 ms: held at 10 ms
  // A steeper law is clamped to kContextMaxSlope.
  for (auto& [t, in] : pairs) in = t * std::pow(t, -0.8);
  EXPECT_NEAR(fit_context_factor(pairs).slope, -kContextMaxSlope, 1e-12);
  // Layers of nearly one size (ln spread < kContextMinLogSpread): one constant, the geometric
  // mean ratio sqrt(1.1 * 1.3).
  f = fit_context_factor({{1.0, 1.1}, {1.2, 1.56}});
  EXPECT_EQ(f.slope, 0);
  EXPECT_NEAR(f.at_1ms, std::sqrt(1.1 * 1.3), 1e-12);
  EXPECT_EQ(fit_context_factor({}).at_1ms, 1.0);
}

TEST(ContextFactors, FastStateRunsOnlyWhenThereAreEnough) {
  // Three runs in the fast state (<= 1.1) and one at 1.15, between fast and slow: the 1.15 run is
  // left out while kMinFastModelRuns fast ones remain, and taken when it is all there is.
  auto run = [](const std::string& name, double state) { return InModelRecord{name, state, {}}; };
  const std::vector<InModelRecord> runs = {run("a", 1.0), run("b", 1.05), run("c", 0.0),
                                           run("d", 1.15), run("e", 1.3)};
  auto names = [](const std::vector<const InModelRecord*>& picked) {
    std::string out;
    for (const auto* m : picked) out += m->model;
    return out;
  };
  EXPECT_EQ(names(usable_in_model_runs(runs, {})), "abc");  // 0: not probed, counts as fast
  EXPECT_EQ(names(usable_in_model_runs(runs, {"b"})), "acd");
  EXPECT_EQ(names(usable_in_model_runs({runs[3], runs[4]}, {})), "d");
}

TEST(ModelStream, MedianModelWhoseWeightBoundLayersExceedTheCache) {
  // Model "net": three batch-1 Gemms (0.25 MAC per weight byte): 40 MB in 2 ms, 20 MB in 1 ms,
  // 8 MB in 0.5 ms, and a Conv (compute-bound: 100 MACs per weight byte) that does not count.
  // Its rate: 68e6 B / 3.5e-3 s = 19.43 GB/s.
  std::vector<KernelRecord> records;
  InModelRecord net{"net", 1.0, {}};
  auto gemm = [&](InModelRecord& m, int64_t k, int64_t n, double in_model_ms) {
    KernelRecord r;
    r.spec.op = "Gemm";
    r.spec.input = {1, k};
    r.spec.out_channels = n;
    r.features.kind = "Gemm";
    r.features.weight_bytes = 4.0 * k * n;
    r.features.macs = static_cast<double>(k) * n;
    r.median_ms = 0.1;  // alone, warm in cache: not used
    records.push_back(r);
    m.layers.push_back({r.spec.key(), in_model_ms});
  };
  gemm(net, 10000, 1000, 2.0);  // 40 MB
  gemm(net, 5000, 1000, 1.0);   // 20 MB
  gemm(net, 2000, 1000, 0.5);   // 8 MB
  KernelRecord conv;
  conv.spec.op = "Conv";
  conv.spec.input = {1, 64, 56, 56};
  conv.features.kind = "Conv";
  conv.features.weight_bytes = 2e6;
  conv.features.macs = 2e8;
  records.push_back(conv);
  net.layers.push_back({conv.spec.key(), 3.0});
  net.layers.push_back({"never-measured", 5.0});  // no kernel: ignored
  // Model "wide": one 48 MB Gemm in 2 ms: 24 GB/s; model "fast": 40 MB in 1 ms, 40 GB/s.
  InModelRecord wide{"wide", 1.0, {}};
  gemm(wide, 12000, 1000, 2.0);
  InModelRecord fast{"fast", 1.0, {}};
  gemm(fast, 10000, 1000, 1.0);
  // Model "small": an 8 MB Gemm in 0.1 ms (80 GB/s) streams less than the cache: ignored.
  InModelRecord small{"small", 1.0, {}};
  gemm(small, 2000, 1000, 0.1);
  std::vector<const KernelRecord*> ptrs;
  for (const auto& r : records) ptrs.push_back(&r);
  EXPECT_NEAR(learn_model_stream_GBps(ptrs, {net}, {}, 32e6), 68e6 / 3.5e-3 / 1e9, 1e-9);
  // The median model of three: 24 GB/s ("small" does not count).
  EXPECT_NEAR(learn_model_stream_GBps(ptrs, {net, wide, fast, small}, {}, 32e6), 24.0, 1e-9);
  // Held out, or measured in a slow state: that model teaches nothing; the median of two is
  // their mean, (19.43 + 40) / 2.
  EXPECT_NEAR(learn_model_stream_GBps(ptrs, {net, wide, fast}, {"wide"}, 32e6),
              (68e6 / 3.5e-3 / 1e9 + 40.0) / 2, 1e-9);
  InModelRecord slow = wide;
  slow.state_ratio = 1.6;
  EXPECT_NEAR(learn_model_stream_GBps(ptrs, {net, slow, fast}, {}, 32e6),
              (68e6 / 3.5e-3 / 1e9 + 40.0) / 2, 1e-9);
  // With a 100 MB cache no model's weight-bound layers exceed it: nothing learned.
  EXPECT_EQ(learn_model_stream_GBps(ptrs, {net, wide, fast, small}, {}, 100e6), 0.0);
  EXPECT_EQ(learn_model_stream_GBps(ptrs, {small}, {}, 32e6), 0.0);
}

TEST(CacheStream, MedianRateOfWeightBoundKernelsBetweenTheLevel2CacheAndHalfTheLastLevel) {
  // Level-2 cache 1 MB, last level 32 MB: weight-bound kernels with 1-16 MB of weights count.
  std::vector<KernelRecord> records;
  auto gemm = [&](double weight_mb, double ms, double macs_per_byte = 0.25) {
    KernelRecord r;
    r.spec.op = "Gemm";
    r.features.kind = "Gemm";
    r.features.weight_bytes = weight_mb * 1e6;
    r.features.macs = macs_per_byte * weight_mb * 1e6;
    r.median_ms = ms;
    records.push_back(r);
  };
  gemm(2, 0.1);      // 20 GB/s
  gemm(4, 0.16);     // 25 GB/s
  gemm(8, 0.32);     // 25 GB/s
  gemm(12, 0.4);     // 30 GB/s
  gemm(0.9, 0.01);   // fits the level-2 cache (90 GB/s): not counted
  gemm(20, 2.0);     // beyond half the last level: not counted
  gemm(4, 1.0, 50);  // compute-bound: not counted
  std::vector<const KernelRecord*> ptrs;
  for (const auto& r : records) ptrs.push_back(&r);
  EXPECT_NEAR(learn_cache_stream_GBps(ptrs, 1e6, 32e6), 25.0, 1e-9);  // median of 20, 25, 25, 30
  EXPECT_EQ(learn_cache_stream_GBps(ptrs, 0, 32e6), 0.0);             // level-2 size unknown
  // Fewer than kMinCacheStreamKernels kernels qualify: nothing learned.
  EXPECT_EQ(learn_cache_stream_GBps({ptrs[0], ptrs[1]}, 1e6, 32e6), 0.0);
}

TEST(CacheStream, TheCurveTakesTheLadderKernelsMedianPerSizeThenAMedianOfThree) {
  std::vector<KernelRecord> records;
  auto gemm = [&](double weight_mb, double ms, const char* origin = "ladder") {
    KernelRecord r;
    r.spec.op = "Gemm";
    r.spec.origin = origin;
    r.features.kind = "Gemm";
    r.features.weight_bytes = weight_mb * 1e6;
    r.features.macs = 0.25 * weight_mb * 1e6;
    r.median_ms = ms;
    records.push_back(r);
  };
  gemm(1, 0.01);           // 100 GB/s
  gemm(2, 0.025);          // 80
  gemm(2, 0.02);           // 100: a second trace's run of the same size; the size's median is 90
  gemm(3, 0.06);           // 50
  gemm(4, 0.04);           // 100: one fast run, smoothed away
  gemm(6, 0.15);           // 40
  gemm(3, 0.3, "spread");  // 10 GB/s, not of the ladder: not counted
  KernelRecord noisy = records[0];
  noisy.features.weight_bytes = 5e6;  // 500 GB/s, but noisy: not counted
  noisy.noisy = true;
  records.push_back(noisy);
  std::vector<const KernelRecord*> ptrs;
  for (const auto& r : records) ptrs.push_back(&r);
  // Per size 100, 90, 50, 100, 40; inner points the median of three: 90 (100, 90, 50),
  // 90 (90, 50, 100), 50 (50, 100, 40); the ends as they are.
  const auto curve = learn_cache_stream_curve(ptrs);
  ASSERT_EQ(curve.size(), 5u);
  const double bytes[] = {1e6, 2e6, 3e6, 4e6, 6e6}, GBps[] = {100, 90, 90, 50, 40};
  for (size_t i = 0; i < curve.size(); ++i) {
    EXPECT_EQ(curve[i].touched_bytes, bytes[i]) << i;
    EXPECT_NEAR(curve[i].GBps, GBps[i], 1e-9) << i;
  }
  // Fewer than kMinCacheLadderPoints sizes: no curve.
  static_assert(kMinCacheLadderPoints == 4);
  EXPECT_TRUE(learn_cache_stream_curve({ptrs[0], ptrs[1], ptrs[3]}).empty());
}

TEST(Summaries, ShareWithinCountsTheBoundAndSignsAlike) {
  // {-10, 9.9, 10.1, -25}: |e| <= 10 for 2 of 4 -> 0.5; <= 20 for 3 of 4 -> 0.75; none -> 0.
  const std::vector<double> errors = {-10.0, 9.9, 10.1, -25.0};
  EXPECT_DOUBLE_EQ(share_within(errors, 10.0), 0.5);
  EXPECT_DOUBLE_EQ(share_within(errors, 20.0), 0.75);
  EXPECT_DOUBLE_EQ(share_within({}, 10.0), 0.0);
}

}  // namespace
}  // namespace dnntune::calib
