// ResNet-50 — He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", CVPR 2016.
// Built as torchvision 0.14's resnet50 ("ResNet v1.5": the bottleneck's stride sits on its 3x3
// convolution), 25,557,032 parameters + 53,120 BatchNorm running statistics
// = 25,610,152 vs 25.6M in DNNTune's Table 1.
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {

using detail::Act;
using detail::conv_bn_act;

// torchvision Bottleneck: 1x1 (width) -> 3x3 stride (width) -> 1x1 (4*width), identity or a
// 1x1-stride downsample branch, Add, ReLU.
std::string bottleneck(OnnxBuilder& b, const std::string& name, const std::string& x, int64_t in,
                       int64_t width, int64_t stride) {
  const int64_t out = width * 4;
  std::string y = conv_bn_act(b, name + ".conv1", x, in, width, ConvSpec::square(1), Act::kRelu);
  y = conv_bn_act(b, name + ".conv2", y, width, width, ConvSpec::square(3, stride, 1), Act::kRelu);
  y = conv_bn_act(b, name + ".conv3", y, width, out, ConvSpec::square(1), Act::kNone);
  std::string identity = x;
  if (stride != 1 || in != out)
    identity = conv_bn_act(b, name + ".downsample", x, in, out, ConvSpec::square(1, stride, 0),
                           Act::kNone);
  return b.relu(name + ".relu", b.add(name + ".add", y, identity));
}

}  // namespace

onnx::ModelProto build_resnet50(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "resnet50";
  auto [b, x, batch, size] = start_image_model(model, options, 224, 32);
  x = conv_bn_act(b, "conv1", x, 3, 64, ConvSpec::square(7, 2, 3), Act::kRelu);
  x = b.max_pool("maxpool", x, {3, 2, 1, false, false});
  const int64_t blocks[] = {3, 4, 6, 3};  // ResNet-50, He et al. Table 1
  int64_t in = 64;
  for (int stage = 0; stage < 4; ++stage) {
    const int64_t width = 64 << stage;
    for (int64_t i = 0; i < blocks[stage]; ++i) {
      const std::string name = "layer" + std::to_string(stage + 1) + "." + std::to_string(i);
      x = bottleneck(b, name, x, in, width, (i == 0 && stage > 0) ? 2 : 1);
      in = width * 4;
    }
  }
  x = b.flatten("flatten", b.global_average_pool("avgpool", x));
  b.add_output(b.gemm("fc", x, 2048, 1000));
  return finish_checked(b, model, "ResNet-50 (He et al. 2016), torchvision 0.14 layout");
}

}  // namespace dnntune::zoo
