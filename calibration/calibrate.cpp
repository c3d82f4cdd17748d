#include "calibration/calibrate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "calibration/fit/fusion_learning.h"
#include "calibration/fit/kind_model.h"
#include "calibration/host_info.h"
#include "calibration/kernels/sampler.h"
#include "calibration/power/rapl.h"
#include "calibration/profile/device_profile.h"
#include "calibration/reference.h"
#include "calibration/whole_model_runs.h"
#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::calib {
namespace {

using Clock = std::chrono::steady_clock;

class Calibrator {
 public:
  Calibrator(Engine& engine, const CalibrateOptions& options)
      : engine_(engine),
        options_(options),
        rng_(options.seed),
        start_(Clock::now()),
        rapl_(RaplCounter::open()) {
    options_.measure.threads = engine.threads();
  }

  double elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  // Phases end at shares of the budget less two reserves, so that the calibration ends within its
  // budget: the closing probes' time (kClosingSlowdown times what they took at the start), and the
  // step in flight when time runs out: the longest kernel measurement so far, at least
  // kInFlightShare of the budget. With the closing probes alone reserved, run BE ended at 180.9 s;
  // with a fixed 1 % for the step in flight, BJ (2 threads) at 181.0 s and BK (1 thread) at
  // 181.3 s, both with the machine in its slow state (a noisy kernel is measured twice).
  bool out_of_time(double fraction = 1.0) const {
    const double reserve_s = std::max(kInFlightShare * options_.budget_s, longest_step_s_) +
                             kClosingSlowdown * closing_s_;
    return elapsed_s() >= fraction * (options_.budget_s - reserve_s);
  }

  void report(const std::string& phase) {
    if (options_.progress)
      options_.progress(
          {elapsed_s(), options_.budget_s, static_cast<int>(result_.trace.kernels.size()), phase});
  }

  // Fusion probes measure a few small kernels whose differences matter (AB - A against B, a few
  // microseconds). Measured one after another, a change of the machine's speed between them
  // decided the result: at 2 threads one calibration put Conv+Relu's fused share at 3.3 (AB 1.8x
  // its usual time) and another at 0.09 (every probe 1.8-4x slow), where three others measured
  // 0.48-0.52. So the kernels of one probe are measured together in interleaved rounds (a fresh
  // instance of each, one after another), and each keeps its median over the rounds.
  struct ProbeKernel {
    onnx::ModelProto model;
    std::string label, node;  // node: also report this node's own time inside the kernel
  };
  struct ProbeTime {
    double ms = 0;        // the engine's layer time of the kernel, median over the rounds
    double node_ms = -1;  // median time of `node`; < 0 when the engine did not report it
  };
  static constexpr int kProbeRounds = 5;
  std::optional<std::vector<ProbeTime>> probe_times(const std::vector<ProbeKernel>& kernels) {
    std::string label;
    try {
      MeasureOptions m = options_.measure;
      m.min_repeats = 7;
      std::vector<std::vector<double>> ms(kernels.size()), node_ms(kernels.size());
      for (int round = 0; round < kProbeRounds; ++round)
        for (size_t i = 0; i < kernels.size(); ++i) {
          label = kernels[i].label;
          auto loaded = engine_.load(kernels[i].model, "fusion probe " + label);
          const Measurement r = measure(*loaded, m);
          ms[i].push_back(r.layers_median_ms);
          auto it = r.node_median_ms.find(kernels[i].node);
          if (it != r.node_median_ms.end()) node_ms[i].push_back(it->second);
        }
      std::vector<ProbeTime> out(kernels.size());
      for (size_t i = 0; i < kernels.size(); ++i) {
        out[i].ms = percentile(ms[i], 0.5);
        if (!node_ms[i].empty()) out[i].node_ms = percentile(node_ms[i], 0.5);
      }
      return out;
    } catch (const InputError& e) {
      result_.warnings.push_back(std::string("fusion probe skipped: ") + e.what());
    } catch (const std::exception& e) {
      result_.warnings.push_back(std::string("fusion probe skipped: ") + label + ": " + e.what());
    }
    return std::nullopt;
  }
  std::optional<ProbeKernel> probe_kernel(const KernelSpec& spec, const std::string& node = "") {
    try {
      return ProbeKernel{build_kernel(spec), spec.key(), node};
    } catch (const std::exception& e) {
      result_.warnings.push_back(std::string("fusion probe skipped: ") + spec.key() + ": " +
                                 e.what());
    }
    return std::nullopt;
  }

  // The first pass (`until`: the share of the budget it may run to) learns the fusion rules that
  // the sampling uses; a later pass only re-measures, keeping the faster probe of each pair.
  void run_fusion_probes(double until, bool first) {
    for (const auto& pair : fusion_pairs()) {
      if (out_of_time(until)) break;
      const FusionKernels k = fusion_kernels(pair);
      // build_kernel names the fused tail "bn" (BatchNormalization) or "post_act" (activation).
      const std::string b_node = pair.next == "BatchNormalization" ? "bn" : "post_act";
      auto a = probe_kernel(k.a), b = probe_kernel(k.b), ab = probe_kernel(k.ab, b_node);
      if (!a || !b || !ab) continue;
      if (auto t = probe_times({*a, *b, *ab}))
        keep_faster_probe(result_.trace.fusion, {pair.anchor, pair.next, (*t)[0].ms, (*t)[1].ms,
                                                 (*t)[2].ms, (*t)[2].node_ms});
      report("fusion");
    }
    // Concat written in place by its branches (fusion_learning.h): a is AB without the Concat.
    if (!out_of_time(until)) {
      const ConcatProbe probe = concat_probe();
      auto b = probe_kernel(probe.concat);
      if (b) {
        auto t = probe_times({{probe.branches_concat, "concat probe", "concat"}, *b});
        if (t && (*t)[0].node_ms >= 0)
          keep_faster_probe(result_.trace.fusion, {"Conv", "Concat", (*t)[0].ms - (*t)[0].node_ms,
                                                   (*t)[1].ms, (*t)[0].ms, (*t)[0].node_ms});
      }
      report("fusion");
    }
    if (first) rules_ = learn_fusion_rules(result_.trace.fusion);
  }

  // Builds, costs, loads and measures one kernel; nullopt when it was refused.
  std::optional<KernelRecord> run_kernel(const KernelSpec& spec) {
    struct StepTimer {  // longest_step_s_ for out_of_time, on every way out
      Calibrator& c;
      const double began_s;
      ~StepTimer() { c.longest_step_s_ = std::max(c.longest_step_s_, c.elapsed_s() - began_s); }
    } timer{*this, elapsed_s()};
    try {
      onnx::ModelProto model = build_kernel(spec);
      LoadOptions load;
      load.fusion = rules_;
      const LayerGraph graph = build_layer_graph(model, "kernel " + spec.key(), load);
      if (graph.size() != 1 || rejected_ops_.count(spec.op)) return std::nullopt;
      std::unique_ptr<LoadedModel> loaded;
      try {
        loaded = engine_.load(model, "kernel " + spec.key());
      } catch (const InputError& e) {
        // One message per op: the engine cannot run it, so its kind is left to the default model.
        if (rejected_ops_.insert(spec.op).second) result_.warnings.push_back(e.what());
        return std::nullopt;
      }
      const double state_before = state_ratio();
      const double energy_before = rapl_ ? rapl_->read_mJ() : 0;
      Measurement m = measure(*loaded, options_.measure);
      int runs = m.repeats + options_.measure.warmup_runs;
      if (m.noisy) {  // re-measure once
        const Measurement again = measure(*loaded, options_.measure);
        runs += again.repeats + options_.measure.warmup_runs;
        m = less_noisy(m, again);
      }
      KernelRecord r;
      r.spec = spec;
      r.features = features_of(graph.layer(0));
      const Layer& layer = graph.layer(0);
      nlohmann::json weights = nlohmann::json::array();
      for (const auto& w : layer.weights) weights.push_back(w.shape);
      r.shapes = {
          {"input", layer.inputs.empty() ? std::vector<int64_t>{} : layer.inputs[0].shape},
          {"output", layer.outputs.empty() ? std::vector<int64_t>{} : layer.outputs[0].shape},
          {"weights", weights}};
      r.median_ms = m.layers_median_ms;
      r.p10_ms = m.layers_p10_ms;
      r.p90_ms = m.layers_p90_ms;
      r.total_median_ms = m.median_ms;
      r.repeats = m.repeats;
      r.noisy = m.noisy;
      if (state_before > 0) r.state_ratio = std::max(state_before, state_ratio());
      if (rapl_) {
        r.energy_mJ = rapl_delta_mJ(energy_before, rapl_->read_mJ(), rapl_->max_range_mJ()) /
                      std::max(1.0, static_cast<double>(runs));
      }
      return r;
    } catch (const InputError& e) {
      result_.warnings.push_back(std::string("kernel skipped: ") + e.what());
    } catch (const std::exception& e) {
      result_.warnings.push_back("kernel skipped: " + spec.key() + ": " + e.what());
    }
    return std::nullopt;
  }

  bool measure_kernel(const KernelSpec& spec) {
    if (!measured_keys_.insert(spec.key()).second) return false;
    auto r = run_kernel(spec);
    if (!r) {
      ++result_.rejected;
      return false;
    }
    result_.trace.kernels.push_back(std::move(*r));
    return true;
  }

  // A second, later round for kernel `i`: contention on a shared machine only ever adds time, so
  // the lower of the two round medians is kept (with that round's dispersion).
  void remeasure_kernel(size_t i) {
    auto r = run_kernel(result_.trace.kernels[i].spec);
    if (!r) return;
    KernelRecord& old = result_.trace.kernels[i];
    const int repeats = old.repeats + r->repeats;
    if (r->median_ms < old.median_ms) old = std::move(*r);
    old.repeats = repeats;
  }

  // Probe ratio now (StateProbe), 0 when the engine cannot run the probe.
  double state_ratio() {
    if (!state_probe_) return 0;
    return state_probe_->ratio();
  }

  // Kernels whose in-sample log-linear error exceeds the refinement threshold, worst first.
  std::vector<KernelSpec> badly_predicted() {
    std::map<std::string, std::vector<size_t>> by_kind;
    for (size_t i = 0; i < result_.trace.kernels.size(); ++i)
      by_kind[result_.trace.kernels[i].features.kind].push_back(i);
    std::vector<std::pair<double, KernelSpec>> bad;
    for (auto& [kind, idx] : by_kind) {
      // A few per kind and round: a time-proportional quota flooded Conv with single-round
      // neighbours of outliers and made the 1-thread profile worse (README, "sampling").
      const size_t quota = 3;
      std::vector<Sample> samples;
      std::vector<size_t> fast;
      for (size_t i : idx)
        if (!slow_state(result_.trace.kernels[i].state_ratio)) fast.push_back(i);
      if (fast.size() >= 8) idx = fast;  // what was measured in a slow state misleads the fit
      for (size_t i : idx)
        samples.push_back({result_.trace.kernels[i].features, result_.trace.kernels[i].median_ms});
      const KindModel m = fit_form("loglinear", samples, FitOptions{});
      std::vector<std::pair<double, size_t>> kind_bad;
      for (size_t j = 0; j < idx.size(); ++j) {
        const double err = std::abs(m.predict_ms(samples[j].features) - samples[j].latency_ms) /
                           std::max(samples[j].latency_ms, 1e-6);
        const KernelSpec& spec = result_.trace.kernels[idx[j]].spec;
        if (err > options_.refine_error && !root_exhausted(spec))
          kind_bad.emplace_back(err, idx[j]);
      }
      std::sort(kind_bad.rbegin(), kind_bad.rend());
      for (size_t j = 0; j < kind_bad.size() && j < quota; ++j)
        bad.emplace_back(kind_bad[j].first, result_.trace.kernels[kind_bad[j].second].spec);
    }
    std::sort(bad.begin(), bad.end(),
              [](const auto& x, const auto& y) { return x.first > y.first; });
    std::vector<KernelSpec> out;
    for (auto& [err, spec] : bad) out.push_back(spec);
    return out;
  }

  // The root (prior or spread kernel) a measured kernel descends from: itself unless it was made
  // by refinement.
  const KernelSpec& root_of(const KernelSpec& spec) const {
    auto it = root_.find(spec.key());
    return it == root_.end() ? spec : it->second;
  }

  bool root_exhausted(const KernelSpec& spec) const {
    auto it = refinements_.find(root_of(spec).key());
    return it != refinements_.end() && it->second >= options_.refine_per_root;
  }

  // A neighbour of a badly predicted kernel, kept within refine_max_ratio of its root and at most
  // refine_per_root per root; nullopt when the root's share is spent.
  std::optional<KernelSpec> refinement_of(const KernelSpec& spec) {
    const KernelSpec root = root_of(spec);
    int& used = refinements_[root.key()];
    if (used >= options_.refine_per_root) return std::nullopt;
    for (int attempt = 0; attempt < 8; ++attempt) {
      // Alternate between the bad kernel's own neighbourhood and its root's.
      KernelSpec s = perturb(attempt % 2 ? root : spec, rng_, "refine");
      if (measured_keys_.count(s.key()) || !spec_is_measurable(s) ||
          !within_neighbourhood(s, root, options_.refine_max_ratio))
        continue;
      ++used;
      root_.emplace(s.key(), root);
      return s;
    }
    return std::nullopt;
  }

  CalibrateResult run() {
    auto& h = result_.trace.header;
    h.host_cpu = host_cpu_model();
    h.cores = host_cores();
    h.engine = engine_.name();
    h.engine_version = engine_.version();
    h.threads = engine_.threads();
    h.date = utc_now_iso();
    h.tool_version = DNNTUNE_VERSION;
    h.budget_s = options_.budget_s;
    h.load_avg_1m = host_load_avg_1m();
    h.excluded_models = options_.exclude_models;
    h.rapl = rapl_.has_value();
    h.timing = options_.measure.correct_contention ? "contention-corrected" : "wall";
    h.allocator = process_allocator();
    if (h.allocator.rfind("jemalloc", 0) != 0)
      result_.warnings.push_back(
          "this process runs on " + h.allocator +
          " malloc: OpenCV's layers may run 1.5x slower or not depending on where their scratch "
          "buffers land, so kernel times drift; the dnntune executable links jemalloc "
          "(experiments/CMakeLists.txt)");

    auto reference = [&] {
      try {
        const double ms = measure_reference_ms(engine_);
        h.reference_ms = h.reference_ms > 0 ? std::min(h.reference_ms, ms) : ms;
      } catch (const InputError& e) {
        result_.warnings.push_back(std::string("reference kernel: ") + e.what());
      }
    };
    const double reference_began_s = elapsed_s();
    reference();
    closing_s_ = elapsed_s() - reference_began_s;
    try {
      state_probe_.emplace(engine_);
    } catch (const InputError& e) {
      result_.warnings.push_back(std::string("state probe: ") + e.what());
    }
    h.llc_bytes = host_llc_bytes();
    h.l2_bytes = host_l2_bytes();
    const double placement_began_s = elapsed_s();
    h.core_to_core_ns = measure_core_to_core_ns();
    closing_s_ += elapsed_s() - placement_began_s;  // both run again at the end
    try {
      const StreamProbe probe = measure_stream_probe(engine_, h.llc_bytes);
      h.stream_weight_bytes = probe.weight_bytes;
      h.stream_ms = probe.time_ms;
    } catch (const InputError& e) {
      result_.warnings.push_back(std::string("stream probe: ") + e.what());
    }
    // The cache ladder: what the fit needs for the rate weights come from the caches at
    // (learn_cache_stream_curve). About 22 small Gemms, under two seconds on the Xeon VM.
    for (const auto& spec :
         cache_ladder_specs(h.l2_bytes, DeviceProfile::kEvictingShare * h.llc_bytes)) {
      if (out_of_time(options_.priors_spread_end)) break;
      measure_kernel(spec);
      report("cache ladder");
    }
    run_fusion_probes(0.15, true);

    const PriorSet priors = prior_specs(options_.prior_models, options_.exclude_models, rules_);
    h.priors = priors.models;
    for (const auto& w : priors.warnings) result_.warnings.push_back(w);

    // The real models' layers first, then the spread: a short budget must not spend itself on
    // the spread before the priors. The spread's size follows the budget.
    std::vector<KernelSpec> queue = priors.specs;
    std::shuffle(queue.begin(), queue.end(), rng_);
    std::vector<KernelSpec> spread;
    const double spread_scale = options_.budget_s / kSpreadBudgetS;
    for (const auto& op : kernel_ops()) {
      const int n = op == "Conv" ? options_.conv_spread : options_.spread_per_op;
      for (auto& s :
           spread_specs(op, static_cast<int>(std::lround(n * spread_scale)), rng_, rules_))
        spread.push_back(std::move(s));
    }
    for (auto& s :
         large_conv_specs(static_cast<int>(std::lround(options_.conv_spread_large * spread_scale)),
                          rng_, rules_))
      spread.push_back(std::move(s));
    std::shuffle(spread.begin(), spread.end(), rng_);
    queue.insert(queue.end(), spread.begin(), spread.end());
    // The budget plan: calibrate.h, CalibrateOptions.
    size_t next = 0;
    for (; next < queue.size() && !out_of_time(options_.priors_spread_end); ++next) {
      measure_kernel(queue[next]);
      report("priors+spread");
    }
    reference();
    MeasureOptions whole = options_.measure;
    whole.warmup_min_ms = kModelWarmupMs;  // as validate measures them
    WholeModelRuns models(engine_, whole, [this] { return state_ratio(); });
    models.load(priors.models, rules_);
    auto models_until = [&](double fraction) {
      return [this, fraction] {
        report("models");
        return !out_of_time(fraction);
      };
    };
    models.measure(true, models_until(options_.models_end));
    // Second round over what was measured (interleaved in time with the first).
    for (size_t i = 0; i < result_.trace.kernels.size() && !out_of_time(options_.second_round_end);
         ++i) {
      remeasure_kernel(i);
      report("second round");
    }
    // Every whole model again, on another instance, later; the faster run of each is kept.
    models.measure(true, models_until(options_.models_again_end));
    // The fusion probes again, later in time: each pair keeps its faster measurement.
    run_fusion_probes(options_.models_again_end, false);
    // Kernels measured only in the machine's slow state get another chance, the real models'
    // layers first; then refinement until the budget ends.
    std::vector<size_t> retry;
    for (size_t i = 0; i < result_.trace.kernels.size(); ++i)
      if (slow_state(result_.trace.kernels[i].state_ratio)) retry.push_back(i);
    std::stable_partition(retry.begin(), retry.end(), [&](size_t i) {
      return result_.trace.kernels[i].spec.origin == "prior";
    });
    for (size_t i : retry) {
      if (out_of_time()) break;
      remeasure_kernel(i);
      report("slow-state retry");
    }
    // Refinement: neighbours of badly predicted kernels (nn-Meter), else of remaining priors.
    std::uniform_int_distribution<size_t> any_prior(0,
                                                    std::max<size_t>(1, priors.specs.size()) - 1);
    while (!out_of_time()) {
      std::vector<KernelSpec> round = badly_predicted();
      if (round.size() > 24) round.resize(24);
      for (; next < queue.size() && round.size() < 32; ++next) round.push_back(queue[next]);
      bool measured = false;
      for (const auto& spec : round) {
        if (out_of_time()) break;
        if (!measured_keys_.count(spec.key())) {
          if (spec_is_measurable(spec)) measured |= measure_kernel(spec);
        } else if (auto s = refinement_of(spec)) {
          measured |= measure_kernel(*s);
        }
        report("refine");
      }
      // Whole models seen only in a slow state: again, now that the machine is fast.
      if (models.pending() && state_ratio() <= kFastStateRatio)
        models.measure(false, models_until(kLastModelRunShare));
      // Nothing left to refine: more neighbours of the real models' layers.
      for (int i = 0; !measured && i < 16 && !priors.specs.empty() && !out_of_time(); ++i) {
        const KernelSpec s = perturb(priors.specs[any_prior(rng_)], rng_, "near");
        if (spec_is_measurable(s)) measured = measure_kernel(s);
      }
      if (!measured && priors.specs.empty()) break;
    }
    result_.trace.in_model = models.records();
    reference();
    if (const double now_ns = measure_core_to_core_ns();
        engine_.threads() > 1 && placement_changed(h.core_to_core_ns, now_ns))
      result_.warnings.push_back(
          "the CPUs this calibration ran on were " +
          std::to_string(std::lround(h.core_to_core_ns)) +
          " ns apart (cache-line round trip) when it began and " +
          std::to_string(std::lround(now_ns)) +
          " ns when it ended: the host moved them (host_info.h), so its multi-thread kernels mix "
          "two machines; calibrate again");
    const size_t slow =
        std::count_if(result_.trace.kernels.begin(), result_.trace.kernels.end(),
                      [](const KernelRecord& r) { return slow_state(r.state_ratio); });
    if (slow > 0)
      result_.warnings.push_back(std::to_string(slow) +
                                 " kernels were measured only while the machine ran slow "
                                 "(state probe > " +
                                 std::to_string(kSlowStateRatio).substr(0, 3) +
                                 "x its fastest): dnntune fit leaves them out");
    result_.elapsed_s = elapsed_s();
    return std::move(result_);
  }

 private:
  Engine& engine_;
  CalibrateOptions options_;
  std::mt19937 rng_;
  Clock::time_point start_;
  std::optional<RaplCounter> rapl_;
  std::optional<StateProbe> state_probe_;
  FusionRules rules_ = default_fusion_rules();
  std::set<std::string> measured_keys_;
  std::map<std::string, KernelSpec> root_;  // refined kernel key -> its root
  std::map<std::string, int> refinements_;  // root key -> refinements made around it
  std::set<std::string> rejected_ops_;
  CalibrateResult result_;
  double closing_s_ = 0;  // what the reference kernel and the placement probe took at the start
  // Whole-model runs begin no later than this share of the budget: one takes seconds (vgg16
  // measured whole: 4-5 s at 1 thread on the Xeon VM).
  static constexpr double kLastModelRunShare = 0.95;
  // The least reserved for the step in flight (out_of_time): a kernel's measurement takes up to
  // its 0.4 s cap plus building and loading it (about 1 s for the largest on the Xeon VM), twice
  // that when it was noisy; longest_step_s_ raises the reserve to what was seen.
  static constexpr double kInFlightShare = 0.01;
  double longest_step_s_ = 0;  // the longest run_kernel so far (building, loading, measuring)
  // The closing probes run again at the end, possibly in the machine's slow state, which runs
  // kernels up to 2x slower (the state probe's ratio, reference.h): run BJ (2 threads, 738 of
  // 1,314 kernels measured slow) ended at 181.0 s with them reserved at their starting time, where
  // runs BG-BI ended at 178.2-178.5 s. This alone did not hold BK (181.3 s): see out_of_time.
  static constexpr double kClosingSlowdown = 2.0;
};

}  // namespace

CalibrateResult calibrate(Engine& engine, const CalibrateOptions& options) {
  if (options.budget_s <= 0) throw InputError("<command line>", "--budget must be > 0 seconds");
  return Calibrator(engine, options).run();
}

std::string trace_to_text(const Trace& trace) {
  std::string text = header_to_line(trace.header) + "\n";
  for (const auto& p : trace.fusion) text += fusion_to_line(p) + "\n";
  for (const auto& k : trace.kernels) text += kernel_to_line(k) + "\n";
  for (const auto& m : trace.in_model) text += in_model_to_line(m) + "\n";
  return text;
}

}  // namespace dnntune::calib
