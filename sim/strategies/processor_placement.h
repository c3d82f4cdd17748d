#pragma once
// Placement of every layer on one of the phone's processors (CPU/GPU/NPU), paying a copy when a
// tensor made on one processor is read on another (bytes / Scenario::copy_GBps; model inputs sit
// in shared memory and are free).
//  * Chains (every tensor a layer makes is read only by the next layer): exact dynamic
//    programming over layers x processors, O(layers * processors^2).
//  * Other DAGs: for every pair of processors, the exact two-way min-cut (cut_costs.h:
//    processor_pair_costs; a tensor is copied once per reading processor, copies both ways);
//    the best pair wins. Exact whenever the optimum uses at most two processors (always for a
//    phone with two); with three or more it is a documented heuristic, never worse than the best
//    single processor.
#include <string>

#include "sim/cost_model.h"
#include "sim/strategies/objective.h"

namespace dnntune::sim {

struct ProcessorPlacement {
  Placement placement;
  std::string method;    // "chain-dp" or "pairwise-min-cut"
  double objective = 0;  // what the method minimised (latency_ms, energy_mJ or weighted)
};

bool is_chain(const LayerGraph& graph);

// objective: latency, energy or weighted.
ProcessorPlacement place_on_processors(const LayerGraph& graph, const Scenario& scenario,
                                       const CostTable& table, const ObjectiveSpec& spec);

}  // namespace dnntune::sim
