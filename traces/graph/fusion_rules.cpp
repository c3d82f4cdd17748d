#include "traces/graph/fusion_rules.h"

namespace dnntune {

const std::vector<std::string>& fusable_activation_ops() {
  static const std::vector<std::string> ops = {"Relu",        "Clip",      "LeakyRelu", "Sigmoid",
                                               "HardSigmoid", "HardSwish", "Tanh",      "Elu",
                                               "Selu",        "PRelu"};
  return ops;
}

const FusionRules& default_fusion_rules() {
  static const FusionRules rules = [] {
    const auto& act = fusable_activation_ops();
    FusionRules r;
    r.push_back({"conv_bn_act",
                 {"Conv", "ConvTranspose"},
                 {{{"BatchNormalization"}, true}, {{"Add"}, true}, {act, true}}});
    r.push_back({"gemm_bias_act", {"Gemm", "MatMul"}, {{{"Add"}, true}, {act, true}}});
    r.push_back({"add_act", {"Add"}, {{act, true}}});
    r.push_back({"bn_act", {"BatchNormalization"}, {{act, true}}});
    return r;
  }();
  return rules;
}

const FusionRules& no_fusion_rules() {
  static const FusionRules rules;
  return rules;
}

}  // namespace dnntune
