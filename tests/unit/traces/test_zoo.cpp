// The benchmark suite: every model builds, passes the ONNX checker and shape inference with all
// shapes known, and has the parameter count of its paper (DNNTune Table 1 within 5%; exactly the
// torchvision count where the architecture is torchvision's).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include "traces/common/error.h"
#include "traces/zoo/zoo.h"

namespace dnntune::zoo {
namespace {

int64_t elements(const onnx::TensorProto& t) {
  int64_t n = 1;
  for (int64_t d : t.dims()) n *= d;
  return n;
}

bool has_payload(const onnx::TensorProto& t) {
  return !t.raw_data().empty() || t.float_data_size() > 0 || t.int64_data_size() > 0;
}

// Parameter count split the way papers count: learned weights (payload-less initializers of a
// kNone build, minus BatchNorm running statistics), running statistics, and constants (Clip
// bounds, positional tables, masks: they always carry their values).
struct ParamSplit {
  int64_t learned = 0, running_stats = 0, constants = 0;
  int64_t total() const { return learned + running_stats + constants; }
};

ParamSplit split_params(const onnx::ModelProto& m) {
  std::set<std::string> stats;
  for (const auto& n : m.graph().node())
    if (n.op_type() == "BatchNormalization") {
      stats.insert(n.input(3));
      stats.insert(n.input(4));
    }
  ParamSplit s;
  for (const auto& t : m.graph().initializer()) {
    if (t.data_type() != onnx::TensorProto::FLOAT) continue;
    if (has_payload(t))
      s.constants += elements(t);
    else if (stats.count(t.name()))
      s.running_stats += elements(t);
    else
      s.learned += elements(t);
  }
  return s;
}

// Every tensor a node produces has a fully known shape after ONNX shape inference.
void expect_all_shapes_known(onnx::ModelProto m, const std::string& name) {
  onnx::shape_inference::InferShapes(m);
  std::map<std::string, const onnx::TypeProto*> types;
  for (const auto& vi : m.graph().value_info()) types[vi.name()] = &vi.type();
  for (const auto& vi : m.graph().output()) types[vi.name()] = &vi.type();
  int missing = 0;
  for (const auto& node : m.graph().node())
    for (const auto& out : node.output()) {
      const auto it = types.find(out);
      bool known = it != types.end() && it->second->tensor_type().has_shape();
      if (known)
        for (const auto& d : it->second->tensor_type().shape().dim())
          known = known && d.has_dim_value() && d.dim_value() > 0;
      if (!known && ++missing <= 3) ADD_FAILURE() << name << ": no shape for " << out;
    }
  EXPECT_EQ(missing, 0) << name;
}

TEST(Zoo, RegistryHoldsTable1InOrderThenAlexNet) {
  std::vector<std::string> names;
  for (const auto& e : registry()) names.push_back(e.name);
  const std::vector<std::string> expected = {"inception_v1",
                                             "inception_v3",
                                             "resnet50",
                                             "vgg16",
                                             "mobilenet_v1",
                                             "mobilenet_v2",
                                             "squeezenet_v1_1",
                                             "shufflenet_v2_0_5",
                                             "deeplabv3_mobilenet_v2",
                                             "rnn_ptb_small",
                                             "deepspeech",
                                             "mnist_mlp",
                                             "transformer",
                                             "alexnet"};
  EXPECT_EQ(names, expected);
  for (const auto& e : registry()) {
    EXPECT_FALSE(e.description.empty()) << e.name;
    EXPECT_FALSE(e.citation.empty()) << e.name;
    EXPECT_FALSE(e.default_input.empty()) << e.name;
    EXPECT_EQ(find(e.name), &e);
  }
  EXPECT_EQ(find("resnet"), nullptr);
  EXPECT_EQ(names_joined().substr(0, 28), "inception_v1, inception_v3, ");
}

class EveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryModel, BuildsWithAllShapesInferredAndTable1Params) {
  const ZooEntry* e = find(GetParam());
  ASSERT_NE(e, nullptr);
  const onnx::ModelProto m = e->build(ZooOptions{});
  EXPECT_EQ(m.opset_import(0).version(), 13);
  EXPECT_EQ(m.graph().name(), e->name);
  expect_all_shapes_known(m, e->name);
  const int64_t params = count_parameters(m);
  const double ratio = static_cast<double>(params) / static_cast<double>(e->table1_params);
  std::cout << "[ params ] " << e->name << ": " << params << " vs Table 1 " << e->table1_params
            << " (" << (ratio - 1.0) * 100.0 << "%)\n";
  EXPECT_NEAR(ratio, 1.0, 0.05) << e->name << " has " << params << " parameters";
}

TEST_P(EveryModel, RandomWeightsPassTheOnnxChecker) {
  // The checker demands a payload in every initializer, so it runs on the kRandom build; the
  // kNone build differs only in the missing payloads (see WeightsNoneHaveNoPayload).
  ZooOptions options;
  options.weights = WeightFill::kRandom;
  const onnx::ModelProto m = find(GetParam())->build(options);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
}

std::vector<std::string> all_names() {
  std::vector<std::string> names;
  for (const auto& e : registry()) names.push_back(e.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Zoo, EveryModel, ::testing::ValuesIn(all_names()),
                         [](const auto& info) { return info.param; });

// Where the architecture is torchvision's, the learned weights equal torchvision 0.14's published
// parameter count exactly (../shared/models/README.md); BatchNorm running statistics and Clip
// bounds are extra initializers that torchvision does not count as parameters.
TEST(Zoo, LearnedParametersEqualTorchvision) {
  const std::map<std::string, int64_t> torchvision = {
      {"alexnet", 61'100'840},
      {"vgg16", 138'357'544},
      {"resnet50", 25'557'032},
      {"inception_v1", 6'624'904},
      {"mobilenet_v2", 3'504'872},
      {"squeezenet_v1_1", 1'235'496},
      {"shufflenet_v2_0_5", 1'366'792},
      // torchvision inception_v3: 27,161,264 with the aux classifier, whose 3,326,696 weights
      // (conv 768->128 1x1 98,304 + BN 256, conv 128->768 5x5 2,457,600 + BN 1,536, fc 769,000)
      // the inference graph drops.
      {"inception_v3", 27'161'264 - 3'326'696}};
  for (const auto& [name, expected] : torchvision) {
    const ParamSplit s = split_params(find(name)->build(ZooOptions{}));
    EXPECT_EQ(s.learned, expected) << name;
    std::cout << "[ params ] " << name << ": learned " << s.learned << " + BN statistics "
              << s.running_stats << " + constants " << s.constants << "\n";
  }
}

// Closed forms for the models that are not torchvision's (derivations in their source files).
TEST(Zoo, LearnedParametersMatchClosedForms) {
  const auto learned = [](const std::string& name) {
    return split_params(find(name)->build(ZooOptions{})).learned;
  };
  // Embedding 10000*200 (tied with softmax) + 2 LSTMs 4*200*400 + 8*200 + softmax bias 10000.
  EXPECT_EQ(learned("rnn_ptb_small"), 10000 * 200 + 2 * (4 * 200 * 400 + 8 * 200) + 10000);
  // 11n^2 + 535n + 29 at n = 1600.
  EXPECT_EQ(learned("deepspeech"), 11LL * 1600 * 1600 + 535 * 1600 + 29);
  EXPECT_EQ(learned("mnist_mlp"),
            784 * 4096 + 4096 + 4096 * 2048 + 2048 + 2048 * 1024 + 1024 + 1024 * 10 + 10);
  // 6 encoder layers (4 projections 512^2+512, FFN 2*512*2048+2048+512, 2 LN 2*1024),
  // 6 decoder layers (8 projections, FFN, 3 LN), shared embedding 8192*512.
  const int64_t proj = 512 * 512 + 512, ffn = 2 * 512 * 2048 + 2048 + 512;
  EXPECT_EQ(learned("transformer"),
            6 * (4 * proj + ffn + 2 * 1024) + 6 * (8 * proj + ffn + 3 * 1024) + 8192 * 512);
  // MobileNet-V1: Keras' count of 4,253,864 minus its 21,888 non-trainable BN statistics.
  EXPECT_EQ(learned("mobilenet_v1"), 4'253'864 - 21'888);
  // DeepLab-V3 head: image-pool conv 320*256 + BN 512, 1x1 branch 320*256 + BN 512,
  // projection 512*256 + BN 512, logits 256*21 + 21; backbone = torchvision mobilenet_v2
  // minus features.18 (320*1280 + BN 2560) and the classifier (1280*1000 + 1000).
  const int64_t backbone = 3'504'872 - (320 * 1280 + 2560) - (1280 * 1000 + 1000);
  const int64_t head = 2 * (320 * 256 + 512) + 512 * 256 + 512 + 256 * 21 + 21;
  EXPECT_EQ(learned("deeplabv3_mobilenet_v2"), backbone + head);
}

TEST(Zoo, WeightsNoneHaveNoPayloadAndRandomIsDeterministic) {
  const onnx::ModelProto none = find("squeezenet_v1_1")->build(ZooOptions{});
  for (const auto& t : none.graph().initializer())
    if (t.data_type() == onnx::TensorProto::FLOAT && elements(t) > 16) {
      EXPECT_FALSE(has_payload(t)) << t.name();
    }
  ZooOptions random;
  random.weights = WeightFill::kRandom;
  const std::string a = find("squeezenet_v1_1")->build(random).SerializeAsString();
  const std::string b = find("squeezenet_v1_1")->build(random).SerializeAsString();
  EXPECT_EQ(a, b);
  EXPECT_GT(a.size(), static_cast<size_t>(1'235'496 * 4));  // every weight carries 4 bytes
}

std::vector<int64_t> input_dims(const onnx::ModelProto& m, int index = 0) {
  std::vector<int64_t> dims;
  for (const auto& d : m.graph().input(index).type().tensor_type().shape().dim())
    dims.push_back(d.dim_value());
  return dims;
}

std::vector<int64_t> output_dims(const onnx::ModelProto& m) {
  std::vector<int64_t> dims;
  for (const auto& d : m.graph().output(0).type().tensor_type().shape().dim())
    dims.push_back(d.dim_value());
  return dims;
}

TEST(Zoo, BatchAndInputSizeOptions) {
  ZooOptions o;
  o.batch = 4;
  o.input_size = {299, 299};
  const auto resnet = find("resnet50")->build(o);
  EXPECT_EQ(input_dims(resnet), (std::vector<int64_t>{4, 3, 299, 299}));
  EXPECT_EQ(output_dims(resnet), (std::vector<int64_t>{4, 1000}));

  o.input_size = {35};
  const auto ptb = find("rnn_ptb_small")->build(o);
  EXPECT_EQ(input_dims(ptb), (std::vector<int64_t>{4, 35}));
  EXPECT_EQ(output_dims(ptb), (std::vector<int64_t>{4, 35, 10000}));

  o.batch = 1;
  o.input_size = {257, 257};  // DeepLab's TFLite size: output stride 16 -> 17x17 features
  const auto deeplab = find("deeplabv3_mobilenet_v2")->build(o);
  EXPECT_EQ(output_dims(deeplab), (std::vector<int64_t>{1, 21, 257, 257}));

  o.input_size = {448};  // VGG16: 14x14 feature map, averaged 2x2 down to 7x7
  EXPECT_EQ(output_dims(find("vgg16")->build(o)), (std::vector<int64_t>{1, 1000}));
  EXPECT_EQ(input_dims(find("transformer")->build(ZooOptions{}), 1), (std::vector<int64_t>{1, 64}));
}

TEST(Zoo, BadOptionsAreInputErrorsNamingTheModel) {
  const auto expect_error = [](const std::string& name, const ZooOptions& o,
                               const std::string& fragment) {
    try {
      find(name)->build(o);
      ADD_FAILURE() << name << ": no error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), name);
      EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message();
    }
  };
  ZooOptions o;
  o.batch = 0;
  expect_error("resnet50", o, "batch must be at least 1");
  o = {};
  o.input_size = {1, 3, 224};
  expect_error("resnet50", o, "not an image size");
  o.input_size = {16, 16};
  expect_error("resnet50", o, "too small");
  o.input_size = {35, 2};
  expect_error("rnn_ptb_small", o, "not a sequence length");
  o.input_size = {28, 28};
  expect_error("mnist_mlp", o, "takes no input size");
  o.input_size = {230, 230};  // AlexNet: 6x6 feature map needed; 230 gives 6 too
  EXPECT_NO_THROW(find("alexnet")->build(o));
  o.input_size = {300, 300};  // 8x8 feature map cannot be pooled evenly to 6x6
  expect_error("alexnet", o, "cannot average evenly");
  o.input_size = {224, 256};  // the classifiers of AlexNet and VGG16 need a square feature map
  expect_error("alexnet", o, "needs a square input (its classifier pools to 6x6)");
  expect_error("vgg16", o, "needs a square input (its classifier pools to 7x7)");
  EXPECT_NO_THROW(find("resnet50")->build(o));  // global pooling takes any shape
}

TEST(Zoo, BuildModelRejectsUnknownNamesListingTheValidOnes) {
  try {
    build_model("resnet51");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "resnet51");
    EXPECT_NE(e.message().find("valid names: inception_v1, "), std::string::npos);
    EXPECT_NE(e.message().find("alexnet"), std::string::npos);
  }
  EXPECT_EQ(build_model("mnist_mlp").graph().name(), "mnist_mlp");
}

TEST(Zoo, ParseInputSize) {
  EXPECT_EQ(parse_input_size("299x299"), (std::vector<int64_t>{299, 299}));
  EXPECT_EQ(parse_input_size("320,240"), (std::vector<int64_t>{320, 240}));
  EXPECT_EQ(parse_input_size("35"), (std::vector<int64_t>{35}));
  for (const char* bad : {"", "x", "299x", "0", "-3", "2x3x4", "abc", "12 ", "1e3", "99999999999"})
    EXPECT_THROW(parse_input_size(bad), InputError) << "'" << bad << "'";
}

}  // namespace
}  // namespace dnntune::zoo
