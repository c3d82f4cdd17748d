#pragma once
// The cost vectors the min-cut (min_cut.h) and the processor DP minimise, built from the
// CostTable. Each is the cost model's own formula restricted to what a cut can express:
//
// Phone (A, one processor p) vs cloud (B), forbid_b_to_a (the phone part is a down-set, so the
// request crosses the network once up and once down):
//   latency:  a_cost = t_p(v)   b_cost = t_cloud(v) + down_ms(model outputs of v)
//             a_to_b = up_ms(tensor bytes)   b_fixed = rtt_ms
//             == evaluate_placement's latency for every down-set placement (exact).
//   energy:   a_cost = P_p(v) * t_p(v)
//             b_cost = (P_idle + P_wait) * t_cloud(v) + (P_idle + P_down) * down_ms(outputs of v)
//             a_to_b = (P_idle + P_up) * up_ms(bytes)
//             b_fixed = (P_idle + P_wait) * rtt_ms + promotion + full tail
//             with P_up/P_down = alpha * throughput + beta of the radio and P_wait the first tail
//             state's power (the radio stays high while the cloud computes). A linear proxy of
//             hw::radio_energy: strategies report the full evaluate_placement energy of the cut.
// Phone processor a (A) vs processor b (B), phone only, copies both ways:
//   latency:  a_cost = t_a(v), b_cost = t_b(v), a_to_b = b_to_a = copy_ms(bytes), model
//             inputs free (shared memory)            == evaluate_placement's latency (exact).
//   energy:   P*t per layer, copies at P_idle * copy_ms == evaluate_placement's energy (exact).
// weighted: w/latency_ref * latency costs + (1-w)/energy_ref * energy costs.
// A layer a resource cannot run costs kForbiddenCost there.
#include "sim/cost_table.h"
#include "sim/scenario.h"
#include "sim/strategies/min_cut.h"
#include "sim/strategies/objective.h"

namespace dnntune::sim {

// objective: latency, energy or weighted (cost has no cut: see strategies.h).
TwoWayCosts phone_cloud_costs(const LayerGraph& graph, const Scenario& scenario,
                              const CostTable& table, int processor, const ObjectiveSpec& spec);
TwoWayCosts processor_pair_costs(const LayerGraph& graph, const Scenario& scenario,
                                 const CostTable& table, int processor_a, int processor_b,
                                 const ObjectiveSpec& spec);

}  // namespace dnntune::sim
