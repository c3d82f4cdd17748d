#include "calibration/fit/fusion_learning.h"

#include <algorithm>
#include <map>
#include <set>

#include "traces/onnx/onnx_builder.h"

namespace dnntune::calib {

bool probe_says_fused(const FusionProbe& p) {
  if (p.b_in_ab_ms >= 0 && p.b_in_ab_ms <= kZeroNodeShare * p.b_ms) return true;
  return p.a_ms + p.b_ms - p.ab_ms > kNnMeterFusionThreshold * std::min(p.a_ms, p.b_ms);
}

const std::vector<FusionPair>& fusion_pairs() {
  static const std::vector<FusionPair> pairs = {{"Conv", "BatchNormalization"},
                                                {"Conv", "Relu"},
                                                {"Conv", "Clip"},
                                                {"Conv", "Sigmoid"},
                                                {"Conv", "HardSigmoid"},
                                                {"Conv", "Tanh"},
                                                {"Conv", "LeakyRelu"},
                                                {"Gemm", "Relu"},
                                                {"MatMul", "Relu"},
                                                {"Add", "Relu"},
                                                {"BatchNormalization", "Relu"}};
  return pairs;
}

ConcatProbe concat_probe() {
  constexpr int64_t kIn = 16, kBranch = 32, kMap = 56;
  OnnxBuilder b("concat_probe", WeightFill::kNone);
  const std::string x = b.add_input("x", {1, kIn, kMap, kMap});
  ConvSpec one_by_one;
  const std::string left = b.relu("left_act", b.conv("left", x, kIn, kBranch, one_by_one));
  const std::string right = b.relu("right_act", b.conv("right", x, kIn, kBranch, one_by_one));
  // The concat feeds a layer, as in a network: OpenCV 4.6 still copies a concat that is the
  // network's output (measured: 0.0117 ms inside against 0.0127 ms standalone).
  b.add_output(b.conv("after", b.concat("concat", {left, right}, 1), 2 * kBranch, kIn, one_by_one));
  ConcatProbe probe;
  probe.branches_concat = b.finish("dnntune concat probe");
  probe.concat.op = "Concat";
  probe.concat.origin = "fusion";
  probe.concat.input = {1, kBranch, kMap, kMap};
  probe.concat.concat_channels = {kBranch, kBranch};
  return probe;
}

bool has_vector_probe(std::string_view anchor) {
  return anchor == "Gemm" || anchor == "MatMul";
}

FusionKernels fusion_kernels(const FusionPair& pair) {
  // Shapes chosen so that A and B take comparable time: a thin layer on a large feature map,
  // otherwise the saving of a fused activation would drown in the anchor's timing noise.
  KernelSpec a;
  a.op = pair.anchor;
  a.origin = "fusion";
  std::vector<int64_t> out_shape;
  if (pair.anchor == "Conv") {
    a.input = {1, 8, 112, 112};
    a.out_channels = 8;
    out_shape = {1, 8, 112, 112};
  } else if (has_vector_probe(pair.anchor)) {
    a.input = {1, 64};
    a.out_channels = kVectorProbeFeatures;
    out_shape = {1, kVectorProbeFeatures};
  } else {  // Add, BatchNormalization
    a.input = {1, 32, 56, 56};
    out_shape = a.input;
  }
  KernelSpec ab = a;
  if (pair.next == "BatchNormalization")
    ab.batch_norm = true;
  else
    ab.activation = pair.next;
  KernelSpec b;
  b.op = pair.next;
  b.input = out_shape;
  b.origin = "fusion";
  return {a, b, ab};
}

std::map<std::string, double> learn_fused_cost(const std::vector<FusionProbe>& probes) {
  std::map<std::string, std::vector<double>> shares;
  for (const auto& p : probes)
    if (probe_says_fused(p) && p.b_ms > 0)
      shares[p.anchor + "+" + p.next].push_back(std::clamp((p.ab_ms - p.a_ms) / p.b_ms, 0.0, 1.5));
  std::map<std::string, double> out;
  for (auto& [key, v] : shares) {
    std::sort(v.begin(), v.end());
    out[key] = v[v.size() / 2];
  }
  return out;
}

void keep_faster_probe(std::vector<FusionProbe>& probes, const FusionProbe& probe) {
  auto it = std::find_if(probes.begin(), probes.end(), [&](const FusionProbe& q) {
    return q.anchor == probe.anchor && q.next == probe.next;
  });
  if (it == probes.end())
    probes.push_back(probe);
  else if (probe.a_ms + probe.b_ms + probe.ab_ms < it->a_ms + it->b_ms + it->ab_ms)
    *it = probe;
}

FusionRules learn_fusion_rules(const std::vector<FusionProbe>& probes) {
  std::map<std::string, std::set<std::string>> fused, probed;
  for (const auto& p : probes) {
    probed[p.anchor].insert(p.next);
    if (probe_says_fused(p)) fused[p.anchor].insert(p.next);
  }
  const auto& acts = fusable_activation_ops();
  // Activations absorbed by `anchor`: probed ones by the rule, unprobed ones as the defaults say.
  auto absorbed = [&](const std::string& anchor, bool default_absorbs) {
    std::vector<std::string> out;
    for (const auto& act : acts) {
      const bool was_probed = probed[anchor].count(act) > 0;
      if (was_probed ? fused[anchor].count(act) > 0 : default_absorbs) out.push_back(act);
    }
    return out;
  };
  FusionRules rules;
  FusionRule conv{"conv_bn_act", {"Conv", "ConvTranspose"}, {}};
  if (!probed["Conv"].count("BatchNormalization") || fused["Conv"].count("BatchNormalization"))
    conv.steps.push_back({{"BatchNormalization"}, true});
  conv.steps.push_back({{"Add"}, true});
  if (auto a = absorbed("Conv", true); !a.empty()) conv.steps.push_back({a, true});
  rules.push_back(conv);
  // Gemm and MatMul share one rule in the defaults; probes may differ, so keep them apart.
  for (const std::string anchor : {"Gemm", "MatMul"}) {
    FusionRule r{
        anchor == "Gemm" ? "gemm_bias_act" : "matmul_bias_act", {anchor}, {{{"Add"}, true}}};
    if (auto a = absorbed(anchor, true); !a.empty()) r.steps.push_back({a, true});
    rules.push_back(r);
  }
  if (auto a = absorbed("Add", true); !a.empty())
    rules.push_back({"add_act", {"Add"}, {{a, true}}});
  if (auto a = absorbed("BatchNormalization", true); !a.empty())
    rules.push_back({"bn_act", {"BatchNormalization"}, {{a, true}}});
  return rules;
}

}  // namespace dnntune::calib
