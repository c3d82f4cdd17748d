#include "sim/strategies/ranking_json.h"

namespace dnntune::sim {

namespace {

nlohmann::json strategy_json(const LayerGraph& graph, const StrategyResult& r) {
  nlohmann::json j;
  j["strategy"] = r.strategy;
  const bool split = r.split_after != Placement::kNotASplit;
  j["split_after"] = split ? nlohmann::json(r.split_after) : nlohmann::json(nullptr);
  j["split_layer"] = split && r.split_after >= 0
                         ? nlohmann::json(graph.layer(static_cast<size_t>(r.split_after)).name)
                         : nlohmann::json(nullptr);
  const bool ok = r.cost.status.feasible;
  j["latency_ms"] = ok ? nlohmann::json(r.cost.latency_ms) : nlohmann::json(nullptr);
  j["energy_mJ"] = ok ? nlohmann::json(r.cost.energy.total_mJ()) : nlohmann::json(nullptr);
  j["upload_bytes"] = ok ? nlohmann::json(r.cost.upload_bytes) : nlohmann::json(nullptr);
  j["cost_usd"] = ok ? nlohmann::json(r.cost.cloud_cost_usd) : nlohmann::json(nullptr);
  j["feasible"] = ok;
  j["reason"] = r.cost.status.reason;
  j["pareto"] = r.pareto;
  return j;
}

}  // namespace

nlohmann::json ranking_json(const LayerGraph& graph, const Scenario& scenario,
                            const std::vector<NetworkRanking>& networks) {
  nlohmann::json j;
  j["model"] = graph.model_name;
  j["mobile"] = scenario.mobile_name;
  j["cloud"] = scenario.cloud_name;
  j["objective"] =
      networks.empty() ? "" : objective_name(networks.front().ranking.objective.objective);
  j["networks"] = nlohmann::json::array();
  for (const NetworkRanking& n : networks) {
    nlohmann::json nj;
    nj["network"] = n.network;
    nj["best"] = n.ranking.ranked.empty() ? "" : n.ranking.ranked.front().strategy;
    nj["speedup_vs_mobile"] = n.ranking.speedup_vs_mobile;
    nj["energy_saving_vs_mobile"] = n.ranking.energy_saving_vs_mobile;
    nj["speedup_vs_cloud"] = n.ranking.speedup_vs_cloud;
    nj["energy_saving_vs_cloud"] = n.ranking.energy_saving_vs_cloud;
    nj["strategies"] = nlohmann::json::array();
    for (const StrategyResult& r : n.ranking.ranked)
      nj["strategies"].push_back(strategy_json(graph, r));
    j["networks"].push_back(std::move(nj));
  }
  return j;
}

}  // namespace dnntune::sim
