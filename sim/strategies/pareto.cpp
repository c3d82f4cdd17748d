#include "sim/strategies/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace dnntune::sim {

std::vector<size_t> pareto_front(const std::vector<LatencyEnergy>& points) {
  std::vector<size_t> order;
  for (size_t i = 0; i < points.size(); ++i)
    if (std::isfinite(points[i].latency_ms) && std::isfinite(points[i].energy_mJ))
      order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a].latency_ms != points[b].latency_ms)
      return points[a].latency_ms < points[b].latency_ms;
    return points[a].energy_mJ < points[b].energy_mJ;
  });
  std::vector<size_t> front;
  double best_energy = std::numeric_limits<double>::infinity();
  for (size_t i : order) {
    // Sorted by latency: a point is on the front iff it beats every faster point on energy.
    if (points[i].energy_mJ < best_energy) {
      front.push_back(i);
      best_energy = points[i].energy_mJ;
    }
  }
  return front;
}

}  // namespace dnntune::sim
