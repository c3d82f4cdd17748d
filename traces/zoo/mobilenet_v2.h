#pragma once
// MobileNet-V2's feature extractor, shared by mobilenet_v2 and deeplabv3_mobilenet_v2.
#include <string>

#include "traces/onnx/onnx_builder.h"

namespace dnntune::zoo::detail {

struct MobileNetV2Features {
  std::string output;
  int64_t channels = 0;
};

// torchvision's mobilenet_v2 features[0..17] (Sandler et al. 2018, Table 2), i.e. everything up
// to the 320-channel block. With `output_stride` 16 the last stride-2 stage keeps stride 1 and
// its blocks (and the following ones) use dilation 2: DeepLabv3's atrous backbone.
MobileNetV2Features mobilenet_v2_features(OnnxBuilder& b, const std::string& x,
                                          int64_t output_stride = 32);

}  // namespace dnntune::zoo::detail
