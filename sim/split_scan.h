#pragma once
// Every single split point in topological order (Neurosurgeon, DNNTune): layers 0..k on one
// phone processor, k+1..n-1 on the cloud, for k = -1 (cloud-only) .. n-1 (phone-only).
// O(layers) per phone processor and network from the CostTable's prefix sums and the graph's
// cut_bytes / download_bytes; equal to evaluate_placement(Placement::split(...)) for each k
// (tested), without the timeline.
#include <vector>

#include "sim/cost_model.h"

namespace dnntune::sim {

struct SplitPoint {
  int split_after = -1;  // -1: all on the cloud; layers-1: all on the phone
  int processor = 0;     // phone processor of layers 0..split_after
  InferenceCost cost;    // totals only
};

// Contract: `table` was built from `graph` and `scenario`. Returns layers+1 points, in order of
// split_after, for the given phone processor.
std::vector<SplitPoint> scan_splits(const LayerGraph& graph, const Scenario& scenario,
                                    const CostTable& table, int processor);

}  // namespace dnntune::sim
