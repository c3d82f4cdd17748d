// Whole-model runs during calibration: one in_model record per model the engine runs, a layer time
// per layer that has a kernel, and a slow-state run replaced once the machine is fast again.
#include <gtest/gtest.h>

#include "calibration/engines/opencv_engine.h"
#include "calibration/kernels/sampler.h"
#include "calibration/whole_model_runs.h"
#include "tests/test_paths.h"

namespace dnntune::calib {
namespace {

TEST(WholeModelRuns, RecordsEveryLayerAndPrefersTheFastState) {
  OpenCvEngine engine(1);
  double state = 1.6;  // the machine starts in its slow state
  WholeModelRuns runs(engine, MeasureOptions{}, [&] { return state; });
  const std::string model = test::test_data("tiny_cnn.onnx");
  runs.load({model, "/nonexistent/model.onnx"}, default_fusion_rules());  // the second is skipped
  // A model OpenCV 4.6 rejects (an embedding Gather) is dropped at its first measurement.
  WholeModelRuns rejected(engine, MeasureOptions{}, [] { return 1.0; });
  rejected.load({"rnn_ptb_small"}, default_fusion_rules());
  rejected.measure(true, [] { return true; });
  EXPECT_FALSE(rejected.pending());
  EXPECT_TRUE(rejected.records().empty());
  EXPECT_TRUE(runs.pending());
  runs.measure(true, [] { return true; });
  auto records = runs.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].model, "tiny_cnn");
  EXPECT_DOUBLE_EQ(records[0].state_ratio, 1.6);
  EXPECT_TRUE(runs.pending());  // seen only in the slow state
  // One layer time per layer with a kernel, keyed like the kernels calibration measures.
  const LayerGraph graph = load_with_rules(model, default_fusion_rules());
  size_t with_kernel = 0;
  for (size_t i = 0; i < graph.size(); ++i) with_kernel += spec_from_layer(graph.layer(i)) ? 1 : 0;
  ASSERT_EQ(records[0].layers.size(), with_kernel);
  EXPECT_EQ(records[0].layers[0].key, spec_from_layer(graph.layer(0))->key());
  double total = 0;
  for (const auto& l : records[0].layers) total += l.ms;
  EXPECT_GT(total, 0);
  state = 1.0;  // fast again: the slow run is replaced whatever its time
  runs.measure(false, [] { return true; });
  EXPECT_FALSE(runs.pending());
  EXPECT_DOUBLE_EQ(runs.records()[0].state_ratio, 1.0);
  state = 1.7;  // a later slow run never replaces a fast one
  runs.measure(true, [] { return true; });
  EXPECT_DOUBLE_EQ(runs.records()[0].state_ratio, 1.0);
  // `more` stops the pass before any model.
  WholeModelRuns stopped(engine, MeasureOptions{}, [] { return 1.0; });
  stopped.load({model}, default_fusion_rules());
  stopped.measure(true, [] { return false; });
  EXPECT_TRUE(stopped.records().empty());
}

}  // namespace
}  // namespace dnntune::calib
