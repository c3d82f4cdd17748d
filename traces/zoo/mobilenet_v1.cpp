// MobileNet-V1 — Howard et al., "MobileNets: Efficient Convolutional Neural Networks for Mobile
// Vision Applications", arXiv:1704.04861 (2017), Table 1, width multiplier 1.0, 224x224.
// 3x3 conv + 13 depthwise-separable blocks (each depthwise 3x3 and pointwise 1x1 with BN and
// ReLU, as in the paper), global average pool, fully connected 1024 -> 1000.
// Parameters: 4,231,976 learned (the paper's 4.2M) + 21,888 BatchNorm statistics = 4,253,864.
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

onnx::ModelProto build_mobilenet_v1(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "mobilenet_v1";
  auto [b, x, batch, size] = start_image_model(model, options, 224, 32);
  x = conv_bn_act(b, "conv0", x, 3, 32, ConvSpec::square(3, 2, 1), Act::kRelu);
  struct Block {
    int64_t out, stride;
  };
  // Howard et al. Table 1: pointwise output channels and the depthwise stride.
  const Block blocks[] = {{64, 1},  {128, 2}, {128, 1}, {256, 2}, {256, 1},  {512, 2}, {512, 1},
                          {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
  int64_t in = 32, index = 1;
  for (const Block& blk : blocks) {
    const std::string name = "block" + std::to_string(index++);
    ConvSpec dw = ConvSpec::square(3, blk.stride, 1);
    dw.group = in;
    x = conv_bn_act(b, name + ".dw", x, in, in, dw, Act::kRelu);
    x = conv_bn_act(b, name + ".pw", x, in, blk.out, ConvSpec::square(1), Act::kRelu);
    in = blk.out;
  }
  x = b.flatten("flatten", b.global_average_pool("avgpool", x));
  b.add_output(b.gemm("fc", x, 1024, 1000));
  return finish_checked(b, model, "MobileNet-V1 1.0 (Howard et al. 2017)");
}

}  // namespace dnntune::zoo
