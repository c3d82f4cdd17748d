// Inception-V3 — Szegedy, Vanhoucke, Ioffe, Shlens, Wojna, "Rethinking the Inception
// Architecture for Computer Vision", CVPR 2016. Built as torchvision 0.14's inception_v3 without
// the auxiliary classifier (inference graph, as ../shared/models/inception_v3.onnx) and without
// transform_input. Parameters: 27,161,264 with the aux head, 23,834,568 without, +34,432
// BatchNorm running statistics counted here = 23,869,000 vs 22.75M in DNNTune's Table 1 (+4.9%).
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {

using detail::Act;
using detail::rect;

constexpr float kBnEps = 1e-3f;  // torchvision BasicConv2d

std::string conv(OnnxBuilder& b, const std::string& name, const std::string& x, int64_t in,
                 int64_t out, const ConvSpec& spec) {
  return detail::conv_bn_act(b, name, x, in, out, spec, Act::kRelu, kBnEps);
}

ConvSpec k1() {
  return ConvSpec::square(1);
}
ConvSpec k3(int64_t stride = 1, int64_t pad = 0) {
  return ConvSpec::square(3, stride, pad);
}

// torchvision's F.avg_pool2d(x, 3, stride=1, padding=1): count_include_pad=True.
std::string avg3(OnnxBuilder& b, const std::string& name, const std::string& x) {
  return b.average_pool(name, x, {3, 1, 1, false, true});
}

// InceptionA (35x35 grid): 64 + 64 + 96 + pool_features channels.
std::string inception_a(OnnxBuilder& b, const std::string& n, const std::string& x, int64_t in,
                        int64_t pool_features) {
  const std::string b1 = conv(b, n + ".branch1x1", x, in, 64, k1());
  std::string b5 = conv(b, n + ".branch5x5_1", x, in, 48, k1());
  b5 = conv(b, n + ".branch5x5_2", b5, 48, 64, ConvSpec::square(5, 1, 2));
  std::string b3 = conv(b, n + ".branch3x3dbl_1", x, in, 64, k1());
  b3 = conv(b, n + ".branch3x3dbl_2", b3, 64, 96, k3(1, 1));
  b3 = conv(b, n + ".branch3x3dbl_3", b3, 96, 96, k3(1, 1));
  std::string bp = avg3(b, n + ".avg_pool", x);
  bp = conv(b, n + ".branch_pool", bp, in, pool_features, k1());
  return b.concat(n + ".concat", {b1, b5, b3, bp}, 1);
}

// InceptionB (35 -> 17 grid reduction): 384 + 96 + in channels.
std::string inception_b(OnnxBuilder& b, const std::string& n, const std::string& x, int64_t in) {
  const std::string b3 = conv(b, n + ".branch3x3", x, in, 384, k3(2));
  std::string bd = conv(b, n + ".branch3x3dbl_1", x, in, 64, k1());
  bd = conv(b, n + ".branch3x3dbl_2", bd, 64, 96, k3(1, 1));
  bd = conv(b, n + ".branch3x3dbl_3", bd, 96, 96, k3(2));
  const std::string bp = b.max_pool(n + ".max_pool", x, {3, 2, 0, false, false});
  return b.concat(n + ".concat", {b3, bd, bp}, 1);
}

// InceptionC (17x17 grid, factorised 7x7): 4 x 192 = 768 channels.
std::string inception_c(OnnxBuilder& b, const std::string& n, const std::string& x, int64_t in,
                        int64_t c7) {
  const std::string b1 = conv(b, n + ".branch1x1", x, in, 192, k1());
  std::string b7 = conv(b, n + ".branch7x7_1", x, in, c7, k1());
  b7 = conv(b, n + ".branch7x7_2", b7, c7, c7, rect(1, 7, 0, 3));
  b7 = conv(b, n + ".branch7x7_3", b7, c7, 192, rect(7, 1, 3, 0));
  std::string bd = conv(b, n + ".branch7x7dbl_1", x, in, c7, k1());
  bd = conv(b, n + ".branch7x7dbl_2", bd, c7, c7, rect(7, 1, 3, 0));
  bd = conv(b, n + ".branch7x7dbl_3", bd, c7, c7, rect(1, 7, 0, 3));
  bd = conv(b, n + ".branch7x7dbl_4", bd, c7, c7, rect(7, 1, 3, 0));
  bd = conv(b, n + ".branch7x7dbl_5", bd, c7, 192, rect(1, 7, 0, 3));
  std::string bp = avg3(b, n + ".avg_pool", x);
  bp = conv(b, n + ".branch_pool", bp, in, 192, k1());
  return b.concat(n + ".concat", {b1, b7, bd, bp}, 1);
}

// InceptionD (17 -> 8 grid reduction): 320 + 192 + in channels.
std::string inception_d(OnnxBuilder& b, const std::string& n, const std::string& x, int64_t in) {
  std::string b3 = conv(b, n + ".branch3x3_1", x, in, 192, k1());
  b3 = conv(b, n + ".branch3x3_2", b3, 192, 320, k3(2));
  std::string b7 = conv(b, n + ".branch7x7x3_1", x, in, 192, k1());
  b7 = conv(b, n + ".branch7x7x3_2", b7, 192, 192, rect(1, 7, 0, 3));
  b7 = conv(b, n + ".branch7x7x3_3", b7, 192, 192, rect(7, 1, 3, 0));
  b7 = conv(b, n + ".branch7x7x3_4", b7, 192, 192, k3(2));
  const std::string bp = b.max_pool(n + ".max_pool", x, {3, 2, 0, false, false});
  return b.concat(n + ".concat", {b3, b7, bp}, 1);
}

// InceptionE (8x8 grid, expanded filter bank): 320 + 768 + 768 + 192 = 2048 channels.
// torchvision concatenates the 1x3/3x1 pairs first and then the branches; nested
// concatenations along one axis are one Concat of six inputs (as in torchvision's export).
std::string inception_e(OnnxBuilder& b, const std::string& n, const std::string& x, int64_t in) {
  const std::string b1 = conv(b, n + ".branch1x1", x, in, 320, k1());
  const std::string b3 = conv(b, n + ".branch3x3_1", x, in, 384, k1());
  const std::string b3a = conv(b, n + ".branch3x3_2a", b3, 384, 384, rect(1, 3, 0, 1));
  const std::string b3b = conv(b, n + ".branch3x3_2b", b3, 384, 384, rect(3, 1, 1, 0));
  std::string bd = conv(b, n + ".branch3x3dbl_1", x, in, 448, k1());
  bd = conv(b, n + ".branch3x3dbl_2", bd, 448, 384, k3(1, 1));
  const std::string bda = conv(b, n + ".branch3x3dbl_3a", bd, 384, 384, rect(1, 3, 0, 1));
  const std::string bdb = conv(b, n + ".branch3x3dbl_3b", bd, 384, 384, rect(3, 1, 1, 0));
  std::string bp = avg3(b, n + ".avg_pool", x);
  bp = conv(b, n + ".branch_pool", bp, in, 192, k1());
  return b.concat(n + ".concat", {b1, b3a, b3b, bda, bdb, bp}, 1);
}

}  // namespace

onnx::ModelProto build_inception_v3(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "inception_v3";
  auto [b, x, batch, size] = start_image_model(model, options, 299, 75);  // torchvision's minimum
  x = conv(b, "Conv2d_1a_3x3", x, 3, 32, k3(2));
  x = conv(b, "Conv2d_2a_3x3", x, 32, 32, k3());
  x = conv(b, "Conv2d_2b_3x3", x, 32, 64, k3(1, 1));
  x = b.max_pool("maxpool1", x, {3, 2, 0, false, false});
  x = conv(b, "Conv2d_3b_1x1", x, 64, 80, k1());
  x = conv(b, "Conv2d_4a_3x3", x, 80, 192, k3());
  x = b.max_pool("maxpool2", x, {3, 2, 0, false, false});
  x = inception_a(b, "Mixed_5b", x, 192, 32);  // -> 256
  x = inception_a(b, "Mixed_5c", x, 256, 64);  // -> 288
  x = inception_a(b, "Mixed_5d", x, 288, 64);  // -> 288
  x = inception_b(b, "Mixed_6a", x, 288);      // -> 768
  x = inception_c(b, "Mixed_6b", x, 768, 128);
  x = inception_c(b, "Mixed_6c", x, 768, 160);
  x = inception_c(b, "Mixed_6d", x, 768, 160);
  x = inception_c(b, "Mixed_6e", x, 768, 192);
  x = inception_d(b, "Mixed_7a", x, 768);   // -> 1280
  x = inception_e(b, "Mixed_7b", x, 1280);  // -> 2048
  x = inception_e(b, "Mixed_7c", x, 2048);
  x = b.flatten("flatten", b.global_average_pool("avgpool", x));
  b.add_output(b.gemm("fc", x, 2048, 1000));
  return finish_checked(b, model, "Inception-V3 (Szegedy et al. 2016), torchvision 0.14 layout");
}

}  // namespace dnntune::zoo
