#include "experiments/cli/inspect_report.h"

#include "experiments/cli/format.h"

namespace dnntune::cli {

namespace {

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : sep) + p;
  return s;
}

std::string output_shapes_text(const Layer& l) {
  std::vector<std::string> shapes;
  for (const auto& t : l.outputs) shapes.push_back(shape_to_string(t.shape));
  return join(shapes, " ");
}

}  // namespace

nlohmann::json inspect_json(const LayerGraph& graph) {
  nlohmann::json j;
  j["model"] = graph.model_name;
  j["inputs"] = nlohmann::json::array();
  for (const auto& in : graph.inputs)
    j["inputs"].push_back(
        {{"name", in.name}, {"shape", in.shape}, {"dtype", dtype_name(in.dtype)}});
  j["layers"] = nlohmann::json::array();
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& l = graph.layer(i);
    nlohmann::json shapes = nlohmann::json::array();
    for (const auto& t : l.outputs) shapes.push_back(t.shape);
    j["layers"].push_back({{"index", i},
                           {"name", l.name},
                           {"ops", l.ops},
                           {"output_shapes", shapes},
                           {"macs", l.macs},
                           {"flops", l.flops},
                           {"weight_elements", l.weight_elements},
                           {"weight_bytes", l.weight_bytes},
                           {"output_bytes", l.output_bytes},
                           {"cut_bytes", graph.cut_bytes[i]},
                           {"unknown_cost", l.unknown_cost}});
  }
  const auto& t = graph.totals;
  j["totals"] = {{"layers", t.layers},
                 {"macs", t.macs},
                 {"flops", t.flops},
                 {"params", t.params},
                 {"weight_bytes", t.weight_bytes}};
  return j;
}

void print_inspect_table(const LayerGraph& graph, std::ostream& out) {
  out << "model: " << graph.model_name << "\n";
  for (const auto& in : graph.inputs)
    out << "input: " << in.name << " " << shape_to_string(in.shape) << " " << dtype_name(in.dtype)
        << "\n";
  out << "\n";
  TextTable table(
      {"#", "name", "ops", "output shape", "MACs", "weight bytes", "output bytes", "cut bytes"},
      {true, false, false, false, true, true, true, true});
  table.add_row({"in", "(model input)", "", "", "", "", "",
                 si(static_cast<double>(graph.input_cut_bytes)) + "B"});
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& l = graph.layer(i);
    table.add_row({std::to_string(i), l.name, join(l.ops, "+") + (l.unknown_cost ? " (?)" : ""),
                   output_shapes_text(l), si(static_cast<double>(l.macs)),
                   si(static_cast<double>(l.weight_bytes)) + "B",
                   si(static_cast<double>(l.output_bytes)) + "B",
                   si(static_cast<double>(graph.cut_bytes[i])) + "B"});
  }
  table.print(out);
  const auto& t = graph.totals;
  out << "\nlayers " << t.layers << "   MACs " << with_separators(t.macs) << " ("
      << si(static_cast<double>(t.macs)) << ")   FLOPs " << si(static_cast<double>(t.flops))
      << "   params " << with_separators(t.params) << " (" << si(static_cast<double>(t.params))
      << ")   weights " << si(static_cast<double>(t.weight_bytes)) << "B\n";
  if (t.unknown_cost_layers > 0)
    out << t.unknown_cost_layers << " layer(s) marked (?) contain operators dnntune cannot cost\n";
}

void print_inspect_csv(const LayerGraph& graph, std::ostream& out) {
  out << "index,name,ops,output_shapes,macs,flops,weight_elements,weight_bytes,output_bytes,cut_"
         "bytes,unknown_cost\n";
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& l = graph.layer(i);
    out << i << ',' << csv_field(l.name) << ',' << csv_field(join(l.ops, "+")) << ','
        << csv_field(output_shapes_text(l)) << ',' << l.macs << ',' << l.flops << ','
        << l.weight_elements << ',' << l.weight_bytes << ',' << l.output_bytes << ','
        << graph.cut_bytes[i] << ',' << (l.unknown_cost ? "true" : "false") << '\n';
  }
}

}  // namespace dnntune::cli
