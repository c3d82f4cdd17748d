// SqueezeNet v1.1 — Iandola et al., "SqueezeNet: AlexNet-level accuracy with 50x fewer parameters
// and <0.5MB model size", arXiv:1602.07360 (2016); v1.1 from the authors' repository
// (forresti/SqueezeNet, 2.4x less computation than v1.0). Built as torchvision 0.14's
// squeezenet1_1: 1,235,496 parameters vs 1.2M in DNNTune's Table 1.
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {

// Fire module: squeeze 1x1 + ReLU, then expand 1x1 and expand 3x3 (+ ReLU), concatenated.
std::string fire(OnnxBuilder& b, const std::string& name, const std::string& x, int64_t in,
                 int64_t squeeze, int64_t expand) {
  const std::string s =
      detail::conv_relu(b, name + ".squeeze", x, in, squeeze, ConvSpec::square(1));
  const std::string e1 =
      detail::conv_relu(b, name + ".expand1x1", s, squeeze, expand, ConvSpec::square(1));
  const std::string e3 =
      detail::conv_relu(b, name + ".expand3x3", s, squeeze, expand, ConvSpec::square(3, 1, 1));
  return b.concat(name + ".concat", {e1, e3}, 1);
}

}  // namespace

onnx::ModelProto build_squeezenet_v1_1(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "squeezenet_v1_1";
  auto [b, x, batch, size] = start_image_model(model, options, 224, 32);
  const PoolSpec pool{3, 2, 0, true, false};
  x = conv_relu(b, "features.0", x, 3, 64, ConvSpec::square(3, 2, 0));
  x = b.max_pool("features.2", x, pool);
  x = fire(b, "features.3", x, 64, 16, 64);
  x = fire(b, "features.4", x, 128, 16, 64);
  x = b.max_pool("features.5", x, pool);
  x = fire(b, "features.6", x, 128, 32, 128);
  x = fire(b, "features.7", x, 256, 32, 128);
  x = b.max_pool("features.8", x, pool);
  x = fire(b, "features.9", x, 256, 48, 192);
  x = fire(b, "features.10", x, 384, 48, 192);
  x = fire(b, "features.11", x, 384, 64, 256);
  x = fire(b, "features.12", x, 512, 64, 256);
  x = conv_relu(b, "classifier.1", x, 512, 1000, ConvSpec::square(1));
  x = b.flatten("flatten", b.global_average_pool("classifier.3", x));
  b.add_output(x);
  return finish_checked(b, model, "SqueezeNet 1.1 (Iandola et al. 2016), torchvision 0.14 layout");
}

}  // namespace dnntune::zoo
