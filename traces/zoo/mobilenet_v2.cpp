// MobileNet-V2 — Sandler, Howard, Zhu, Zhmoginov, Chen, "MobileNetV2: Inverted Residuals and
// Linear Bottlenecks", CVPR 2018. Built as torchvision 0.14's mobilenet_v2 (width 1.0, ReLU6 as
// Clip): 3,504,872 parameters + 34,112 BatchNorm statistics + 70 Clip bounds = 3,539,054
// vs 3.4M in DNNTune's Table 1 (+4.1%).
#include "traces/zoo/mobilenet_v2.h"

#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace detail {

MobileNetV2Features mobilenet_v2_features(OnnxBuilder& b, const std::string& input,
                                          int64_t output_stride) {
  std::string x =
      conv_bn_act(b, "features.0", input, 3, 32, ConvSpec::square(3, 2, 1), Act::kRelu6);
  struct Stage {
    int64_t t, c, n, s;  // expansion, output channels, repeats, first stride (Sandler Table 2)
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int64_t in = 32, index = 1, current_stride = 2, dilation = 1;
  for (const Stage& st : stages) {
    for (int64_t i = 0; i < st.n; ++i) {
      int64_t stride = i == 0 ? st.s : 1;
      int64_t block_dilation = dilation;
      if (stride == 2 && current_stride >= output_stride) {
        // Atrous: keep the resolution, dilate this stage's later convolutions instead.
        stride = 1;
        dilation *= 2;
      } else if (stride == 2) {
        current_stride *= 2;
      }
      if (i > 0) block_dilation = dilation;
      const std::string name = "features." + std::to_string(index++);
      const int64_t hidden = in * st.t;
      std::string y = x;
      int conv_index = 0;
      if (st.t != 1)
        y = conv_bn_act(b, name + ".conv." + std::to_string(conv_index++), y, in, hidden,
                        ConvSpec::square(1), Act::kRelu6);
      ConvSpec dw = ConvSpec::square(3, stride, block_dilation);
      dw.dilation = block_dilation;
      dw.group = hidden;
      y = conv_bn_act(b, name + ".conv." + std::to_string(conv_index++), y, hidden, hidden, dw,
                      Act::kRelu6);
      y = conv_bn_act(b, name + ".conv." + std::to_string(conv_index++), y, hidden, st.c,
                      ConvSpec::square(1), Act::kNone);
      x = (stride == 1 && in == st.c) ? b.add(name + ".add", x, y) : y;
      in = st.c;
    }
  }
  return {x, in};
}

}  // namespace detail

onnx::ModelProto build_mobilenet_v2(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "mobilenet_v2";
  auto [b, input, batch, size] = start_image_model(model, options, 224, 32);
  const MobileNetV2Features f = mobilenet_v2_features(b, input);
  std::string x =
      conv_bn_act(b, "features.18", f.output, f.channels, 1280, ConvSpec::square(1), Act::kRelu6);
  x = b.flatten("flatten", b.global_average_pool("avgpool", x));
  b.add_output(b.gemm("classifier.1", x, 1280, 1000));
  return finish_checked(b, model, "MobileNet-V2 (Sandler et al. 2018), torchvision 0.14 layout");
}

}  // namespace dnntune::zoo
