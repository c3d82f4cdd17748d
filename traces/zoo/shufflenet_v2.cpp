// ShuffleNet-V2 0.5x — Ma, Zhang, Zheng, Sun, "ShuffleNet V2: Practical Guidelines for Efficient
// CNN Architecture Design", ECCV 2018, Table 5 (output channels 24-48-96-192-1024, repeats
// 4-8-4). Built as torchvision 0.14's shufflenet_v2_x0_5: 1,366,792 parameters + 7,952 BatchNorm
// statistics = 1,374,744 vs 1.4M in DNNTune's Table 1 (-1.8%). Channel split is a Split, channel
// shuffle is Reshape-Transpose-Reshape, the final pooling is ReduceMean over H and W (torchvision's
// x.mean([2, 3])).
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {

using detail::Act;
using detail::conv_bn_act;

struct Shape {
  int64_t batch, h, w;
};

std::string depthwise(OnnxBuilder& b, const std::string& name, const std::string& x, int64_t ch,
                      int64_t stride) {
  ConvSpec dw = ConvSpec::square(3, stride, 1);
  dw.group = ch;
  return conv_bn_act(b, name, x, ch, ch, dw, Act::kNone);
}

// channel_shuffle(x, groups=2): [b, c, h, w] -> [b, 2, c/2, h, w] -> swap 1,2 -> [b, c, h, w].
std::string channel_shuffle(OnnxBuilder& b, const std::string& name, const std::string& x,
                            int64_t channels, const Shape& s) {
  // Reshape 0 copies the input's dimension: the batch stays free for the loader's --batch.
  std::string y = b.reshape(name + ".split_groups", x, {0, 2, channels / 2, s.h, s.w});
  y = b.transpose(name + ".transpose", y, {0, 2, 1, 3, 4});
  return b.reshape(name + ".merge", y, {0, channels, s.h, s.w});
}

// torchvision InvertedResidual. `s` is the output shape.
std::string unit(OnnxBuilder& b, const std::string& name, const std::string& x, int64_t in,
                 int64_t out, int64_t stride, const Shape& s) {
  const int64_t half = out / 2;
  std::string left, right;
  if (stride == 1) {
    const auto halves = b.split(name + ".chunk", x, 1, {in / 2, in / 2});
    left = halves[0];
    right = halves[1];
  } else {
    left = depthwise(b, name + ".branch1.0", x, in, stride);
    left = conv_bn_act(b, name + ".branch1.2", left, in, half, ConvSpec::square(1), Act::kRelu);
    right = x;
  }
  const int64_t right_in = stride == 1 ? in / 2 : in;
  right =
      conv_bn_act(b, name + ".branch2.0", right, right_in, half, ConvSpec::square(1), Act::kRelu);
  right = depthwise(b, name + ".branch2.3", right, half, stride);
  right = conv_bn_act(b, name + ".branch2.5", right, half, half, ConvSpec::square(1), Act::kRelu);
  const std::string cat = b.concat(name + ".concat", {left, right}, 1);
  return channel_shuffle(b, name + ".shuffle", cat, out, s);
}

}  // namespace

onnx::ModelProto build_shufflenet_v2_0_5(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "shufflenet_v2_0_5";
  auto [b, x, batch, size] = start_image_model(model, options, 224, 32);
  x = conv_bn_act(b, "conv1", x, 3, 24, ConvSpec::square(3, 2, 1), Act::kRelu);
  x = b.max_pool("maxpool", x, {3, 2, 1, false, false});
  Shape s{batch, conv_out(conv_out(size.h, 3, 2, 1), 3, 2, 1),
          conv_out(conv_out(size.w, 3, 2, 1), 3, 2, 1)};
  const int64_t repeats[] = {4, 8, 4};
  const int64_t channels[] = {48, 96, 192};  // Ma et al. Table 5, 0.5x
  int64_t in = 24;
  for (int stage = 0; stage < 3; ++stage) {
    for (int64_t i = 0; i < repeats[stage]; ++i) {
      const int64_t stride = i == 0 ? 2 : 1;
      if (stride == 2) s = {batch, conv_out(s.h, 3, 2, 1), conv_out(s.w, 3, 2, 1)};
      const std::string name = "stage" + std::to_string(stage + 2) + "." + std::to_string(i);
      x = unit(b, name, x, in, channels[stage], stride, s);
      in = channels[stage];
    }
  }
  x = conv_bn_act(b, "conv5", x, in, 1024, ConvSpec::square(1), Act::kRelu);
  x = b.op("ReduceMean", "global_pool", {x}, {attr_ints("axes", {2, 3}), attr_int("keepdims", 0)});
  b.add_output(b.gemm("fc", x, 1024, 1000));
  return finish_checked(b, model, "ShuffleNet-V2 0.5x (Ma et al. 2018), torchvision 0.14 layout");
}

}  // namespace dnntune::zoo
