#pragma once
// Which ONNX operators an inference engine executes as one layer. Data, not code: a calibrated
// device profile brings its own rules (learned from paired kernels) and replaces the defaults.
#include <string>
#include <vector>

namespace dnntune {

// One step of a pattern: any of `ops`; an optional step may be skipped.
struct FusionStep {
  std::vector<std::string> ops;
  bool optional = true;
};

// A chain anchor -> step -> step. A node joins the group only when it is the sole reader of the
// group's last output and reads no other activation besides initializers (elementwise Add of a
// residual is its own anchor, see defaults).
struct FusionRule {
  std::string name;
  std::vector<std::string> anchor_ops;
  std::vector<FusionStep> steps;
};

using FusionRules = std::vector<FusionRule>;

// The common fusion behaviour of CPU engines (ONNX Runtime, OpenCV DNN, TFLite): Conv absorbs
// BatchNormalization and a following activation; Gemm/MatMul absorb a bias Add and activation;
// Add absorbs an activation.
const FusionRules& default_fusion_rules();

// No fusion at all: one layer per ONNX node.
const FusionRules& no_fusion_rules();

// Activation operators that the default rules let a layer absorb.
const std::vector<std::string>& fusable_activation_ops();

}  // namespace dnntune
