#pragma once
// The DNNTune/Neurosurgeon split figure, drawn by gnuplot through gnuplot-iostream:
//   top:    end-to-end latency against the split point, one line per network
//   middle: phone energy against the split point, one line per network
//   bottom: per-layer latency on the phone processor and on the cloud (bars) with each layer's
//           output size (line, right axis)
// x is split_after (-1 = all on the cloud, last index = all on the phone); infeasible splits
// are left out.
#include <string>
#include <vector>

#include "sim/cost_table.h"
#include "sim/split_scan.h"

namespace dnntune::plots {

struct SplitCurve {
  std::string network;
  std::vector<sim::SplitPoint> points;  // scan_splits output for one phone processor
};

// Writes FILE.png (pngcairo) or FILE.svg atomically. Throws InputError(path, ...) for another
// extension or when gnuplot cannot write it.
void write_split_figure(const std::string& path, const std::string& title, const LayerGraph& graph,
                        const sim::Scenario& scenario, const sim::CostTable& table, int processor,
                        const std::vector<SplitCurve>& curves);

}  // namespace dnntune::plots
