#pragma once
// Shared pieces of the suite's model builders: option checks and the conv blocks every CNN uses.
#include <cstdint>
#include <string>

#include "traces/onnx/onnx_builder.h"
#include "traces/zoo/zoo.h"

namespace dnntune::zoo::detail {

struct ImageSize {
  int64_t h = 224;
  int64_t w = 224;
};

// The batch dimension, checked (>= 1). Throws InputError(model, ...).
int64_t checked_batch(const std::string& model, const ZooOptions& options);
// --input-size for image models: {} -> the default, {H, W} or {S} (square). Each side must be
// at least `min_side` (smaller inputs shrink a feature map to nothing).
ImageSize image_size(const std::string& model, const ZooOptions& options, int64_t default_side,
                     int64_t min_side);
// --input-size for sequence models: {} -> the default, {N} -> N (>= 1).
int64_t sequence_length(const std::string& model, const ZooOptions& options, int64_t default_len);
// Models with a fixed input (mnist_mlp) reject any --input-size.
void reject_input_size(const std::string& model, const ZooOptions& options, const std::string& why);

// Builder for a suite model: its name is the graph name, weights follow the options.
inline OnnxBuilder make_builder(const std::string& model, const ZooOptions& options) {
  return OnnxBuilder(model, options.weights);
}

// The start of every image model: its builder and the input "input" [batch, 3, H, W], with the
// batch and --input-size checked in that order. `square_because`: for a model whose classifier
// needs a square input, the reason a non-square one is rejected ("its classifier pools to 6x6").
struct ImageModel {
  OnnxBuilder b;
  std::string input;
  int64_t batch;
  ImageSize size;
};
ImageModel start_image_model(const std::string& model, const ZooOptions& options,
                             int64_t default_side, int64_t min_side,
                             const std::string& square_because = "");

// Output side of a convolution or pooling window (floor or ceil mode), as ONNX computes it.
int64_t conv_out(int64_t in, int64_t kernel, int64_t stride, int64_t pad, bool ceil_mode = false,
                 int64_t dilation = 1);

enum class Act { kNone, kRelu, kRelu6 };

// Conv (no bias) + BatchNormalization + activation: torchvision's BasicConv2d / ConvBNReLU.
// Node names: name.conv, name.bn, name.act (the loader fuses them into one layer).
std::string conv_bn_act(OnnxBuilder& b, const std::string& name, const std::string& x,
                        int64_t in_channels, int64_t out_channels, const ConvSpec& spec, Act act,
                        float bn_epsilon = 1e-5f);

// Conv with bias + ReLU (the pre-BatchNorm networks: AlexNet, VGG, SqueezeNet).
std::string conv_relu(OnnxBuilder& b, const std::string& name, const std::string& x,
                      int64_t in_channels, int64_t out_channels, const ConvSpec& spec);

// ConvSpec with a rectangular kernel and explicit padding (Inception's 1x7 / 7x1 convolutions).
inline ConvSpec rect(int64_t kh, int64_t kw, int64_t pad_h, int64_t pad_w, int64_t stride = 1) {
  ConvSpec s;
  s.kh = kh;
  s.kw = kw;
  s.pad_h = pad_h;
  s.pad_w = pad_w;
  s.stride_h = s.stride_w = stride;
  return s;
}

// Finishes the model and checks that every graph output has a fully known, positive shape
// (what an input too small for the network breaks). Throws InputError(model, ...).
onnx::ModelProto finish_checked(OnnxBuilder& b, const std::string& model,
                                const std::string& doc_string);

}  // namespace dnntune::zoo::detail
