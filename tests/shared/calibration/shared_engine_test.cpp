// OpenCV engine on the reference models in ../shared/models: which ones run, the layer mapping
// from OpenCV's layers back to dnntune layers, and clear rejections.
#include <gtest/gtest.h>

#include "calibration/engines/measure.h"
#include "calibration/engines/opencv_engine.h"
#include "tests/test_paths.h"
#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::calib {
namespace {

std::string model_path(const std::string& name) {
  return test::shared_dir() + "/models/" + name + ".onnx";
}

TEST(SharedEngine, Resnet18LayersGetTheirTimeAndFusedReluIsZero) {
  DNNTUNE_REQUIRE_SHARED();
  OpenCvEngine engine(1);
  const std::string path = model_path("resnet18");
  auto model = engine.load(read_model_proto(path), path);
  const Measurement m = measure(*model);
  const LayerGraph graph = load_layer_graph(path);
  double layer_sum = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& layer = graph.layer(i);
    double layer_ms = 0;
    for (const auto& node : layer.nodes) {
      ASSERT_TRUE(m.node_median_ms.count(node)) << "node " << node << " has no timing";
      layer_ms += m.node_median_ms.at(node);
    }
    if (layer.kind == "Conv") {
      EXPECT_GT(layer_ms, 0.0) << layer.name;
    }
    for (size_t j = 1; j < layer.nodes.size(); ++j) {
      if (layer.ops[j] == "Relu") {
        EXPECT_LT(m.node_median_ms.at(layer.nodes[j]), 0.01) << layer.nodes[j];
      }
    }
    layer_sum += layer_ms;
  }
  // Every millisecond of the engine's own per-layer profile lands on some dnntune layer.
  EXPECT_NEAR(layer_sum, m.node_sum_ms(), 1e-9);
  EXPECT_LE(layer_sum, 1.05 * m.median_ms);
  EXPECT_GE(layer_sum, 0.8 * m.median_ms);
}

TEST(SharedEngine, RunsTheModelsTheIssueListsAndRejectsTheOthersClearly) {
  DNNTUNE_REQUIRE_SHARED();
  OpenCvEngine engine(1);
  // mobilenet_v2 runs thanks to the Clip rewrite (opset-11 Clip takes min/max as inputs).
  for (const std::string name :
       {"mlp_mnist", "squeezenet1_1", "mobilenet_v2", "mobilenet_v3_small"}) {
    const std::string path = model_path(name);
    EXPECT_NO_THROW(engine.load(read_model_proto(path), path)) << name;
  }
  for (const auto& [name, node] : std::vector<std::pair<std::string, std::string>>{
           {"lstm_lm", "/emb/Gather"}, {"shufflenet_v2_x1_0", "Add"}}) {
    const std::string path = model_path(name);
    try {
      engine.load(read_model_proto(path), path);
      ADD_FAILURE() << name << " unexpectedly runs";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), path);
      EXPECT_NE(e.message().find("rejects node"), std::string::npos) << e.message();
      EXPECT_NE(e.message().find(node), std::string::npos) << e.message();
    }
  }
}

}  // namespace
}  // namespace dnntune::calib
