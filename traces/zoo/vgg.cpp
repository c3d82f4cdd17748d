// VGG16 — Simonyan, Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
// Recognition", ICLR 2015, configuration D. Built as torchvision 0.14's vgg16 (no BatchNorm):
// 13 3x3 convolutions, three fully connected layers, 138,357,544 parameters.
#include "traces/common/error.h"
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace detail {
std::string adaptive_average_pool(OnnxBuilder& b, const std::string& model, const std::string& x,
                                  int64_t side, int64_t target);  // alexnet.cpp
}  // namespace detail

onnx::ModelProto build_vgg16(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "vgg16";
  auto [b, x, batch, size] =
      start_image_model(model, options, 224, 32, "its classifier pools to 7x7");
  // Configuration D: channels per conv, 0 = 2x2 max pool (torchvision's feature indices).
  const int64_t cfg[] = {64, 64,  0,   128, 128, 0,   256, 256, 256,
                         0,  512, 512, 512, 0,   512, 512, 512, 0};
  int64_t in = 3, side = size.h, index = 0;
  for (int64_t c : cfg) {
    const std::string name = "features." + std::to_string(index);
    if (c == 0) {
      x = b.max_pool(name, x, {2, 2, 0, false, false});
      side /= 2;
      index += 1;
    } else {
      x = conv_relu(b, name, x, in, c, ConvSpec::square(3, 1, 1));
      in = c;
      index += 2;
    }
  }
  x = adaptive_average_pool(b, model, x, side, 7);
  x = b.flatten("flatten", x);
  x = b.relu("classifier.1", b.gemm("classifier.0", x, 512 * 7 * 7, 4096));
  x = b.relu("classifier.4", b.gemm("classifier.3", x, 4096, 4096));
  x = b.gemm("classifier.6", x, 4096, 1000);
  b.add_output(x);
  return finish_checked(b, model, "VGG16 (Simonyan & Zisserman 2015), torchvision 0.14 layout");
}

}  // namespace dnntune::zoo
