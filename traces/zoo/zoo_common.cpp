#include "traces/zoo/zoo_common.h"

#include "traces/common/error.h"
#include "traces/graph/tensor.h"

namespace dnntune::zoo::detail {

int64_t checked_batch(const std::string& model, const ZooOptions& options) {
  if (options.batch < 1)
    throw InputError(model, "batch must be at least 1, got " + std::to_string(options.batch));
  return options.batch;
}

ImageSize image_size(const std::string& model, const ZooOptions& options, int64_t default_side,
                     int64_t min_side) {
  const auto& s = options.input_size;
  ImageSize size{default_side, default_side};
  if (s.size() == 1) {
    size = {s[0], s[0]};
  } else if (s.size() == 2) {
    size = {s[0], s[1]};
  } else if (!s.empty()) {
    throw InputError(model, "input size '" + shape_to_string(s) +
                                "' is not an image size HxW (e.g. " + std::to_string(default_side) +
                                "x" + std::to_string(default_side) + ")");
  }
  if (size.h < min_side || size.w < min_side)
    throw InputError(model, "input size " + std::to_string(size.h) + "x" + std::to_string(size.w) +
                                " is too small: each side must be at least " +
                                std::to_string(min_side));
  return size;
}

ImageModel start_image_model(const std::string& model, const ZooOptions& options,
                             int64_t default_side, int64_t min_side,
                             const std::string& square_because) {
  const int64_t batch = checked_batch(model, options);
  const ImageSize size = image_size(model, options, default_side, min_side);
  if (!square_because.empty() && size.h != size.w)
    throw InputError(model, "needs a square input (" + square_because + ")");
  OnnxBuilder b = make_builder(model, options);
  std::string input = b.add_input("input", {batch, 3, size.h, size.w});
  return {std::move(b), std::move(input), batch, size};
}

int64_t sequence_length(const std::string& model, const ZooOptions& options, int64_t default_len) {
  const auto& s = options.input_size;
  if (s.empty()) return default_len;
  if (s.size() != 1 || s[0] < 1)
    throw InputError(model, "input size '" + shape_to_string(s) +
                                "' is not a sequence length (one positive number, e.g. " +
                                std::to_string(default_len) + ")");
  return s[0];
}

void reject_input_size(const std::string& model, const ZooOptions& options,
                       const std::string& why) {
  if (!options.input_size.empty())
    throw InputError(model, "takes no input size (" + why + "), got '" +
                                shape_to_string(options.input_size) + "'");
}

int64_t conv_out(int64_t in, int64_t kernel, int64_t stride, int64_t pad, bool ceil_mode,
                 int64_t dilation) {
  const int64_t span = in + 2 * pad - dilation * (kernel - 1) - 1;
  return (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
}

std::string conv_bn_act(OnnxBuilder& b, const std::string& name, const std::string& x,
                        int64_t in_channels, int64_t out_channels, const ConvSpec& spec, Act act,
                        float bn_epsilon) {
  ConvSpec s = spec;
  s.bias = false;  // BatchNormalization's shift replaces the bias
  std::string y = b.conv(name + ".conv", x, in_channels, out_channels, s);
  y = b.batch_norm(name + ".bn", y, out_channels, bn_epsilon);
  switch (act) {
    case Act::kRelu:
      return b.relu(name + ".act", y);
    case Act::kRelu6:
      return b.relu6(name + ".act", y);
    case Act::kNone:
      break;
  }
  return y;
}

std::string conv_relu(OnnxBuilder& b, const std::string& name, const std::string& x,
                      int64_t in_channels, int64_t out_channels, const ConvSpec& spec) {
  ConvSpec s = spec;
  s.bias = true;
  return b.relu(name + ".act", b.conv(name, x, in_channels, out_channels, s));
}

onnx::ModelProto finish_checked(OnnxBuilder& b, const std::string& model,
                                const std::string& doc_string) {
  onnx::ModelProto m = b.finish(doc_string);
  for (const auto& out : m.graph().output()) {
    const auto& tt = out.type().tensor_type();
    bool known = tt.has_shape() && tt.shape().dim_size() > 0;
    if (known)
      for (const auto& d : tt.shape().dim())
        known = known && d.has_dim_value() && d.dim_value() > 0;
    if (!known)
      throw InputError(model, "output '" + out.name() +
                                  "' has no valid shape: the input size is too small for this "
                                  "network");
  }
  return m;
}

}  // namespace dnntune::zoo::detail
