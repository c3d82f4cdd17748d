#include "sim/strategies/strategies.h"

#include <algorithm>
#include <cmath>

#include "sim/strategies/cut_costs.h"
#include "sim/strategies/min_cut.h"
#include "sim/strategies/processor_placement.h"

namespace dnntune::sim {

namespace {

StrategyResult make_result(const std::string& name, const LayerGraph& graph,
                           const Scenario& scenario, const CostTable& table, Placement placement) {
  StrategyResult r;
  r.strategy = name;
  r.cost = evaluate_placement(graph, scenario, table, placement);
  r.split_after = placement.split_after(scenario);
  r.placement = std::move(placement);
  return r;
}

Placement from_cut(const TwoWayCut& cut, int processor, int cloud) {
  Placement p;
  for (bool b : cut.in_b) p.resource_of_layer.push_back(b ? cloud : processor);
  return p;
}

// The weighted objective's references: the fastest feasible mobile-only placement, else cloud.
void set_references(ObjectiveSpec& spec, const std::vector<StrategyResult>& mobile,
                    const StrategyResult& cloud) {
  const StrategyResult* ref = nullptr;
  for (const StrategyResult& r : mobile)
    if (r.cost.status.feasible && (!ref || r.cost.latency_ms < ref->cost.latency_ms)) ref = &r;
  if (!ref && cloud.cost.status.feasible) ref = &cloud;
  if (ref && ref->cost.latency_ms > 0) spec.latency_ref_ms = ref->cost.latency_ms;
  if (ref && ref->cost.energy.total_mJ() > 0) spec.energy_ref_mJ = ref->cost.energy.total_mJ();
}

}  // namespace

ScenarioRanking rank_strategies(const LayerGraph& graph, const Scenario& scenario,
                                const CostTable& table, Objective objective,
                                double latency_weight) {
  const int n = static_cast<int>(graph.size());
  const int processors = static_cast<int>(scenario.phone.size());
  const int cloud = scenario.cloud_index();
  ScenarioRanking out;
  out.objective.objective = objective;
  out.objective.latency_weight = latency_weight;

  std::vector<StrategyResult> mobile;
  for (int p = 0; p < processors; ++p)
    mobile.push_back(make_result("mobile-only:" + scenario.phone[p].name, graph, scenario, table,
                                 Placement::all_on(n, p)));
  StrategyResult cloud_only =
      make_result("cloud-only", graph, scenario, table, Placement::all_on(n, cloud));
  set_references(out.objective, mobile, cloud_only);
  const ObjectiveSpec& spec = out.objective;

  std::vector<StrategyResult> all = mobile;
  all.push_back(cloud_only);
  std::vector<LatencyEnergy> evaluated;
  for (int p = 0; p < processors; ++p) {
    out.splits.push_back(scan_splits(graph, scenario, table, p));
    const SplitPoint* best = nullptr;
    for (const SplitPoint& s : out.splits.back()) {
      evaluated.push_back({s.cost.latency_ms, s.cost.energy.total_mJ()});
      if (!best || objective_score(spec, s.cost) < objective_score(spec, best->cost)) best = &s;
    }
    all.push_back(make_result("best-split:" + scenario.phone[p].name, graph, scenario, table,
                              Placement::split(n, best->split_after, p, cloud)));
  }
  std::vector<std::pair<std::string, ObjectiveSpec>> cut_objectives;
  ObjectiveSpec latency = spec, energy = spec;
  latency.objective = Objective::kLatency;
  energy.objective = Objective::kEnergy;
  cut_objectives.push_back({"latency", latency});
  cut_objectives.push_back({"energy", energy});
  if (objective == Objective::kWeighted) cut_objectives.push_back({"weighted", spec});
  for (const auto& [label, cut_spec] : cut_objectives) {
    for (int p = 0; p < processors; ++p) {
      const TwoWayCut cut =
          min_two_way_cut(graph, phone_cloud_costs(graph, scenario, table, p, cut_spec));
      all.push_back(make_result("min-cut-" + label + ":" + scenario.phone[p].name, graph, scenario,
                                table, from_cut(cut, p, cloud)));
    }
    if (processors >= 2)
      all.push_back(make_result("processors-" + label, graph, scenario, table,
                                place_on_processors(graph, scenario, table, cut_spec).placement));
  }

  for (StrategyResult& r : all) {
    r.score = objective_score(spec, r.cost);
    evaluated.push_back({r.cost.latency_ms, r.cost.energy.total_mJ()});
  }
  for (size_t i : pareto_front(evaluated)) out.pareto_front.push_back(evaluated[i]);
  for (StrategyResult& r : all) {
    if (!r.cost.status.feasible) continue;
    const double e = r.cost.energy.total_mJ();
    r.pareto = std::none_of(evaluated.begin(), evaluated.end(), [&](const LatencyEnergy& q) {
      return q.latency_ms <= r.cost.latency_ms && q.energy_mJ <= e &&
             (q.latency_ms < r.cost.latency_ms || q.energy_mJ < e);
    });
  }
  std::stable_sort(all.begin(), all.end(), [](const StrategyResult& a, const StrategyResult& b) {
    if (a.score != b.score) return a.score < b.score;
    return a.cost.latency_ms < b.cost.latency_ms;
  });
  out.ranked = std::move(all);

  const StrategyResult& best = out.ranked.front();
  if (best.cost.status.feasible) {
    const StrategyResult* best_mobile = nullptr;
    for (const StrategyResult& r : mobile)
      if (r.cost.status.feasible && (!best_mobile || objective_score(spec, r.cost) <
                                                         objective_score(spec, best_mobile->cost)))
        best_mobile = &r;
    auto compare = [&](const StrategyResult* other, double& speedup, double& saving) {
      if (!other || !other->cost.status.feasible || best.cost.latency_ms <= 0) return;
      speedup = other->cost.latency_ms / best.cost.latency_ms;
      const double e = other->cost.energy.total_mJ();
      saving = e > 0 ? 1 - best.cost.energy.total_mJ() / e : 0;
    };
    compare(best_mobile, out.speedup_vs_mobile, out.energy_saving_vs_mobile);
    compare(&cloud_only, out.speedup_vs_cloud, out.energy_saving_vs_cloud);
  }
  return out;
}

}  // namespace dnntune::sim
