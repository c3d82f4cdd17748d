// The suite's registry: DNNTune's Table 1 (Xia et al., "DNNTune: Automatic Benchmarking DNN
// Models for Mobile-cloud Computing", ACM TACO 16(4), 2019) in its order, then AlexNet.
// table1_params are the paper's parameter counts; tests check each built model within 5%.
#include <cctype>

#include "traces/common/error.h"
#include "traces/zoo/models.h"
#include "traces/zoo/zoo.h"

namespace dnntune::zoo {

const std::vector<ZooEntry>& registry() {
  static const std::vector<ZooEntry> entries = {
      {"inception_v1", "GoogLeNet: 9 Inception modules, BatchNorm (torchvision layout)",
       "Szegedy et al., Going Deeper with Convolutions, CVPR 2015", 6'790'000, build_inception_v1,
       "image 3x224x224"},
      {"inception_v3", "Inception-V3 without auxiliary classifier (torchvision layout)",
       "Szegedy et al., Rethinking the Inception Architecture for Computer Vision, CVPR 2016",
       22'750'000, build_inception_v3, "image 3x299x299"},
      {"resnet50", "ResNet-50 v1.5, bottleneck residual blocks (torchvision layout)",
       "He et al., Deep Residual Learning for Image Recognition, CVPR 2016", 25'600'000,
       build_resnet50, "image 3x224x224"},
      {"vgg16", "VGG16 configuration D, 13 conv + 3 FC (torchvision layout)",
       "Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image "
       "Recognition, ICLR 2015",
       138'000'000, build_vgg16, "image 3x224x224"},
      {"mobilenet_v1", "MobileNet-V1 1.0: 13 depthwise-separable blocks",
       "Howard et al., MobileNets: Efficient Convolutional Neural Networks for Mobile Vision "
       "Applications, arXiv:1704.04861, 2017",
       4'200'000, build_mobilenet_v1, "image 3x224x224"},
      {"mobilenet_v2", "MobileNet-V2 1.0: inverted residuals, ReLU6 (torchvision layout)",
       "Sandler et al., MobileNetV2: Inverted Residuals and Linear Bottlenecks, CVPR 2018",
       3'400'000, build_mobilenet_v2, "image 3x224x224"},
      {"squeezenet_v1_1", "SqueezeNet 1.1: 8 Fire modules (torchvision layout)",
       "Iandola et al., SqueezeNet: AlexNet-level accuracy with 50x fewer parameters, "
       "arXiv:1602.07360, 2016",
       1'200'000, build_squeezenet_v1_1, "image 3x224x224"},
      {"shufflenet_v2_0_5", "ShuffleNet-V2 0.5x: channel split and shuffle (torchvision layout)",
       "Ma et al., ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design, "
       "ECCV 2018",
       1'400'000, build_shufflenet_v2_0_5, "image 3x224x224"},
      {"deeplabv3_mobilenet_v2",
       "DeepLab-V3 segmentation, MobileNet-V2 backbone at output stride 16, 21 classes",
       "Chen et al., Rethinking Atrous Convolution for Semantic Image Segmentation, "
       "arXiv:1706.05587, 2017; Sandler et al., MobileNetV2, CVPR 2018",
       2'100'000, build_deeplabv3_mobilenet_v2, "image 3x513x513"},
      {"rnn_ptb_small", "2-layer LSTM(200) word model, 10k vocabulary, tied softmax",
       "Zaremba et al., Recurrent Neural Network Regularization, arXiv:1409.2329, 2014", 2'650'000,
       build_rnn_ptb_small, "20 token ids"},
      {"deepspeech", "DeepSpeech: 3 FC + LSTM + FC over MFCC frames, 29 symbols",
       "Hannun et al., Deep Speech: Scaling up end-to-end speech recognition, "
       "arXiv:1412.5567, 2014",
       29'000'000, build_deepspeech, "16 frames x 494 features"},
      {"mnist_mlp", "MLP 784-4096-2048-1024-10 on MNIST digits",
       "Ciresan et al., Deep, Big, Simple Neural Nets for Handwritten Digit Recognition, "
       "Neural Computation, 2010",
       13'900'000, build_mnist_mlp, "784 pixels"},
      {"transformer", "Transformer base encoder-decoder, 6+6 layers, d_model 512, 8k vocabulary",
       "Vaswani et al., Attention Is All You Need, NIPS 2017", 49'000'000, build_transformer,
       "64 source + 64 target token ids"},
      {"alexnet", "AlexNet, single-tower variant (torchvision layout); not in Table 1",
       "Krizhevsky et al., ImageNet Classification with Deep Convolutional Neural Networks, "
       "NIPS 2012",
       61'100'000, build_alexnet, "image 3x224x224"},
  };
  return entries;
}

const ZooEntry* find(const std::string& name) {
  for (const auto& e : registry())
    if (e.name == name) return &e;
  return nullptr;
}

std::string names_joined() {
  std::string s;
  for (const auto& e : registry()) s += (s.empty() ? "" : ", ") + e.name;
  return s;
}

onnx::ModelProto build_model(const std::string& name, const ZooOptions& options) {
  const ZooEntry* entry = find(name);
  if (!entry) throw InputError(name, "unknown suite model; valid names: " + names_joined());
  return entry->build(options);
}

std::vector<int64_t> parse_input_size(const std::string& text) {
  std::vector<int64_t> dims;
  size_t pos = 0;
  const auto bad = [&text]() {
    return InputError("<command line>", "--input-size '" + text +
                                            "' is not HxW (e.g. 299x299) or a sequence length "
                                            "(e.g. 35)");
  };
  if (text.empty()) throw bad();
  while (pos <= text.size()) {
    size_t end = text.find_first_of("x,", pos);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(pos, end - pos);
    if (part.empty() || part.size() > 9) throw bad();
    for (char c : part)
      if (!std::isdigit(static_cast<unsigned char>(c))) throw bad();
    const int64_t v = std::stoll(part);
    if (v < 1) throw bad();
    dims.push_back(v);
    pos = end + 1;
  }
  if (dims.size() > 2) throw bad();
  return dims;
}

}  // namespace dnntune::zoo
