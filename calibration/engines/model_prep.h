#pragma once
// Model preparation shared by engines: stripped weights get random payloads, and simple,
// semantics-preserving rewrites make models runnable on engines with older ONNX importers.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace dnntune::calib {

// Gives every floating-point initializer without a payload random values. Matrices/kernels get
// He-uniform values (bound sqrt(6/fan_in)) so activations keep their magnitude through deep
// ReLU stacks (tiny values would turn into denormals and distort timings); vectors (biases,
// BatchNorm scales and variances) get values in [0.5, 1) so a variance is never negative.
// Deterministic for a seed. Returns the names of the initializers it filled.
std::set<std::string> fill_stripped_weights(onnx::ModelProto& model, uint32_t seed = 1);

// A layer whose output channels can be normalised by rescaling weights this process filled:
// Conv (channel axis 1), Gemm (axis 1) and MatMul with a constant right-hand side (last axis).
// `centre` is false where no bias of the layer's own can absorb a shift (only the scale is then
// changed).
struct ChannelLayer {
  int node = 0;        // index in graph.node()
  std::string output;  // the node's output tensor
  int axis = 1;        // channel axis of the output (-1: the last)
  int64_t channels = 0;
  bool centre = false;
};

// The layers of `model` that channel normalisation may touch: their weights are in `filled`, and
// neither the weights nor the bias (if any; it may have kept its payload) is used by another
// node. Real weights are never touched. In graph order.
std::vector<ChannelLayer> channel_layers(const onnx::ModelProto& model,
                                         const std::set<std::string>& filled);

// The scale channel normalisation applies for a channel of standard deviation `stddev`: 1/stddev,
// or 1 for a (near-)constant channel that no scale can bring to unit variance.
double channel_scale(double stddev);

// Folds per-channel statistics of `layer`'s output into its weights, as BatchNorm folding does
// with gamma 1 and beta 0: weight rows of channel c times s_c = channel_scale(stddev[c]), and
// (when layer.centre) bias b_c -> (b_c - mean_c) * s_c (Gemm: (C_c - mean_c / beta) * s_c). The
// layer's output then has, per channel, mean 0 (with centre) and standard deviation 1 over the
// inputs the statistics came from. Sizes must equal layer.channels.
void fold_channel_statistics(onnx::ModelProto& model, const ChannelLayer& layer,
                             const std::vector<double>& mean, const std::vector<double>& stddev);

// True when the initializer carries no payload although its dims say it has elements.
bool initializer_is_stripped(const onnx::TensorProto& tensor);

// Clip (opset >= 11) takes min/max as inputs; older importers read them only as attributes.
// Constant min/max inputs (initializers or Constant nodes) become attributes. Returns the number
// of rewritten nodes.
int rewrite_clip_inputs_to_attributes(onnx::ModelProto& model);

// Reads a float scalar from an initializer/Constant (nullptr-safe lookups done by the caller).
bool constant_scalar(const onnx::ModelProto& model, const std::string& tensor, float& value);

}  // namespace dnntune::calib
