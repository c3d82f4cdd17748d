// Suite models through dnntune's own loader: every model loads by name with all layers costed,
// the loader's parameter total equals the builder's, and total MACs equal the published figures.
#include <gtest/gtest.h>

#include "traces/onnx/model_loader.h"
#include "traces/zoo/zoo.h"

namespace dnntune::zoo {
namespace {

TEST(ZooMacs, EveryModelLoadsByNameWithEveryLayerCosted) {
  for (const auto& e : registry()) {
    const LayerGraph g = load_layer_graph(e.name);
    EXPECT_EQ(g.totals.unknown_cost_layers, 0) << e.name;
    EXPECT_TRUE(g.warnings.empty()) << e.name << ": " << (g.warnings.empty() ? "" : g.warnings[0]);
    EXPECT_EQ(g.totals.params, count_parameters(e.build(ZooOptions{}))) << e.name;
    EXPECT_GT(g.totals.macs, 0) << e.name;
    std::cout << "[ macs ] " << e.name << ": " << g.size() << " layers, " << g.totals.macs
              << " MACs\n";
  }
}

// The loader's --batch (LoadOptions::batch) works on suite names: no reshape target or resize
// size in a suite model pins the batch, so MACs scale exactly with it, and the result equals a
// model built with ZooOptions::batch.
TEST(ZooMacs, LoaderBatchScalesEveryModel) {
  LoadOptions batch3;
  batch3.batch = 3;
  ZooOptions built3;
  built3.batch = 3;
  for (const auto& e : registry()) {
    const LayerGraph one = load_layer_graph(e.name);
    const LayerGraph three = load_layer_graph(e.name, batch3);
    EXPECT_EQ(three.inputs.at(0).shape.at(0), 3) << e.name;
    EXPECT_EQ(three.totals.macs, 3 * one.totals.macs) << e.name;
    EXPECT_EQ(three.input_cut_bytes, 3 * one.input_cut_bytes) << e.name;
    EXPECT_EQ(build_layer_graph(e.build(built3), e.name).totals.macs, three.totals.macs) << e.name;
  }
}

struct Published {
  const char* name;
  std::vector<int64_t> input_size;  // {} = default
  double gmacs;
  const char* source;
};

// Multiply-accumulates published for these architectures; tolerance 2% (the published figures
// are rounded to 2-3 digits, and some count the classifier differently).
TEST(ZooMacs, TotalMacsMatchPublishedFigures) {
  const Published published[] = {
      // torchvision 0.14 documentation ("GFLOPS" there are GMACs), ../shared/models/README.md.
      {"resnet50", {}, 4.09, "torchvision"},
      {"vgg16", {}, 15.47, "torchvision"},
      {"alexnet", {}, 0.71, "torchvision"},
      {"inception_v3", {299, 299}, 5.71, "torchvision"},
      {"mobilenet_v2", {}, 0.30, "torchvision"},
      {"squeezenet_v1_1", {}, 0.35, "torchvision"},
      {"inception_v1", {}, 1.50, "torchvision googlenet"},
      // Howard et al. 2017, Table 8: MobileNet 1.0-224, 569M Mult-Adds.
      {"mobilenet_v1", {}, 0.569, "Howard et al. Table 8"},
      // Ma et al. 2018, Table 5: ShuffleNet v2 0.5x, 41 MFLOPs (counted as multiply-adds).
      {"shufflenet_v2_0_5", {}, 0.041, "Ma et al. Table 5"},
  };
  for (const auto& p : published) {
    LayerGraph g;
    if (p.input_size.empty()) {
      g = load_layer_graph(p.name);
    } else {
      ZooOptions o;
      o.input_size = p.input_size;
      g = build_layer_graph(find(p.name)->build(o), p.name);
    }
    const double gmacs = static_cast<double>(g.totals.macs) / 1e9;
    std::cout << "[ macs ] " << p.name << ": " << gmacs << " GMACs vs " << p.gmacs << " ("
              << p.source << ")\n";
    EXPECT_NEAR(gmacs / p.gmacs, 1.0, 0.02) << p.name << ": " << gmacs << " GMACs";
  }
}

// Sandler et al. 2018, Table 7: DeepLabv3 with MobileNetV2*, OS 16, no ASPP: 2.75B MAdds at
// 513x513 (bilinear resizes carry no MACs in either count). Tolerance 2% like the others.
TEST(ZooMacs, DeepLabMatchesMobileNetV2PaperTable7) {
  const LayerGraph g = load_layer_graph("deeplabv3_mobilenet_v2");
  const double gmacs = static_cast<double>(g.totals.macs) / 1e9;
  std::cout << "[ macs ] deeplabv3_mobilenet_v2: " << gmacs << " GMACs vs 2.75\n";
  EXPECT_NEAR(gmacs / 2.75, 1.0, 0.02);
}

// Sequence models: MACs follow from the layer shapes in closed form.
TEST(ZooMacs, SequenceModelsMatchClosedForms) {
  // rnn_ptb_small, 20 steps: 2 LSTMs x 20 x 4*200*(200+200) + tied softmax 20*200*10000.
  EXPECT_EQ(load_layer_graph("rnn_ptb_small").totals.macs,
            2LL * 20 * 4 * 200 * 400 + 20LL * 200 * 10000);
  // mnist_mlp: the weight count without biases.
  EXPECT_EQ(load_layer_graph("mnist_mlp").totals.macs,
            784LL * 4096 + 4096LL * 2048 + 2048LL * 1024 + 1024LL * 10);
  // deepspeech, 16 frames: per frame 494n + 3n^2 + 8n^2 (LSTM) + 29n at n = 1600.
  const int64_t n = 1600;
  EXPECT_EQ(load_layer_graph("deepspeech").totals.macs,
            16 * (494 * n + 3 * n * n + 8 * n * n + 29 * n));
}

}  // namespace
}  // namespace dnntune::zoo
