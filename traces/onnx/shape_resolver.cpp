#include "traces/onnx/shape_resolver.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <deque>
#include <set>
#include <unordered_map>

#include "traces/common/error.h"

namespace dnntune {

namespace {

// Dims of a type: -1 for an unknown dimension, {-2} when the rank is unknown.
std::vector<int64_t> dims_of(const onnx::TypeProto& type) {
  std::vector<int64_t> dims;
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return {-2};
  for (const auto& d : type.tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
  return dims;
}

bool concrete(const std::vector<int64_t>& dims) {
  for (int64_t d : dims)
    if (d < 0) return false;
  return true;
}

bool is_tensor_type(const onnx::TypeProto& type) {
  return type.value_case() == onnx::TypeProto::kTensorType ||
         type.value_case() == onnx::TypeProto::VALUE_NOT_SET;
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

std::string node_label(const onnx::NodeProto& n) {
  return n.op_type() + " node '" +
         (n.name().empty() ? (n.output_size() ? n.output(0) : "?") : n.name()) + "'";
}

bool has_payload(const onnx::TensorProto& t) {
  return t.has_raw_data() || t.float_data_size() || t.int32_data_size() || t.int64_data_size() ||
         t.double_data_size() || t.uint64_data_size() || t.string_data_size();
}

onnx::TypeProto type_of_tensor(const onnx::TensorProto& t) {
  onnx::TypeProto type;
  auto* tt = type.mutable_tensor_type();
  tt->set_elem_type(t.data_type());
  auto* shape = tt->mutable_shape();
  for (int64_t d : t.dims()) shape->add_dim()->set_dim_value(d);
  return type;
}

// --input-shape and --batch, then a check that every model input is concrete.
void apply_input_shapes(onnx::GraphProto& g, const std::string& source,
                        const LoadOptions& options) {
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  std::set<std::string> input_names;
  std::string listed;
  for (const auto& in : g.input()) {
    if (inits.count(in.name())) continue;
    input_names.insert(in.name());
    listed += (listed.empty() ? "" : ", ") + in.name();
  }
  for (const auto& [name, shape] : options.input_shapes)
    if (!input_names.count(name))
      throw InputError(source, "--input-shape names '" + name +
                                   "', which is not a model input; inputs: " + listed);
  for (auto& in : *g.mutable_input()) {
    if (inits.count(in.name())) continue;
    auto* tensor_type = in.mutable_type()->mutable_tensor_type();
    auto it = options.input_shapes.find(in.name());
    if (it != options.input_shapes.end()) {
      auto* shape = tensor_type->mutable_shape();
      shape->clear_dim();
      for (int64_t d : it->second) shape->add_dim()->set_dim_value(d);
    }
    if (options.batch > 0 && it == options.input_shapes.end() &&
        tensor_type->shape().dim_size() > 0)
      tensor_type->mutable_shape()->mutable_dim(0)->set_dim_value(options.batch);
    const auto dims = dims_of(in.type());
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] >= 0) continue;
      if (dims[i] == -2)
        throw InputError(source, "input '" + in.name() +
                                     "' has no declared shape; give --input-shape " + in.name() +
                                     "=DxDx...");
      throw InputError(source, "input '" + in.name() + "' has unknown dimension " +
                                   std::to_string(i) + " in " + describe_dims(in.type()) +
                                   "; give --input-shape " + in.name() + "=DxDx..." +
                                   (i == 0 ? " or --batch N" : ""));
    }
  }
}

// One forward pass in topological order. Per node: fold it when it is an integer computation on
// known values (int_folding.h); inline the taken branch of an If whose condition is known;
// otherwise run the operator's ONNX inference function with every known value as input data.
class ForwardInference {
 public:
  ForwardInference(onnx::ModelProto& model, const std::string& source, bool trust_declared)
      : model_(model), source_(source) {
    auto& g = *model_.mutable_graph();
    for (const auto& o : model_.opset_import())
      opsets_[o.domain() == "ai.onnx" ? "" : o.domain()] = static_cast<int>(o.version());
    if (!opsets_.count("")) opsets_[""] = 13;
    for (const auto& t : g.initializer()) {
      set_type(t.name(), type_of_tensor(t));
      if (has_payload(t)) data_[t.name()] = &t;
      if (auto v = int_value_from_tensor(t)) folded_[t.name()] = *v;
    }
    for (const auto& in : g.input())
      if (!types_.count(in.name())) set_type(in.name(), in.type());
    if (trust_declared)
      for (const auto& v : g.value_info()) declared_[v.name()] = &v.type();
  }

  std::map<std::string, IntValue> run() {
    auto& g = *model_.mutable_graph();
    std::deque<onnx::NodeProto> work(g.node().begin(), g.node().end());
    google::protobuf::RepeatedPtrField<onnx::NodeProto> done;
    onnx::shape_inference::GraphInferenceContext graph_context(
        types_, opsets_, nullptr, {}, onnx::OpSchemaRegistry::Instance(), nullptr,
        static_cast<int>(model_.ir_version()));
    while (!work.empty()) {
      onnx::NodeProto node = std::move(work.front());
      work.pop_front();
      if (auto branch = decided_branch(node)) {
        // The branch's nodes run next, in place of the If.
        for (auto it = branch->rbegin(); it != branch->rend(); ++it)
          work.push_front(std::move(*it));
        continue;
      }
      if (!fold(node)) infer(node, graph_context);
      *done.Add() = std::move(node);
    }
    g.mutable_node()->Swap(&done);
    return std::move(folded_);
  }

  // Resolved tensor descriptions of the main graph.
  std::map<std::string, TensorInfo> tensors() const {
    std::map<std::string, TensorInfo> out;
    for (const auto& [name, type] : types_) {
      TensorInfo t{name, {}, DType::kUnknown};
      if (is_tensor_type(*type)) {
        t.dtype = dtype_from_onnx(type->tensor_type().elem_type());
        t.shape = dims_of(*type);
      }
      out[name] = t;
    }
    return out;
  }

 private:
  void set_type(const std::string& name, const onnx::TypeProto& type) {
    storage_.push_back(type);
    types_[name] = &storage_.back();
  }

  std::map<std::string, std::vector<int64_t>> shapes_of(const onnx::NodeProto& node) const {
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto& in : node.input()) {
      auto it = types_.find(in);
      if (it != types_.end()) shapes[in] = dims_of(*it->second);
    }
    return shapes;
  }

  bool fold(const onnx::NodeProto& node) {
    auto values = fold_int_node(node, folded_, shapes_of(node));
    if (!values) return false;
    for (int i = 0; i < node.output_size() && i < static_cast<int>(values->size()); ++i) {
      const std::string& name = node.output(i);
      if (name.empty()) continue;
      const IntValue& v = (*values)[static_cast<size_t>(i)];
      folded_[name] = v;
      value_tensors_.push_back(int_value_to_tensor(name, v));
      data_[name] = &value_tensors_.back();
      set_type(name, type_of_tensor(value_tensors_.back()));
    }
    return true;
  }

  // The nodes of the branch an If takes, when its condition is known at load time.
  std::optional<std::vector<onnx::NodeProto>> decided_branch(onnx::NodeProto& node) {
    if (node.op_type() != "If" || node.input_size() != 1) return std::nullopt;
    auto cond = folded_.find(node.input(0));
    if (cond == folded_.end() || cond->second.data.size() != 1) return std::nullopt;
    const char* taken = cond->second.data[0] != 0 ? "then_branch" : "else_branch";
    onnx::GraphProto* branch = nullptr;
    for (auto& a : *node.mutable_attribute())
      if (a.name() == taken) branch = a.mutable_g();
    if (!branch || branch->output_size() != node.output_size()) return std::nullopt;
    std::map<std::string, std::string> rename;
    std::set<std::string> produced;
    for (int i = 0; i < branch->output_size(); ++i)
      rename[branch->output(i).name()] = node.output(i);
    for (const auto& bn : branch->node())
      for (const auto& o : bn.output()) produced.insert(o);
    for (const auto& init : branch->initializer()) {
      *model_.mutable_graph()->add_initializer() = init;
      const auto& stored = model_.graph().initializer(model_.graph().initializer_size() - 1);
      set_type(init.name(), type_of_tensor(init));
      if (has_payload(init)) {
        value_tensors_.push_back(stored);
        data_[init.name()] = &value_tensors_.back();
      }
      if (auto v = int_value_from_tensor(init)) folded_[init.name()] = *v;
    }
    std::vector<onnx::NodeProto> nodes;
    for (auto& bn : *branch->mutable_node()) {
      for (auto& name : *bn.mutable_output())
        if (rename.count(name)) name = rename[name];
      for (auto& name : *bn.mutable_input())
        if (rename.count(name)) name = rename[name];
      nodes.push_back(std::move(bn));
    }
    for (int i = 0; i < branch->output_size(); ++i) {
      if (produced.count(branch->output(i).name())) continue;  // an outer value passed through
      onnx::NodeProto id;
      id.set_op_type("Identity");
      id.set_name(node.name() + "/" + taken + "/" + branch->output(i).name());
      id.add_input(branch->output(i).name());
      id.add_output(node.output(i));
      nodes.push_back(std::move(id));
    }
    return nodes;
  }

  void infer(onnx::NodeProto& node, onnx::shape_inference::GraphInferenceContext& graph_context) {
    if (node.op_type() == "Constant")
      for (const auto& a : node.attribute())
        if (a.name() == "value" && node.output_size() == 1) {
          value_tensors_.push_back(a.t());
          data_[node.output(0)] = &value_tensors_.back();
        }
    const auto version = opsets_.find(node.domain() == "ai.onnx" ? "" : node.domain());
    const onnx::OpSchema* schema =
        version == opsets_.end()
            ? nullptr
            : onnx::OpSchemaRegistry::Schema(node.op_type(), version->second, node.domain());
    std::vector<onnx::TypeProto> inferred(static_cast<size_t>(node.output_size()));
    if (schema && schema->has_type_and_shape_inference_function()) {
      onnx::shape_inference::InferenceContextImpl ctx(node, types_, data_, {}, nullptr,
                                                      &graph_context);
      try {
        schema->GetTypeAndShapeInferenceFunction()(ctx);
        for (int i = 0; i < node.output_size(); ++i)
          inferred[static_cast<size_t>(i)] = *ctx.getOutputType(i);
      } catch (const std::exception& e) {
        if (inputs_concrete(node)) {  // otherwise the unresolved input is reported, not this
          std::string what = e.what();
          if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
          throw InputError(source_, "shape inference fails at " + node_label(node) + ": " + what);
        }
      }
    }
    for (int i = 0; i < node.output_size(); ++i) {
      const std::string& name = node.output(i);
      if (name.empty()) continue;
      onnx::TypeProto type = inferred[static_cast<size_t>(i)];
      auto declared = declared_.find(name);
      // The exporter's value_info fills what inference leaves open (operators without an
      // inference function, data-dependent shapes).
      if (declared != declared_.end() && (!is_tensor_type(type) || !concrete(dims_of(type))) &&
          (type.value_case() == onnx::TypeProto::VALUE_NOT_SET ||
           concrete(dims_of(*declared->second))))
        type = *declared->second;
      set_type(name, type);
    }
  }

  bool inputs_concrete(const onnx::NodeProto& node) const {
    for (const auto& in : node.input()) {
      if (in.empty()) continue;
      auto it = types_.find(in);
      if (it == types_.end() || (is_tensor_type(*it->second) && !concrete(dims_of(*it->second))))
        return false;
    }
    return true;
  }

  onnx::ModelProto& model_;
  const std::string& source_;
  std::unordered_map<std::string, int> opsets_;
  std::deque<onnx::TypeProto> storage_;  // stable addresses for types_
  std::unordered_map<std::string, onnx::TypeProto*> types_;
  std::deque<onnx::TensorProto> value_tensors_;  // stable addresses for data_
  std::unordered_map<std::string, const onnx::TensorProto*> data_;
  std::unordered_map<std::string, const onnx::TypeProto*> declared_;
  std::map<std::string, IntValue> folded_;
};

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
  // With new input shapes, the exporter's value_info is stale: trust it only without overrides.
  const bool trust_declared = options.input_shapes.empty() && options.batch <= 0;

  ResolvedShapes r;
  ForwardInference forward(model, source, trust_declared);
  r.folded = forward.run();
  r.tensors = forward.tensors();
  for (const auto& [name, v] : r.folded) r.tensors[name].dtype = dtype_from_onnx(v.onnx_type);

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
      const bool non_tensor =
          it != r.tensors.end() && it->second.dtype == DType::kUnknown && it->second.shape.empty();
      if (non_tensor)
        continue;  // sequences and maps have no shape; layers reading them are not costed
      const bool has_schema =
          onnx::OpSchemaRegistry::Schema(node.op_type(), node.domain()) != nullptr;
      if ((it == r.tensors.end() || !concrete(it->second.shape)) && !has_schema)
        throw InputError(
            source,
            "cannot resolve the shape of tensor '" + o + "': operator '" + node.op_type() + "'" +
                (node.domain().empty() ? "" : " (domain " + node.domain() + ")") + " of node '" +
                node.name() +
                "' has no ONNX shape inference and the model declares no value_info for it");
      if (it == r.tensors.end() || !concrete(it->second.shape))
        throw InputError(
            source, "cannot resolve the shape of tensor '" + o + "' (output of " +
                        node_label(node) +
                        "); give the model inputs concrete shapes with --input-shape NAME=DxDx...");
      if (checked_elements(it->second.shape) < 0)
        throw InputError(source, "tensor '" + o + "' (output of " + node_label(node) + ") has " +
                                     shape_to_string(it->second.shape) +
                                     " elements: more than 2^40 or overflowing");
    }
  }
  return r;
}

}  // namespace dnntune
