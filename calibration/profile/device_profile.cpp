#include "calibration/profile/device_profile.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "calibration/fit/features.h"
#include "calibration/fit/fusion_learning.h"
#include "traces/common/error.h"

namespace dnntune::calib {
namespace {

std::string join(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// Rejects keys of `node` outside `allowed`, naming where they are.
void check_keys(const YAML::Node& node, const std::set<std::string>& allowed,
                const std::string& where, const std::string& source) {
  if (!node.IsMap()) throw InputError(source, where + " must be a mapping");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (!allowed.count(key))
      throw InputError(
          source, "unknown key '" + key + "' in " + where + " (allowed: " + join(allowed) + ")");
  }
}

const YAML::Node need(const YAML::Node& node, const std::string& key, const std::string& where,
                      const std::string& source) {
  const YAML::Node v = node[key];
  if (!v) throw InputError(source, where + " lacks key '" + key + "'");
  return v;
}

void emit_doubles(YAML::Emitter& out, const std::vector<double>& values) {
  out << YAML::Flow << YAML::BeginSeq;
  for (double v : values) out << v;
  out << YAML::EndSeq;
}

void emit_kind_model(YAML::Emitter& out, const KindModel& m) {
  out << YAML::BeginMap;
  out << YAML::Key << "form" << YAML::Value << m.form;
  if (m.form == "split") {
    out << YAML::Key << "split" << YAML::Value << YAML::BeginMap << YAML::Key << "feature"
        << YAML::Value << split_feature_names().at(m.split_feature) << YAML::Key << "threshold"
        << YAML::Value << m.split_threshold << YAML::Key << "below" << YAML::Value;
    emit_kind_model(out, m.children.at(0));
    out << YAML::Key << "above" << YAML::Value;
    emit_kind_model(out, m.children.at(1));
    out << YAML::EndMap;
  }
  if (!m.roofline.empty()) {
    out << YAML::Key << "roofline" << YAML::Value;
    emit_doubles(out, m.roofline);
  }
  if (!m.loglinear.empty()) {
    out << YAML::Key << "loglinear" << YAML::Value;
    emit_doubles(out, m.loglinear);
    if (m.size_unit != kDefaultSizeUnit)
      out << YAML::Key << "size_unit" << YAML::Value << m.size_unit;
  }
  if (m.form == "loglinear_knn") {
    out << YAML::Key << "knn" << YAML::Value << YAML::BeginMap << YAML::Key << "k" << YAML::Value
        << m.knn_k;
    out << YAML::Key << "scale" << YAML::Value;
    emit_doubles(out, m.knn_scale);
    out << YAML::Key << "residuals" << YAML::Value;
    emit_doubles(out, m.knn_residuals);
    out << YAML::Key << "points" << YAML::Value << YAML::BeginSeq;
    for (const auto& pt : m.knn_points) emit_doubles(out, pt);
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::Key << "stats" << YAML::Value << YAML::BeginMap << YAML::Key << "samples"
      << YAML::Value << m.stats.samples << YAML::Key << "cv_mape_pct" << YAML::Value
      << m.stats.cv_mape_pct << YAML::Key << "train_mape_pct" << YAML::Value
      << m.stats.train_mape_pct << YAML::Key << "candidates" << YAML::Value << YAML::Flow
      << YAML::BeginMap;
  for (const auto& [form, pct] : m.stats.candidates_cv_mape_pct)
    out << YAML::Key << form << YAML::Value << pct;
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::EndMap;
}

KindModel parse_kind_model(const YAML::Node& k, const std::string& where,
                           const std::string& source) {
  check_keys(k, {"form", "split", "roofline", "loglinear", "size_unit", "knn", "stats"}, where,
             source);
  KindModel m;
  m.form = need(k, "form", where, source).as<std::string>();
  if (m.form == "split") {
    const auto split = need(k, "split", where, source);
    check_keys(split, {"feature", "threshold", "below", "above"}, where + ".split", source);
    const auto feature = need(split, "feature", where + ".split", source).as<std::string>();
    const auto& names = split_feature_names();
    const auto it = std::find(names.begin(), names.end(), feature);
    if (it == names.end())
      throw InputError(source, where + ".split.feature '" + feature + "' is unknown (allowed: " +
                                   join(std::set<std::string>(names.begin(), names.end())) + ")");
    m.split_feature = static_cast<int>(it - names.begin());
    m.split_threshold = need(split, "threshold", where + ".split", source).as<double>();
    m.children.push_back(parse_kind_model(need(split, "below", where + ".split", source),
                                          where + ".split.below", source));
    m.children.push_back(parse_kind_model(need(split, "above", where + ".split", source),
                                          where + ".split.above", source));
  } else if (m.form != "roofline" && m.form != "loglinear" && m.form != "loglinear_knn") {
    throw InputError(source,
                     where + ".form '" + m.form +
                         "' is unknown (allowed: roofline, loglinear, loglinear_knn, split)");
  }
  if (k["roofline"]) m.roofline = k["roofline"].as<std::vector<double>>();
  if (k["loglinear"]) m.loglinear = k["loglinear"].as<std::vector<double>>();
  if (k["size_unit"]) {
    m.size_unit = k["size_unit"].as<double>();
    if (!(m.size_unit > 0)) throw InputError(source, where + ".size_unit must be positive");
  }
  if (m.form == "roofline" && m.roofline.size() != 5)
    throw InputError(source, where + ".roofline needs 5 coefficients");
  if ((m.form == "loglinear" || m.form == "loglinear_knn") &&
      (m.loglinear.empty() || m.loglinear.size() > regression_feature_count()))
    throw InputError(source, where + ".loglinear needs 1 to " +
                                 std::to_string(regression_feature_count()) + " coefficients");
  if (m.form == "loglinear_knn") {
    const auto knn = need(k, "knn", where, source);
    check_keys(knn, {"k", "scale", "points", "residuals"}, where + ".knn", source);
    m.knn_k = need(knn, "k", where + ".knn", source).as<int>();
    m.knn_scale = need(knn, "scale", where + ".knn", source).as<std::vector<double>>();
    m.knn_residuals = need(knn, "residuals", where + ".knn", source).as<std::vector<double>>();
    m.knn_points =
        need(knn, "points", where + ".knn", source).as<std::vector<std::vector<double>>>();
    const size_t dim = log_feature_names().size() - 1;
    if (m.knn_scale.size() != dim || m.knn_points.size() != m.knn_residuals.size())
      throw InputError(source, where + ".knn: scale needs " + std::to_string(dim) +
                                   " values and one residual per point");
    for (const auto& pt : m.knn_points)
      if (pt.size() != dim)
        throw InputError(source,
                         where + ".knn: every point needs " + std::to_string(dim) + " values");
    build_knn_index(m);
  }
  if (const auto st = k["stats"]) {
    check_keys(st, {"samples", "cv_mape_pct", "train_mape_pct", "candidates"}, where + ".stats",
               source);
    m.stats.samples = st["samples"] ? st["samples"].as<int>() : 0;
    m.stats.cv_mape_pct = st["cv_mape_pct"] ? st["cv_mape_pct"].as<double>() : 0;
    m.stats.train_mape_pct = st["train_mape_pct"] ? st["train_mape_pct"].as<double>() : 0;
    if (st["candidates"])
      m.stats.candidates_cv_mape_pct = st["candidates"].as<std::map<std::string, double>>();
  }
  return m;
}

// A fused tail op as its standalone kernel on the layer's output: its bytes, channels and spatial
// size. Without the last two an elementwise model (a log-linear form over bytes, channels and
// spatial size) sees an out-of-range layer: a Gemm's 512-float Relu came out at 0.18 us where its
// kernel measures 1.7 (2 threads, the Xeon VM). The kind is left empty: predict_ms reads it only to
// tell Conv kinds apart (split_feature_value), and a fused tail op is never one.
LayerFeatures alone_on_output(double output_bytes, double out_channels, double out_spatial) {
  LayerFeatures f;
  f.input_bytes = f.output_bytes = output_bytes;
  f.flops = output_bytes / 4;
  f.out_channels = std::max(1.0, out_channels);
  f.out_spatial = out_spatial;
  return f;
}

}  // namespace

const KindModel* DeviceProfile::model_for(const std::string& kind) const {
  if (auto it = kinds.find(kind); it != kinds.end())
    return &it->second;  // common case, no allocation
  for (const auto& k : kind_fallback_tail(kind)) {
    auto it = kinds.find(k);
    if (it != kinds.end()) return &it->second;
  }
  return nullptr;
}

std::vector<DeviceProfile::KindPlan::TailOp> DeviceProfile::tail_plan(
    const std::string& anchor, const std::string* first, const std::string* last) const {
  std::vector<KindPlan::TailOp> tail;
  for (const std::string* it = first; it != last; ++it) {
    const std::string& op = *it;
    if (op == std::string_view("BatchNormalization") || op == std::string_view("Add")) continue;
    const auto share = fused_cost.find(anchor + "+" + op);
    const double factor = share == fused_cost.end() ? 1.0 : share->second;
    if (factor <= 0) continue;
    const KindModel* m = model_for(op);
    if (m == nullptr) continue;
    KindPlan::TailOp t{factor, m};
    if (has_vector_probe(anchor)) {
      // After a Gemm the engine applies the op to the output slice each thread just wrote, in the
      // Gemm's own parallel loop: a cost per element, without the dispatch a standalone layer pays
      // (OpenCV's Relu alone on [1, 11] takes 1.1 us at 2 threads, on [1, 819] 4.4). The share was
      // measured on the probe's [1, 4096] output, so the op costs share x its model there, per
      // element: on a 512-float output 1.0 us at 2 threads, where share x the model on [1, 512]
      // said 2.4 and the kernels with and without the Relu differ by 0.8 (run BS).
      const double n = static_cast<double>(kVectorProbeFeatures);
      t.per_element_ms = factor * m->predict_ms(alone_on_output(4 * n, n, 1)) / n;
    }
    tail.push_back(t);
  }
  return tail;
}

double DeviceProfile::tail_ms(const std::vector<KindPlan::TailOp>& tail,
                              const LayerFeatures& anchor) {
  double total = 0;
  if (tail.empty()) return total;
  const LayerFeatures f =
      alone_on_output(anchor.output_bytes, anchor.out_channels, anchor.out_spatial);
  for (const auto& op : tail)
    total += op.per_element_ms > 0 ? op.per_element_ms * anchor.output_bytes / 4
                                   : op.share * op.model->predict_ms(f);
  return total;
}

double DeviceProfile::fused_tail_ms(const std::string& anchor, const std::string* first,
                                    const std::string* last,
                                    const LayerFeatures& anchor_features) const {
  return tail_ms(tail_plan(anchor, first, last), anchor_features);
}

hw::LayerEstimate DeviceProfile::estimate(const Layer& layer) const {
  hw::ModelContext alone;
  alone.weight_bytes = static_cast<double>(layer.weight_bytes);
  alone.in_model = false;
  return estimate(layer, alone);
}

double ContextFactor::at(double alone_ms) const {
  if (slope == 0) return at_1ms;
  double t = alone_ms;
  if (min_ms > 0) t = std::max(t, min_ms);
  if (max_ms > 0) t = std::min(t, max_ms);
  // t^slope as exp(slope log t): 12 ns where pow took 21 (glibc 2.36, the Xeon VM), per layer in
  // predict; the two agree within a few ulps.
  return at_1ms * std::exp(slope * std::log(std::max(t, 1e-6)));
}

const ContextFactor* DeviceProfile::context_factor_of(const std::string& kind) const {
  if (context_factor.empty()) return nullptr;
  if (auto it = context_factor.find(kind); it != context_factor.end()) return &it->second;
  for (const auto& k : kind_fallback_tail(kind))
    if (auto it = context_factor.find(k); it != context_factor.end()) return &it->second;
  auto all = context_factor.find("*");
  return all == context_factor.end() ? nullptr : &all->second;
}

double DeviceProfile::context_factor_for(const std::string& kind, double alone_ms) const {
  const ContextFactor* factor = context_factor_of(kind);
  return factor == nullptr ? 1.0 : factor->at(alone_ms);
}

DeviceProfile::KindPlan DeviceProfile::plan_for(const Layer& layer,
                                                const std::string& feature_kind) const {
  KindPlan plan;
  plan.model = model_for(feature_kind);
  plan.context = context_factor_of(feature_kind);
  // The ops after the first are the fused tail.
  const std::string* ops_end = layer.ops.data() + layer.ops.size();
  const std::string* tail = layer.ops.size() > 1 ? layer.ops.data() + 1 : ops_end;
  plan.tail = tail_plan(layer.kind, tail, ops_end);
  return plan;
}

hw::LayerEstimate DeviceProfile::estimate(const Layer& layer,
                                          const hw::ModelContext& context) const {
  const LayerFeatures f = features_of(layer);
  return estimate(layer, f, plan_for(layer, f.kind), context);
}

hw::LayerEstimate DeviceProfile::estimate(const Layer& layer, const LayerFeatures& f,
                                          const KindPlan& plan,
                                          const hw::ModelContext& context) const {
  hw::LayerEstimate e;
  const KindModel* m = plan.model;
  if (m == nullptr) {
    e.status = hw::EvalStatus::infeasible("profile " + device + " has no latency model for '" +
                                          f.kind + "' nor a default model");
    return e;
  }
  // The fused tail (a Gemm's Relu) runs after the anchor whatever bounds the anchor: a bound on how
  // fast the weights arrive, below, is the anchor's, and the tail is added to it.
  const double tail = tail_ms(plan.tail, f);
  e.latency_ms = m->predict_ms(f) + tail;
  const double touched = context.weight_bytes + context.activation_bytes;  // per inference
  const bool model_streams =
      llc_bytes > 0 && context.in_model && touched > kEvictingShare * llc_bytes;
  const bool beyond_llc = llc_bytes > 0 && static_cast<double>(layer.weight_bytes) > llc_bytes;
  // A weight-bound layer of such a model reads its weights at the in-model rate, which is its
  // context: the factors are learned without these layers (learn_context_factors). In a model
  // that fits the last-level cache but not the level-2 cache, the last-level cache's rate is.
  const bool streamed = model_streams && model_stream_GBps > 0 && weight_bound(f);
  const bool from_llc = !model_streams && !beyond_llc && context.in_model && l2_bytes > 0 &&
                        (cache_stream_GBps > 0 || !cache_stream_curve.empty()) && weight_bound(f) &&
                        touched > l2_bytes;
  if (context.in_model && !streamed && !from_llc) {
    const double floor = kContextFloorMs;
    const double ramp = std::clamp((e.latency_ms - 0.5 * floor) / (0.5 * floor), 0.0, 1.0);
    const double factor = plan.context == nullptr ? 1.0 : plan.context->at(e.latency_ms);
    e.latency_ms *= 1.0 + ramp * (factor - 1.0);
  }
  e.power_W = power.active_W;
  double rate = 0;  // GB/s at which the layer's weights come from memory; 0: they are warm
  if (model_streams)
    rate = model_stream_GBps > 0 ? model_stream_GBps : weight_stream_GBps;
  else if (beyond_llc)
    rate = weight_stream_GBps;
  else if (from_llc)
    rate = cache_stream_GBps_at(touched);  // evicted from the level-2 cache by the other layers
  if (rate > 0)
    e.latency_ms =
        std::max(e.latency_ms, static_cast<double>(layer.weight_bytes) / (rate * 1e6) + tail);
  return e;
}

double DeviceProfile::cache_stream_GBps_at(double touched_bytes) const {
  const auto& c = cache_stream_curve;
  if (c.empty()) return cache_stream_GBps;
  if (touched_bytes <= c.front().touched_bytes) return c.front().GBps;
  if (touched_bytes >= c.back().touched_bytes) return c.back().GBps;
  const auto hi = std::upper_bound(
      c.begin(), c.end(), touched_bytes,
      [](double bytes, const CacheRatePoint& point) { return bytes < point.touched_bytes; });
  const auto lo = hi - 1;
  const double w =
      std::log(touched_bytes / lo->touched_bytes) / std::log(hi->touched_bytes / lo->touched_bytes);
  return lo->GBps + w * (hi->GBps - lo->GBps);
}

std::string profile_to_yaml(const DeviceProfile& p) {
  YAML::Emitter out;
  out.SetDoublePrecision(9);
  out << YAML::BeginMap;
  out << YAML::Key << "dnntune_profile" << YAML::Value << kProfileVersion;
  out << YAML::Key << "device" << YAML::Value << p.device;
  out << YAML::Key << "processor_kind" << YAML::Value << p.processor_kind;
  out << YAML::Key << "engine" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "name"
      << YAML::Value << p.engine << YAML::Key << "version" << YAML::Value << p.engine_version
      << YAML::Key << "threads" << YAML::Value << p.threads << YAML::EndMap;
  out << YAML::Key << "run_overhead_ms" << YAML::Value << p.run_overhead_ms;
  out << YAML::Key << "reference_ms" << YAML::Value << p.reference_ms;
  if (p.core_to_core_ns > 0)
    out << YAML::Key << "core_to_core_ns" << YAML::Value << p.core_to_core_ns;
  out << YAML::Key << "memory" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
      << "llc_bytes" << YAML::Value << p.llc_bytes << YAML::Key << "weight_stream_GBps"
      << YAML::Value << p.weight_stream_GBps;
  if (p.model_stream_GBps > 0)
    out << YAML::Key << "model_stream_GBps" << YAML::Value << p.model_stream_GBps;
  if (p.input_copy_GBps > 0)
    out << YAML::Key << "input_copy_GBps" << YAML::Value << p.input_copy_GBps;
  if (p.l2_bytes > 0) out << YAML::Key << "l2_bytes" << YAML::Value << p.l2_bytes;
  if (p.cache_stream_GBps > 0)
    out << YAML::Key << "cache_stream_GBps" << YAML::Value << p.cache_stream_GBps;
  if (!p.cache_stream_curve.empty()) {
    out << YAML::Key << "cache_stream_curve" << YAML::Value << YAML::BeginSeq;
    for (const auto& point : p.cache_stream_curve)
      out << YAML::BeginSeq << point.touched_bytes << point.GBps << YAML::EndSeq;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  out << YAML::Key << "power" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
      << "source" << YAML::Value << p.power.source << YAML::Key << "active_W" << YAML::Value
      << p.power.active_W << YAML::Key << "idle_W" << YAML::Value << p.power.idle_W << YAML::EndMap;
  out << YAML::Key << "fusion_rules" << YAML::Value << YAML::BeginSeq;
  for (const auto& r : p.fusion) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << r.name << YAML::Key
        << "anchor_ops" << YAML::Value << r.anchor_ops << YAML::Key << "steps" << YAML::Value
        << YAML::BeginSeq;
    for (const auto& s : r.steps)
      out << YAML::BeginMap << YAML::Key << "ops" << YAML::Value << s.ops << YAML::Key << "optional"
          << YAML::Value << s.optional << YAML::EndMap;
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (!p.context_factor.empty()) {
    out << YAML::Key << "context_factor" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const auto& [kind, factor] : p.context_factor) {
      out << YAML::Key << kind << YAML::Value;
      if (factor.slope == 0 && factor.min_ms == 0 && factor.max_ms == 0) {
        out << factor.at_1ms;
        continue;
      }
      out << YAML::BeginMap << YAML::Key << "at_1ms" << YAML::Value << factor.at_1ms << YAML::Key
          << "slope" << YAML::Value << factor.slope << YAML::Key << "min_ms" << YAML::Value
          << factor.min_ms << YAML::Key << "max_ms" << YAML::Value << factor.max_ms << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "fused_cost" << YAML::Value << YAML::BeginMap;
  for (const auto& [pair, share] : p.fused_cost) out << YAML::Key << pair << YAML::Value << share;
  out << YAML::EndMap;
  out << YAML::Key << "kinds" << YAML::Value << YAML::BeginMap;
  for (const auto& [kind, m] : p.kinds) {
    out << YAML::Key << kind << YAML::Value;
    emit_kind_model(out, m);
  }
  out << YAML::EndMap;
  out << YAML::Key << "provenance" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "traces" << YAML::Value << YAML::BeginSeq;
  for (const auto& [path, hash] : p.provenance.traces)
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "path" << YAML::Value << path << YAML::Key
        << "hash" << YAML::Value << hash << YAML::EndMap;
  out << YAML::EndSeq;
  out << YAML::Key << "date" << YAML::Value << p.provenance.date;
  out << YAML::Key << "host" << YAML::Value << p.provenance.host;
  out << YAML::Key << "tool_version" << YAML::Value << p.provenance.tool_version;
  out << YAML::Key << "kernels" << YAML::Value << p.provenance.kernels;
  out << YAML::Key << "load_avg_1m" << YAML::Value << p.provenance.load_avg_1m;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

DeviceProfile parse_profile(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(source,
                     "not valid YAML (line " + std::to_string(e.mark.line + 1) + "): " + e.msg);
  }
  if (!root.IsMap() || !root["dnntune_profile"])
    throw InputError(source, "not a dnntune device profile (no 'dnntune_profile' version key)");
  DeviceProfile p;
  try {
    const int version = root["dnntune_profile"].as<int>();
    if (version != kProfileVersion)
      throw InputError(source, "profile version " + std::to_string(version) +
                                   " is not supported (this dnntune reads version " +
                                   std::to_string(kProfileVersion) + "); re-run dnntune fit");
    check_keys(root,
               {"dnntune_profile", "device", "processor_kind", "engine", "run_overhead_ms",
                "reference_ms", "core_to_core_ns", "memory", "power", "fusion_rules", "fused_cost",
                "context_factor", "kinds", "provenance"},
               "the profile", source);
    p.device = need(root, "device", "the profile", source).as<std::string>();
    p.processor_kind = need(root, "processor_kind", "the profile", source).as<std::string>();
    const auto engine = need(root, "engine", "the profile", source);
    check_keys(engine, {"name", "version", "threads"}, "engine", source);
    p.engine = need(engine, "name", "engine", source).as<std::string>();
    p.engine_version = need(engine, "version", "engine", source).as<std::string>();
    p.threads = need(engine, "threads", "engine", source).as<int>();
    p.run_overhead_ms = need(root, "run_overhead_ms", "the profile", source).as<double>();
    p.reference_ms = root["reference_ms"] ? root["reference_ms"].as<double>() : 0.0;
    p.core_to_core_ns = root["core_to_core_ns"] ? root["core_to_core_ns"].as<double>() : 0.0;
    if (p.reference_ms < 0 || p.core_to_core_ns < 0)
      throw InputError(source, "reference_ms and core_to_core_ns must be >= 0");
    if (const auto memory = root["memory"]) {
      check_keys(memory,
                 {"llc_bytes", "weight_stream_GBps", "model_stream_GBps", "input_copy_GBps",
                  "l2_bytes", "cache_stream_GBps", "cache_stream_curve"},
                 "memory", source);
      p.llc_bytes = need(memory, "llc_bytes", "memory", source).as<double>();
      p.weight_stream_GBps = need(memory, "weight_stream_GBps", "memory", source).as<double>();
      p.model_stream_GBps =
          memory["model_stream_GBps"] ? memory["model_stream_GBps"].as<double>() : 0.0;
      p.input_copy_GBps = memory["input_copy_GBps"] ? memory["input_copy_GBps"].as<double>() : 0.0;
      p.l2_bytes = memory["l2_bytes"] ? memory["l2_bytes"].as<double>() : 0.0;
      p.cache_stream_GBps =
          memory["cache_stream_GBps"] ? memory["cache_stream_GBps"].as<double>() : 0.0;
      if (p.llc_bytes < 0 || p.weight_stream_GBps < 0 || p.model_stream_GBps < 0 ||
          p.input_copy_GBps < 0 || p.l2_bytes < 0 || p.cache_stream_GBps < 0)
        throw InputError(source,
                         "memory: llc_bytes, weight_stream_GBps, model_stream_GBps, "
                         "input_copy_GBps, l2_bytes and cache_stream_GBps must be >= 0");
      if (const auto curve = memory["cache_stream_curve"]) {
        if (!curve.IsSequence())
          throw InputError(source, "memory.cache_stream_curve must be a list of [bytes, GBps]");
        for (size_t i = 0; i < curve.size(); ++i) {
          const auto point = curve[i];
          const std::string where = "memory.cache_stream_curve[" + std::to_string(i) + "]";
          if (!point.IsSequence() || point.size() != 2)
            throw InputError(source, where + " must be [bytes, GBps]");
          DeviceProfile::CacheRatePoint c{point[0].as<double>(), point[1].as<double>()};
          if (!(c.touched_bytes > 0) || !(c.GBps > 0))
            throw InputError(source, where + ": bytes and GBps must be > 0");
          if (!p.cache_stream_curve.empty() &&
              c.touched_bytes <= p.cache_stream_curve.back().touched_bytes)
            throw InputError(source, where + ": bytes must be ascending");
          p.cache_stream_curve.push_back(c);
        }
      }
    }
    if (const auto power = root["power"]) {
      check_keys(power, {"source", "active_W", "idle_W"}, "power", source);
      p.power.source = need(power, "source", "power", source).as<std::string>();
      p.power.active_W = need(power, "active_W", "power", source).as<double>();
      p.power.idle_W = need(power, "idle_W", "power", source).as<double>();
    }
    for (const auto& r : need(root, "fusion_rules", "the profile", source)) {
      check_keys(r, {"name", "anchor_ops", "steps"}, "a fusion rule", source);
      FusionRule rule;
      rule.name = need(r, "name", "a fusion rule", source).as<std::string>();
      rule.anchor_ops =
          need(r, "anchor_ops", "fusion rule " + rule.name, source).as<std::vector<std::string>>();
      for (const auto& s : need(r, "steps", "fusion rule " + rule.name, source)) {
        check_keys(s, {"ops", "optional"}, "a step of fusion rule " + rule.name, source);
        rule.steps.push_back(
            {need(s, "ops", "a fusion step", source).as<std::vector<std::string>>(),
             s["optional"] ? s["optional"].as<bool>() : true});
      }
      p.fusion.push_back(rule);
    }
    if (const auto fc = root["fused_cost"]) {
      if (!fc.IsMap())
        throw InputError(source, "'fused_cost' must be a mapping like {Conv+Relu: 0.6}");
      for (const auto& kv : fc) p.fused_cost[kv.first.as<std::string>()] = kv.second.as<double>();
    }
    if (const auto cf = root["context_factor"]) {
      if (!cf.IsMap())
        throw InputError(source, "'context_factor' must be a mapping like {Conv: 1.1}");
      for (const auto& kv : cf) {
        const std::string kind = kv.first.as<std::string>();
        const std::string where = "context_factor." + kind;
        ContextFactor factor;
        if (kv.second.IsMap()) {
          check_keys(kv.second, {"at_1ms", "slope", "min_ms", "max_ms"}, where, source);
          factor.at_1ms = need(kv.second, "at_1ms", where, source).as<double>();
          factor.slope = kv.second["slope"] ? kv.second["slope"].as<double>() : 0.0;
          factor.min_ms = kv.second["min_ms"] ? kv.second["min_ms"].as<double>() : 0.0;
          factor.max_ms = kv.second["max_ms"] ? kv.second["max_ms"].as<double>() : 0.0;
        } else {
          factor.at_1ms = kv.second.as<double>();
        }
        if (!(factor.at_1ms > 0))
          throw InputError(source, "context_factor of '" + kind + "' must be > 0");
        if (!std::isfinite(factor.slope) || std::abs(factor.slope) > 1 || factor.min_ms < 0 ||
            factor.max_ms < 0 || (factor.max_ms > 0 && factor.max_ms < factor.min_ms))
          throw InputError(source, where +
                                       ": slope must be within [-1, 1] and 0 <= min_ms <= "
                                       "max_ms (0: unbounded)");
        p.context_factor[kind] = factor;
      }
    }
    const auto kinds = need(root, "kinds", "the profile", source);
    if (!kinds.IsMap())
      throw InputError(source, "'kinds' must be a mapping of layer kind to model");
    for (const auto& kv : kinds) {
      const std::string kind = kv.first.as<std::string>();
      const std::string where = "kinds." + kind;
      KindModel m = parse_kind_model(kv.second, where, source);
      p.kinds[kind] = std::move(m);
    }
    if (const auto prov = root["provenance"]) {
      check_keys(prov, {"traces", "date", "host", "tool_version", "kernels", "load_avg_1m"},
                 "provenance", source);
      if (prov["traces"])
        for (const auto& t : prov["traces"]) {
          check_keys(t, {"path", "hash"}, "provenance.traces", source);
          p.provenance.traces.emplace_back(t["path"].as<std::string>(""),
                                           t["hash"].as<std::string>(""));
        }
      p.provenance.date = prov["date"].as<std::string>("");
      p.provenance.host = prov["host"].as<std::string>("");
      p.provenance.tool_version = prov["tool_version"].as<std::string>("");
      p.provenance.kernels = prov["kernels"].as<int>(0);
      p.provenance.load_avg_1m = prov["load_avg_1m"].as<double>(0);
    }
  } catch (const YAML::Exception& e) {
    throw InputError(source, "profile value of the wrong type (line " +
                                 std::to_string(e.mark.line + 1) + "): " + e.msg);
  }
  return p;
}

DeviceProfile read_profile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the profile");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_profile(text.str(), path);
}

}  // namespace dnntune::calib
