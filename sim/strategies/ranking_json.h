#pragma once
// The documented, stable JSON of `dnntune rank --format json` (one object per phone):
// {"model", "mobile", "cloud", "objective",
//  "networks": [{"network", "best", "speedup_vs_mobile", "energy_saving_vs_mobile",
//                "speedup_vs_cloud", "energy_saving_vs_cloud",
//                "strategies": [{"strategy", "split_after", "split_layer", "latency_ms",
//                                "energy_mJ", "upload_bytes", "cost_usd", "feasible", "reason",
//                                "pareto"}]}]}
// strategies are ranked, best first. split_after is the layer index after which the request goes
// to the cloud (-1 = all on the cloud, last index = all on the phone) or null when the placement
// is not a single split (a DAG cut or a multi-processor placement); split_layer is that layer's
// name (null for -1 and non-splits). Infeasible strategies have null numbers and a reason.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sim/strategies/strategies.h"

namespace dnntune::sim {

struct NetworkRanking {
  std::string network;
  ScenarioRanking ranking;
};

nlohmann::json ranking_json(const LayerGraph& graph, const Scenario& scenario,
                            const std::vector<NetworkRanking>& networks);

}  // namespace dnntune::sim
