// The cost model on real models (../shared/models, torchvision exports) with the catalog's
// oneplus5t + xeon_e5_2620v4 roofline models and every network preset:
//  * the O(n) split scan equals evaluate_placement at every split (relative 1e-9);
//  * the optimal DAG cut's objective is the cost model's latency of that placement, and it is
//    never slower than the best single split (every split is one of the cut's candidates).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "hwmodels/latency/roofline_model.h"
#include "sim/split_scan.h"
#include "sim/strategies/cut_costs.h"
#include "tests/test_paths.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::sim {
namespace {

struct Catalog {
  OwnedScenario owned =
      roofline_scenario(hw::find_device("oneplus5t"), hw::find_device("xeon_e5_2620v4"),
                        hw::find_network_preset("lte"));
  Scenario& scenario = owned.scenario;
};

class RealModels : public ::testing::TestWithParam<const char*> {};

TEST_P(RealModels, SplitScanAndCutAgreeWithTheCostModel) {
  DNNTUNE_REQUIRE_SHARED();
  const LayerGraph g = load_layer_graph(test::shared_dir() + "/models/" + GetParam() + ".onnx");
  Catalog c;
  const CostTable table = CostTable::build(g, c.scenario);
  const int n = static_cast<int>(g.size());
  for (const std::string& net : hw::network_preset_names()) {
    c.scenario.link = hw::find_network_preset(net);
    double best_split_ms = 1e300;
    for (const SplitPoint& p : scan_splits(g, c.scenario, table, 0)) {
      const InferenceCost e = evaluate_placement(
          g, c.scenario, table, Placement::split(n, p.split_after, 0, c.scenario.cloud_index()));
      ASSERT_EQ(p.cost.status.feasible, e.status.feasible) << net << " split " << p.split_after;
      if (!e.status.feasible) continue;
      EXPECT_NEAR(p.cost.latency_ms, e.latency_ms, 1e-9 * e.latency_ms)
          << net << " " << p.split_after;
      EXPECT_NEAR(p.cost.energy.total_mJ(), e.energy.total_mJ(), 1e-9 * e.energy.total_mJ());
      EXPECT_EQ(p.cost.upload_bytes, e.upload_bytes);
      best_split_ms = std::min(best_split_ms, e.latency_ms);
    }
    const TwoWayCut cut = min_two_way_cut(g, phone_cloud_costs(g, c.scenario, table, 0, {}));
    Placement p;
    for (bool b : cut.in_b) p.resource_of_layer.push_back(b ? c.scenario.cloud_index() : 0);
    const double cut_ms = evaluate_placement(g, c.scenario, table, p).latency_ms;
    EXPECT_NEAR(cut_ms, cut.objective, 1e-9 * cut_ms) << net;
    EXPECT_LE(cut_ms, best_split_ms * (1 + 1e-12)) << net;
  }
}

INSTANTIATE_TEST_SUITE_P(Shared, RealModels,
                         ::testing::Values("resnet50", "densenet121", "googlenet", "inception_v3",
                                           "mobilenet_v2"));

}  // namespace
}  // namespace dnntune::sim
