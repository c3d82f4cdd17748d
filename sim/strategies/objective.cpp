#include "sim/strategies/objective.h"

#include <limits>

#include "traces/common/error.h"

namespace dnntune::sim {

const std::vector<std::string>& objective_names() {
  static const std::vector<std::string> names = {"latency", "energy", "cost", "weighted"};
  return names;
}

std::string objective_name(Objective objective) {
  return objective_names().at(static_cast<size_t>(objective));
}

Objective parse_objective(const std::string& name) {
  const auto& names = objective_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Objective>(i);
  std::string valid;
  for (const std::string& n : names) valid += (valid.empty() ? "" : ", ") + n;
  throw InputError("<command line>", "unknown objective '" + name + "'; valid: " + valid);
}

double objective_score(const ObjectiveSpec& spec, const InferenceCost& cost) {
  if (!cost.status.feasible) return std::numeric_limits<double>::infinity();
  switch (spec.objective) {
    case Objective::kLatency:
      return cost.latency_ms;
    case Objective::kEnergy:
      return cost.energy.total_mJ();
    case Objective::kCost:
      return cost.cloud_cost_usd;
    case Objective::kWeighted:
      return spec.latency_weight * cost.latency_ms / spec.latency_ref_ms +
             (1 - spec.latency_weight) * cost.energy.total_mJ() / spec.energy_ref_mJ;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace dnntune::sim
