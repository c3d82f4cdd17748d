// AlexNet — Krizhevsky, Sutskever, Hinton, "ImageNet Classification with Deep Convolutional
// Neural Networks", NIPS 2012. Built as torchvision 0.14's alexnet, which follows the single-GPU
// variant of Krizhevsky, "One weird trick for parallelizing convolutional neural networks",
// arXiv:1404.5997 (2014): 64-192-384-256-256 filters, no LRN. 61,100,840 parameters.
#include "traces/common/error.h"
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace detail {

// torchvision's AdaptiveAvgPool2d((n, n)) before the classifier. At the default input size the
// feature map already is n x n and the exporter emits an identity pool; other sizes must be a
// multiple of n so that a plain AveragePool does the same averaging.
std::string adaptive_average_pool(OnnxBuilder& b, const std::string& model, const std::string& x,
                                  int64_t side, int64_t target) {
  if (side == target) return b.average_pool("avgpool", x, {1, 1, 0, false, false});
  if (side % target != 0)
    throw InputError(model, "input size gives a " + std::to_string(side) + "x" +
                                std::to_string(side) + " feature map, which the classifier's " +
                                std::to_string(target) + "x" + std::to_string(target) +
                                " pooling cannot average evenly; use a square input that gives a "
                                "multiple of " +
                                std::to_string(target));
  const int64_t k = side / target;
  return b.average_pool("avgpool", x, {k, k, 0, false, false});
}

}  // namespace detail

onnx::ModelProto build_alexnet(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "alexnet";
  auto [b, x, batch, size] =
      start_image_model(model, options, 224, 63, "its classifier pools to 6x6");
  const PoolSpec pool{3, 2, 0, false, false};
  x = conv_relu(b, "features.0", x, 3, 64, ConvSpec::square(11, 4, 2));
  x = b.max_pool("features.2", x, pool);
  x = conv_relu(b, "features.3", x, 64, 192, ConvSpec::square(5, 1, 2));
  x = b.max_pool("features.5", x, pool);
  x = conv_relu(b, "features.6", x, 192, 384, ConvSpec::square(3, 1, 1));
  x = conv_relu(b, "features.8", x, 384, 256, ConvSpec::square(3, 1, 1));
  x = conv_relu(b, "features.10", x, 256, 256, ConvSpec::square(3, 1, 1));
  x = b.max_pool("features.12", x, pool);
  int64_t side = conv_out(size.h, 11, 4, 2);
  side = conv_out(conv_out(side, 3, 2, 0), 3, 2, 0);  // pool, conv 5x5 keeps, pool
  side = conv_out(side, 3, 2, 0);                     // 3x3 convs keep, last pool
  x = adaptive_average_pool(b, model, x, side, 6);
  x = b.flatten("flatten", x);
  x = b.relu("classifier.2", b.gemm("classifier.1", x, 256 * 6 * 6, 4096));
  x = b.relu("classifier.5", b.gemm("classifier.4", x, 4096, 4096));
  x = b.gemm("classifier.6", x, 4096, 1000);
  b.add_output(x);
  return finish_checked(b, model, "AlexNet (Krizhevsky et al. 2012), torchvision 0.14 layout");
}

}  // namespace dnntune::zoo
