#pragma once
// What a strategy optimises. Lower scores are better; infeasible placements score +infinity.
//   latency:  latency_ms
//   energy:   phone energy_mJ (compute + idle + radio)
//   cost:     cloud_cost_usd
//   weighted: w * latency_ms / latency_ref_ms + (1 - w) * energy_mJ / energy_ref_mJ, the
//             references being the fastest feasible mobile-only placement (cloud-only if none),
//             so both terms are dimensionless and 1.0 means "as good as running on the phone".
#include <string>
#include <vector>

#include "sim/cost_model.h"

namespace dnntune::sim {

enum class Objective { kLatency, kEnergy, kCost, kWeighted };

const std::vector<std::string>& objective_names();  // "latency", "energy", "cost", "weighted"
std::string objective_name(Objective objective);
// Throws InputError("<command line>", "unknown objective 'x'; valid: latency, energy, ...").
Objective parse_objective(const std::string& name);

struct ObjectiveSpec {
  Objective objective = Objective::kLatency;
  double latency_weight = 0.5;  // weighted only, in [0, 1]
  double latency_ref_ms = 1;
  double energy_ref_mJ = 1;
};

double objective_score(const ObjectiveSpec& spec, const InferenceCost& cost);

}  // namespace dnntune::sim
