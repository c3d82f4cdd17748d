#pragma once
// All deployment strategies of one scenario, evaluated with the same cost model and ranked by an
// objective (what `dnntune rank` prints):
//   mobile-only:<proc>       every layer on one phone processor
//   cloud-only               every layer on the cloud
//   best-split:<proc>        the best single split point in topological order (Neurosurgeon,
//                            DNNTune), chosen from scan_splits under the objective
//   min-cut-latency:<proc>   the optimal DAG cut for latency (DADS; exact, cut_costs.h)
//   min-cut-energy:<proc>    the optimal DAG cut of the linear energy proxy (cut_costs.h)
//   min-cut-weighted:<proc>  (objective weighted) the cut of the weighted sum
//   processors-latency       the phone's processors with copy costs (processor_placement.h),
//   processors-energy        phone only; listed when the phone has two or more processors
// The cost objective has no cut of its own (its optimum is any feasible phone-only placement).
// Every result carries the full evaluate_placement cost, and `pareto` marks the strategies on the
// latency-energy Pareto front of every placement evaluated (strategies and all splits).
#include <string>
#include <vector>

#include "sim/cost_model.h"
#include "sim/split_scan.h"
#include "sim/strategies/objective.h"
#include "sim/strategies/pareto.h"

namespace dnntune::sim {

struct StrategyResult {
  std::string strategy;
  int split_after = Placement::kNotASplit;  // the split, if the placement is one
  Placement placement;
  InferenceCost cost;
  double score = 0;  // under the ranking objective; +inf when infeasible
  bool pareto = false;
};

struct ScenarioRanking {
  ObjectiveSpec objective;
  std::vector<StrategyResult> ranked;           // best first, infeasible last
  std::vector<std::vector<SplitPoint>> splits;  // [phone processor][split_after + 1]
  std::vector<LatencyEnergy> pareto_front;      // over all evaluated placements
  // Best strategy vs the best mobile-only / the cloud-only placement (0 when not comparable):
  // speedup = T_other / T_best, energy_saving = 1 - E_best / E_other.
  double speedup_vs_mobile = 0, energy_saving_vs_mobile = 0;
  double speedup_vs_cloud = 0, energy_saving_vs_cloud = 0;
};

// Contract: `table` was built from `graph` and `scenario`. latency_weight is used by the
// weighted objective only.
ScenarioRanking rank_strategies(const LayerGraph& graph, const Scenario& scenario,
                                const CostTable& table, Objective objective,
                                double latency_weight = 0.5);

}  // namespace dnntune::sim
