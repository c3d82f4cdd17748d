#pragma once
// A calibration kernel: one layer (or a fused group such as Conv+BatchNorm+Relu) as a tiny ONNX
// model. Specs are derived from the layers of real models (priors), perturbed around them,
// spread over the configuration space, and turned into ONNX with the project's OnnxBuilder.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "traces/graph/layer_graph.h"

namespace dnntune::calib {

struct KernelSpec {
  // The anchor op: Conv, Gemm, MatMul, MaxPool, AveragePool, GlobalAveragePool, Add, Mul,
  // Concat, Softmax, Flatten, Reshape, Transpose, BatchNormalization, Pad, or a unary activation
  // (Relu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, LeakyRelu).
  std::string op;
  std::vector<int64_t> input;  // first input shape: [N,C,H,W] (conv/pool/elementwise) or [N,F]
  int64_t out_channels = 0;    // Conv: output channels; Gemm/MatMul: output features
  int64_t kernel_h = 1, kernel_w = 1, stride = 1, pad_h = 0, pad_w = 0, dilation = 1, group = 1;
  bool ceil_mode = false;
  bool batch_norm = false;               // Conv followed by BatchNormalization
  std::string activation;                // fused activation after the anchor, "" for none
  bool broadcast = false;                // Add/Mul: second operand [N,C,1,1] (squeeze-excitation)
  std::vector<int64_t> concat_channels;  // Concat: channels of each input (axis 1)
  std::string origin;                    // "prior", "near", "spread", "refine", "fusion", "ladder"
  std::string source_model;  // for priors and their neighbours: the model they came from

  // A canonical text key: two specs with the same key build the same kernel.
  std::string key() const;
};

nlohmann::json spec_to_json(const KernelSpec& spec);
// Throws InputError(file, ...) naming the missing/invalid key.
KernelSpec spec_from_json(const nlohmann::json& j, const std::string& file);

// The ONNX model of a kernel: one input, the layer's nodes, one output. Weights have no payload
// (engines fill stripped weights). Throws std::invalid_argument for an inconsistent spec.
onnx::ModelProto build_kernel(const KernelSpec& spec);

// The kernel that reproduces one layer of a real model; nullopt for layers dnntune does not
// calibrate (their kind is predicted by the profile's generic memory-bound model).
std::optional<KernelSpec> spec_from_layer(const Layer& layer);
// The kernel key of each layer of `graph` (KernelSpec::key of spec_from_layer), "" for a layer
// dnntune does not calibrate.
std::vector<std::string> layer_kernel_keys(const LayerGraph& graph);

// Ops the kernel suite can build as anchors.
const std::vector<std::string>& kernel_ops();
const std::vector<std::string>& unary_kernel_ops();
// Whether `op` is one of unary_kernel_ops() (the activations).
bool is_unary_kernel_op(const std::string& op);

}  // namespace dnntune::calib
