#pragma once
// The Pareto front of (latency, energy): the points no other point beats on both.
#include <cstddef>
#include <utility>
#include <vector>

namespace dnntune::sim {

struct LatencyEnergy {
  double latency_ms = 0;
  double energy_mJ = 0;
};

// Indices of the non-dominated points (both minimised), sorted by latency. Non-finite points
// (infeasible) are never on the front; of exact duplicates the first index is kept.
// O(m log m).
std::vector<size_t> pareto_front(const std::vector<LatencyEnergy>& points);

}  // namespace dnntune::sim
