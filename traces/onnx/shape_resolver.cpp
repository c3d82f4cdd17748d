#include "traces/onnx/shape_resolver.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <set>

#include "traces/common/error.h"

namespace dnntune {

namespace {

constexpr int kMaxInferencePasses = 16;

std::vector<int64_t> dims_of(const onnx::TypeProto& type) {
  std::vector<int64_t> dims;
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return {-2};  // rank unknown
  for (const auto& d : type.tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
  return dims;
}

bool concrete(const std::vector<int64_t>& dims) {
  for (int64_t d : dims)
    if (d < 0) return false;
  return true;
}

std::string describe_dims(const onnx::TypeProto& type) {
  std::string s = "[";
  const auto& shape = type.tensor_type().shape();
  for (int i = 0; i < shape.dim_size(); ++i) {
    if (i) s += ",";
    const auto& d = shape.dim(i);
    s += d.has_dim_value() ? std::to_string(d.dim_value())
                           : (d.has_dim_param() ? d.dim_param() : std::string("?"));
  }
  return s + "]";
}

std::set<std::string> initializer_names(const onnx::GraphProto& g) {
  std::set<std::string> names;
  for (const auto& t : g.initializer()) names.insert(t.name());
  return names;
}

// --input-shape and --batch, then a check that every model input is concrete.
void apply_input_shapes(onnx::GraphProto& g, const std::string& source, const LoadOptions& options) {
  const auto inits = initializer_names(g);
  std::set<std::string> input_names;
  std::string listed;
  for (const auto& in : g.input()) {
    if (inits.count(in.name())) continue;
    input_names.insert(in.name());
    listed += (listed.empty() ? "" : ", ") + in.name();
  }
  for (const auto& [name, shape] : options.input_shapes)
    if (!input_names.count(name))
      throw InputError(source, "--input-shape names '" + name + "', which is not a model input; inputs: " + listed);
  for (auto& in : *g.mutable_input()) {
    if (inits.count(in.name())) continue;
    auto* tensor_type = in.mutable_type()->mutable_tensor_type();
    auto it = options.input_shapes.find(in.name());
    if (it != options.input_shapes.end()) {
      auto* shape = tensor_type->mutable_shape();
      shape->clear_dim();
      for (int64_t d : it->second) shape->add_dim()->set_dim_value(d);
    }
    if (options.batch > 0 && it == options.input_shapes.end() && tensor_type->shape().dim_size() > 0)
      tensor_type->mutable_shape()->mutable_dim(0)->set_dim_value(options.batch);
    const auto dims = dims_of(in.type());
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] >= 0) continue;
      if (dims[i] == -2)
        throw InputError(source, "input '" + in.name() + "' has no declared shape; give --input-shape " +
                                     in.name() + "=DxDx...");
      throw InputError(source, "input '" + in.name() + "' has unknown dimension " + std::to_string(i) +
                                   " in " + describe_dims(in.type()) + "; give --input-shape " +
                                   in.name() + "=DxDx..." + (i == 0 ? " or --batch N" : ""));
    }
  }
}

// Replaces folded nodes by initializers holding their values, in `g` and all its subgraphs
// (ONNX names are unique across a model's subgraphs, so one map serves every scope).
void replace_folded_nodes(onnx::GraphProto& g, const std::map<std::string, IntValue>& folded) {
  auto inits = initializer_names(g);
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (auto& node : *g.mutable_node()) {
    bool all_folded = node.output_size() > 0;
    for (const auto& o : node.output()) all_folded = all_folded && (o.empty() || folded.count(o));
    if (!all_folded) {
      for (auto& a : *node.mutable_attribute())
        if (a.has_g()) replace_folded_nodes(*a.mutable_g(), folded);
      kept.Add()->Swap(&node);
      continue;
    }
    for (const auto& o : node.output())
      if (!o.empty() && !inits.count(o)) *g.add_initializer() = int_value_to_tensor(o, folded.at(o));
  }
  g.mutable_node()->Swap(&kept);
}

void collect_types(const onnx::GraphProto& g, std::map<std::string, TensorInfo>& tensors,
                   std::map<std::string, std::vector<int64_t>>& shapes) {
  auto add = [&](const std::string& name, const onnx::TypeProto& type) {
    TensorInfo t{name, {}, DType::kUnknown};
    if (type.value_case() != onnx::TypeProto::kTensorType &&
        type.value_case() != onnx::TypeProto::VALUE_NOT_SET) {  // sequence, map, optional: no shape
      tensors[name] = t;
      shapes[name] = {-2};
      return;
    }
    auto dims = dims_of(type);
    if (type.has_tensor_type()) t.dtype = dtype_from_onnx(type.tensor_type().elem_type());
    t.shape = dims;
    tensors[name] = t;
    shapes[name] = dims;
  };
  for (const auto& v : g.input()) add(v.name(), v.type());
  for (const auto& v : g.value_info()) add(v.name(), v.type());
  for (const auto& v : g.output()) add(v.name(), v.type());
  for (const auto& init : g.initializer()) {
    TensorInfo t{init.name(), {init.dims().begin(), init.dims().end()},
                 dtype_from_onnx(init.data_type())};
    shapes[init.name()] = t.shape;
    tensors[init.name()] = t;
  }
  for (const auto& node : g.node())
    for (const auto& a : node.attribute())
      if (a.has_g()) collect_types(a.g(), tensors, shapes);
}

// Replaces every If whose condition is known at load time (shape-derived, as exporters write
// "if x.dim(0) == 1") by the nodes of the branch taken, in `g` and its subgraphs.
bool inline_decided_ifs(onnx::GraphProto& g, const std::map<std::string, IntValue>& folded) {
  bool changed = false;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  for (auto& node : *g.mutable_node()) {
    auto cond = node.op_type() == "If" && node.input_size() == 1 ? folded.find(node.input(0)) : folded.end();
    if (cond == folded.end() || cond->second.data.size() != 1) {
      for (auto& a : *node.mutable_attribute())
        if (a.has_g()) changed = inline_decided_ifs(*a.mutable_g(), folded) || changed;
      nodes.Add()->Swap(&node);
      continue;
    }
    const char* taken = cond->second.data[0] != 0 ? "then_branch" : "else_branch";
    onnx::GraphProto* branch = nullptr;
    for (auto& a : *node.mutable_attribute())
      if (a.name() == taken) branch = a.mutable_g();
    if (!branch || branch->output_size() != node.output_size()) {
      nodes.Add()->Swap(&node);
      continue;
    }
    std::map<std::string, std::string> rename;
    std::set<std::string> produced;
    for (int i = 0; i < branch->output_size(); ++i) rename[branch->output(i).name()] = node.output(i);
    for (const auto& bn : branch->node())
      for (const auto& o : bn.output()) produced.insert(o);
    for (const auto& init : branch->initializer()) *g.add_initializer() = init;
    for (auto& bn : *branch->mutable_node()) {
      for (auto& name : *bn.mutable_output())
        if (rename.count(name)) name = rename[name];
      for (auto& name : *bn.mutable_input())
        if (rename.count(name)) name = rename[name];
      nodes.Add()->Swap(&bn);
    }
    for (int i = 0; i < branch->output_size(); ++i) {
      if (produced.count(branch->output(i).name())) continue;  // an outer value passed through
      auto* id = nodes.Add();
      id->set_op_type("Identity");
      id->set_name(node.name() + "/" + taken + "/" + branch->output(i).name());
      id->add_input(branch->output(i).name());
      id->add_output(node.output(i));
    }
    changed = true;
  }
  g.mutable_node()->Swap(&nodes);
  return changed;
}

// One folding sweep over `g` and its subgraphs; true when a new value was found.
bool fold_sweep(const onnx::GraphProto& g, std::map<std::string, IntValue>& folded,
                std::map<std::string, std::vector<int64_t>>& shapes) {
  bool progress = false;
  for (const auto& init : g.initializer())
    if (!folded.count(init.name()))
      if (auto v = int_value_from_tensor(init)) {
        folded[init.name()] = *v;
        progress = true;
      }
  for (const auto& node : g.node()) {
    for (const auto& a : node.attribute())
      if (a.has_g()) progress = fold_sweep(a.g(), folded, shapes) || progress;
    bool done = node.output_size() > 0;
    for (const auto& o : node.output()) done = done && (o.empty() || folded.count(o));
    if (done) continue;
    auto values = fold_int_node(node, folded, shapes);
    if (!values) continue;
    for (int i = 0; i < node.output_size() && i < static_cast<int>(values->size()); ++i) {
      if (node.output(i).empty()) continue;
      folded[node.output(i)] = (*values)[static_cast<size_t>(i)];
      shapes[node.output(i)] = (*values)[static_cast<size_t>(i)].shape;
      progress = true;
    }
  }
  return progress;
}

}  // namespace

int64_t checked_elements(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return -1;
    if (d != 0 && n > kMaxTensorElements / d) return -1;
    n *= d;
  }
  return n;
}

ResolvedShapes resolve_shapes(onnx::ModelProto& model, const std::string& source,
                              const LoadOptions& options) {
  auto* g = model.mutable_graph();
  apply_input_shapes(*g, source, options);
  // Re-infer from scratch: stale value_info from the exporter would conflict with new input shapes.
  g->clear_value_info();
  for (auto& out : *g->mutable_output())
    if (out.type().has_tensor_type()) out.mutable_type()->mutable_tensor_type()->clear_shape();

  ResolvedShapes r;
  const onnx::ShapeInferenceOptions inference_options(/*check_type=*/false, /*error_mode=*/0,
                                                      /*data_prop=*/true);
  std::map<std::string, std::vector<int64_t>> shapes;
  for (int pass = 0; pass < kMaxInferencePasses; ++pass) {
    r.inferred = model;
    replace_folded_nodes(*r.inferred.mutable_graph(), r.folded);
    try {
      onnx::shape_inference::InferShapes(r.inferred, onnx::OpSchemaRegistry::Instance(),
                                         inference_options);
    } catch (const std::exception& e) {
      std::string what = e.what();
      if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
      throw InputError(source, "ONNX shape inference failed: " + what);
    }
    r.tensors.clear();
    shapes.clear();
    collect_types(r.inferred.graph(), r.tensors, shapes);
    for (const auto& [name, v] : r.folded) shapes[name] = v.shape;
    const bool folded_more = fold_sweep(model.graph(), r.folded, shapes);
    const bool inlined = inline_decided_ifs(*model.mutable_graph(), r.folded);
    if (!folded_more && !inlined) break;
  }

  // Folded tensors are removed from the inferred graph: take their shapes from their values.
  for (const auto& [name, v] : r.folded) {
    auto& t = r.tensors[name];
    t.name = name;
    t.shape = v.shape;
    if (t.dtype == DType::kUnknown) t.dtype = DType::kInt64;
  }
  // Every tensor something reads (or the model returns) must be concrete; unused optional outputs
  // such as Dropout's mask may stay unknown.
  std::set<std::string> used;
  for (const auto& node : g->node())
    for (const auto& in : node.input()) used.insert(in);
  for (const auto& out : g->output()) used.insert(out.name());
  for (const auto& node : g->node()) {
    for (const auto& o : node.output()) {
      if (o.empty() || !used.count(o)) continue;
      auto it = r.tensors.find(o);
      const bool non_tensor = it != r.tensors.end() && it->second.dtype == DType::kUnknown && it->second.shape.empty();
      if (non_tensor) continue;  // sequences and maps have no shape; layers reading them are not costed
      if (it == r.tensors.end() || !concrete(it->second.shape))
        throw InputError(source, "cannot resolve the shape of tensor '" + o + "' (output of " +
                                     node.op_type() + " node '" + node.name() +
                                     "'); give the model inputs concrete shapes with --input-shape NAME=DxDx...");
      if (checked_elements(it->second.shape) < 0)
        throw InputError(source, "tensor '" + o + "' (output of node '" + node.name() + "') has " +
                                     shape_to_string(it->second.shape) +
                                     " elements: more than 2^40 or overflowing");
    }
  }
  return r;
}

}  // namespace dnntune
