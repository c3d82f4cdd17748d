// The real torchvision exports in ../shared/models: every tensor resolves, and operation counts
// match the published figures.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "tests/test_paths.h"
#include "traces/onnx/model_loader.h"

namespace dnntune {
namespace {

std::string model_path(const std::string& name) {
  return test::shared_dir() + "/models/" + name + ".onnx";
}

struct Published {
  const char* model;
  double gmacs;  // torchvision documentation ("GFLOPS" column, which counts multiply-accumulates)
};

// torchvision 0.14 model documentation, at 224x224 (inception_v3: 299x299); also in
// ../shared/models/README.md.
const Published kTorchvisionGmacs[] = {
    {"alexnet", 0.71},       {"vgg16", 15.47},
    {"resnet18", 1.81},      {"resnet50", 4.09},
    {"googlenet", 1.50},     {"inception_v3", 5.71},
    {"mobilenet_v2", 0.30},  {"mobilenet_v3_small", 0.06},
    {"squeezenet1_1", 0.35}, {"shufflenet_v2_x1_0", 0.14},
    {"densenet121", 2.83},   {"mnasnet1_0", 0.31},
};

TEST(SharedModels, MacsMatchTorchvisionPublishedFigures) {
  DNNTUNE_REQUIRE_SHARED();
  for (const auto& p : kTorchvisionGmacs) {
    const LayerGraph g = load_layer_graph(model_path(p.model));
    const double gmacs = static_cast<double>(g.totals.macs) / 1e9;
    // Within 2%, or within half a unit of the last published digit where the figure is rounded
    // coarser than that (0.06 stands for [0.055, 0.065)).
    const double tolerance = std::max(0.02 * p.gmacs, 0.005 + 1e-9);
    EXPECT_NEAR(gmacs, p.gmacs, tolerance) << p.model;
    EXPECT_EQ(g.totals.unknown_cost_layers, 0) << p.model;
  }
}

TEST(SharedModels, EveryTensorOfEveryModelHasAConcreteShape) {
  DNNTUNE_REQUIRE_SHARED();
  int models = 0;
  for (const auto& dir : {"/models", "/models/opset13"}) {
    for (const auto& entry : std::filesystem::directory_iterator(test::shared_dir() + dir)) {
      if (entry.path().extension() != ".onnx") continue;
      const LayerGraph g = load_layer_graph(entry.path().string());
      ++models;
      ASSERT_GT(g.size(), 0u) << entry.path();
      for (size_t i = 0; i < g.size(); ++i)
        for (const auto& t : g.layer(i).outputs) {
          EXPECT_FALSE(t.shape.empty() && t.dtype == DType::kUnknown)
              << entry.path() << " " << t.name;
          for (int64_t d : t.shape) EXPECT_GT(d, 0) << entry.path() << " " << t.name;
        }
      EXPECT_EQ(g.cut_bytes.size(), g.size());
    }
  }
  EXPECT_EQ(models, 20);
}

TEST(SharedModels, ParamsEqualFloatInitializerElements) {
  DNNTUNE_REQUIRE_SHARED();
  // Counted independently from the protobuf: all floating-point initializers.
  for (const char* name : {"resnet50", "vgg16", "lstm_lm", "densenet121"}) {
    const onnx::ModelProto m = read_model_proto(model_path(name));
    int64_t expected = 0;
    for (const auto& t : m.graph().initializer()) {
      if (t.data_type() != onnx::TensorProto::FLOAT) continue;
      int64_t n = 1;
      for (int64_t d : t.dims()) n *= d;
      expected += n;
    }
    EXPECT_EQ(load_layer_graph(model_path(name)).totals.params, expected) << name;
  }
  // vgg16 has no BatchNorm, so its ONNX params equal torchvision's exact count (models/README.md).
  EXPECT_EQ(load_layer_graph(model_path("vgg16")).totals.params, 138357544);
}

TEST(SharedModels, Opset13ExportsGiveTheSameGraphAsOpset11) {
  DNNTUNE_REQUIRE_SHARED();
  for (const char* name : {"resnet18", "mobilenet_v2", "squeezenet1_1", "lstm_lm"}) {
    const LayerGraph a = load_layer_graph(model_path(name));
    const LayerGraph b = load_layer_graph(test::shared_dir() + "/models/opset13/" + name + ".onnx");
    EXPECT_EQ(a.size(), b.size()) << name;
    EXPECT_EQ(a.totals.macs, b.totals.macs) << name;
    EXPECT_EQ(a.cut_bytes, b.cut_bytes) << name;
  }
}

TEST(SharedModels, RecurrentModelsResolveTheirRuntimeShapedInitialStates) {
  DNNTUNE_REQUIRE_SHARED();
  // lstm_lm: Embedding(10000,256) -> LSTM(256->512) -> LSTM(512->512) -> Linear(512->10000), 35
  // tokens. MACs = 35 * (4*512*(256+512) + 4*512*(512+512) + 512*10000)
  const LayerGraph g = load_layer_graph(model_path("lstm_lm"));
  EXPECT_EQ(g.totals.macs, 35LL * (4 * 512 * 768 + 4 * 512 * 1024 + 512 * 10000));
  // gru_kws: 98 frames of 40 MFCCs -> GRU(40->128) -> GRU(128->128) -> Linear(128->12) on the last
  // frame MACs = 98 * (3*128*(40+128) + 3*128*(128+128)) + 128*12
  const LayerGraph k = load_layer_graph(model_path("gru_kws"));
  EXPECT_EQ(k.totals.macs, 98LL * (3 * 128 * 168 + 3 * 128 * 256) + 128 * 12);
}

TEST(SharedModels, SileroVadLstmsInsideIfBranchesBecomeLayers) {
  DNNTUNE_REQUIRE_SHARED();
  LoadOptions o;
  o.input_shapes["input"] = {1, 512};
  o.input_shapes["state"] = {2, 1, 128};
  const LayerGraph g =
      load_layer_graph(test::shared_dir() + "/data/models/silero_vad/silero_vad_16k_op15.onnx", o);
  int lstms = 0;
  for (size_t i = 0; i < g.size(); ++i) lstms += g.layer(i).kind == "LSTM";
  EXPECT_EQ(lstms, 1);
  EXPECT_EQ(g.totals.unknown_cost_layers, 0);
  // Without shapes for the dynamic inputs, the error names the input and suggests the option.
  try {
    load_layer_graph(test::shared_dir() + "/data/models/silero_vad/silero_vad_16k_op15.onnx");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("--input-shape"), std::string::npos);
  }
}

TEST(SharedModels, WeightsAsConstantOfShapeNodesStillCountAsLayerWeights) {
  DNNTUNE_REQUIRE_SHARED();
  // The ONNX light zoo replaced every initializer with ConstantOfShape: weights are computed at
  // load time (static) and must still be attributed to their layers.
  const LayerGraph g =
      load_layer_graph(test::shared_dir() + "/data/models/onnx_light_zoo/light_resnet50.onnx");
  EXPECT_NEAR(static_cast<double>(g.totals.macs) / 1e9, 4.09, 0.02 * 4.09);
  EXPECT_GT(g.totals.weight_bytes, 90'000'000);  // ~25.5M float weights
}

}  // namespace
}  // namespace dnntune
