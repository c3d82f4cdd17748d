// DeepLab-V3 with a MobileNet-V2 backbone — Chen, Papandreou, Schroff, Adam, "Rethinking Atrous
// Convolution for Semantic Image Segmentation", arXiv:1706.05587 (2017), in the mobile form of
// Sandler et al., "MobileNetV2", CVPR 2018, Section 6.3 / Table 7 (row "MNet V2*, OS 16, no ASPP,
// no MF": 2.11M parameters, 2.75B MAdds at 513x513; also the TensorFlow DeepLab model zoo's
// mobilenetv2_coco_voc). That row is what DNNTune's 2.1M implies:
// - backbone: MobileNet-V2 features up to the 320-channel block (no 1280-channel conv, no
//   classifier), output stride 16 (the 160-channel stage keeps stride 1 and uses dilation 2);
// - head without atrous ASPP branches: image pooling (global average pool, 1x1 conv 256, BN,
//   ReLU, bilinear resize back) and a 1x1 conv 256 branch, concatenated, projected by a 1x1
//   conv 256 + BN + ReLU, then 1x1 logits for the 21 PASCAL VOC classes and a bilinear resize
//   to the input size.
// Parameters: 1,811,712 learned backbone weights + 301,845 head weights + 33,164 BatchNorm
// statistics, Clip bounds and Resize scales = 2,146,721 vs 2.1M in DNNTune's Table 1 (+2.2%).
#include "traces/zoo/mobilenet_v2.h"
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {
constexpr int64_t kPascalVocClasses = 21;  // 20 classes + background
constexpr int64_t kHeadChannels = 256;     // Chen et al. 2017, Section 3.3
constexpr int64_t kOutputStride = 16;      // Sandler et al. 2018, Table 7
}  // namespace

onnx::ModelProto build_deeplabv3_mobilenet_v2(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "deeplabv3_mobilenet_v2";
  auto [b, input, batch, size] =
      start_image_model(model, options, 513, 33);  // DeepLab's crop size 513
  const MobileNetV2Features f = mobilenet_v2_features(b, input, kOutputStride);
  // Feature map side after four stride-2 3x3 convolutions with padding 1.
  int64_t fh = size.h, fw = size.w;
  for (int i = 0; i < 4; ++i) {
    fh = conv_out(fh, 3, 2, 1);
    fw = conv_out(fw, 3, 2, 1);
  }
  std::string pooled = b.global_average_pool("aspp.image_pool", f.output);
  pooled = conv_bn_act(b, "aspp.image_pool_conv", pooled, f.channels, kHeadChannels,
                       ConvSpec::square(1), Act::kRelu);
  pooled = b.resize_to("aspp.image_pool_resize", pooled, 1, 1, fh, fw);
  const std::string branch = conv_bn_act(b, "aspp.conv1x1", f.output, f.channels, kHeadChannels,
                                         ConvSpec::square(1), Act::kRelu);
  std::string x = b.concat("aspp.concat", {pooled, branch}, 1);
  x = conv_bn_act(b, "aspp.project", x, 2 * kHeadChannels, kHeadChannels, ConvSpec::square(1),
                  Act::kRelu);
  ConvSpec logits = ConvSpec::square(1);
  logits.bias = true;
  x = b.conv("logits", x, kHeadChannels, kPascalVocClasses, logits);
  x = b.resize_to("upsample", x, fh, fw, size.h, size.w);
  b.add_output(x);
  return finish_checked(b, model,
                        "DeepLab-V3 + MobileNet-V2 (Chen et al. 2017; Sandler et al. 2018)");
}

}  // namespace dnntune::zoo
