#pragma once
// `dnntune inspect` output: table, JSON (documented in README, kept stable), CSV.
#include <nlohmann/json.hpp>
#include <ostream>

#include "traces/graph/layer_graph.h"

namespace dnntune::cli {

nlohmann::json inspect_json(const LayerGraph& graph);
void print_inspect_table(const LayerGraph& graph, std::ostream& out);
void print_inspect_csv(const LayerGraph& graph, std::ostream& out);

}  // namespace dnntune::cli
