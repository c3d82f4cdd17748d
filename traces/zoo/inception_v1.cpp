// Inception-V1 (GoogLeNet) — Szegedy et al., "Going Deeper with Convolutions", CVPR 2015.
// Built as torchvision 0.14's googlenet (no auxiliary classifiers, as in its inference export):
// every convolution carries BatchNormalization (eps 0.001, from Inception-V2, Ioffe & Szegedy
// 2015), and the "5x5" branch uses a 3x3 convolution (torchvision's layout, kept so per-layer
// MACs match ../shared/models/googlenet.onnx). 6,624,904 parameters + 14,560 BatchNorm statistics
// = 6,639,464 vs 6.79M in DNNTune's Table 1 (-2.2%; (the paper's 5x5 branches, without BatchNorm,
// give ~7.0M).
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {

using detail::Act;

constexpr float kBnEps = 1e-3f;  // torchvision BasicConv2d

std::string basic_conv(OnnxBuilder& b, const std::string& name, const std::string& x, int64_t in,
                       int64_t out, const ConvSpec& spec) {
  return detail::conv_bn_act(b, name, x, in, out, spec, Act::kRelu, kBnEps);
}

struct InceptionCfg {
  int64_t ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj;
  int64_t out() const { return ch1x1 + ch3x3 + ch5x5 + pool_proj; }
};

std::string inception(OnnxBuilder& b, const std::string& name, const std::string& x, int64_t in,
                      const InceptionCfg& c) {
  const std::string b1 = basic_conv(b, name + ".branch1", x, in, c.ch1x1, ConvSpec::square(1));
  std::string b2 = basic_conv(b, name + ".branch2.0", x, in, c.ch3x3red, ConvSpec::square(1));
  b2 = basic_conv(b, name + ".branch2.1", b2, c.ch3x3red, c.ch3x3, ConvSpec::square(3, 1, 1));
  std::string b3 = basic_conv(b, name + ".branch3.0", x, in, c.ch5x5red, ConvSpec::square(1));
  b3 = basic_conv(b, name + ".branch3.1", b3, c.ch5x5red, c.ch5x5, ConvSpec::square(3, 1, 1));
  std::string b4 = b.max_pool(name + ".branch4.0", x, {3, 1, 1, true, false});
  b4 = basic_conv(b, name + ".branch4.1", b4, in, c.pool_proj, ConvSpec::square(1));
  return b.concat(name + ".concat", {b1, b2, b3, b4}, 1);
}

}  // namespace

onnx::ModelProto build_inception_v1(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "inception_v1";
  auto [b, x, batch, size] = start_image_model(model, options, 224, 32);
  const PoolSpec pool{3, 2, 0, true, false};
  x = basic_conv(b, "conv1", x, 3, 64, ConvSpec::square(7, 2, 3));
  x = b.max_pool("maxpool1", x, pool);
  x = basic_conv(b, "conv2", x, 64, 64, ConvSpec::square(1));
  x = basic_conv(b, "conv3", x, 64, 192, ConvSpec::square(3, 1, 1));
  x = b.max_pool("maxpool2", x, pool);
  // Szegedy et al. Table 1 (#1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj).
  const InceptionCfg i3a{64, 96, 128, 16, 32, 32}, i3b{128, 128, 192, 32, 96, 64};
  const InceptionCfg i4a{192, 96, 208, 16, 48, 64}, i4b{160, 112, 224, 24, 64, 64},
      i4c{128, 128, 256, 24, 64, 64}, i4d{112, 144, 288, 32, 64, 64},
      i4e{256, 160, 320, 32, 128, 128};
  const InceptionCfg i5a{256, 160, 320, 32, 128, 128}, i5b{384, 192, 384, 48, 128, 128};
  x = inception(b, "inception3a", x, 192, i3a);
  x = inception(b, "inception3b", x, i3a.out(), i3b);
  x = b.max_pool("maxpool3", x, pool);
  x = inception(b, "inception4a", x, i3b.out(), i4a);
  x = inception(b, "inception4b", x, i4a.out(), i4b);
  x = inception(b, "inception4c", x, i4b.out(), i4c);
  x = inception(b, "inception4d", x, i4c.out(), i4d);
  x = inception(b, "inception4e", x, i4d.out(), i4e);
  x = b.max_pool("maxpool4", x, {2, 2, 0, true, false});
  x = inception(b, "inception5a", x, i4e.out(), i5a);
  x = inception(b, "inception5b", x, i5a.out(), i5b);
  x = b.flatten("flatten", b.global_average_pool("avgpool", x));
  b.add_output(b.gemm("fc", x, i5b.out(), 1000));
  return finish_checked(b, model, "GoogLeNet (Szegedy et al. 2015), torchvision 0.14 layout");
}

}  // namespace dnntune::zoo
