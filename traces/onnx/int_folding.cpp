#include "traces/onnx/int_folding.h"
#include "traces/graph/tensor.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace dnntune {

namespace {

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t normalize_axis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

// Elementwise binary op with numpy broadcasting on small tensors.
std::optional<IntValue> broadcast_binary(const IntValue& a, const IntValue& b,
                                         const std::function<int64_t(int64_t, int64_t)>& f) {
  const size_t rank = std::max(a.shape.size(), b.shape.size());
  std::vector<int64_t> out_shape(rank);
  auto dim_of = [rank](const IntValue& v, size_t i) {
    const size_t off = rank - v.shape.size();
    return i < off ? int64_t{1} : v.shape[i - off];
  };
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = dim_of(a, i), db = dim_of(b, i);
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out_shape[i] = std::max(da, db);
  }
  IntValue out{out_shape, std::vector<int64_t>(static_cast<size_t>(element_count(out_shape)))};
  std::vector<int64_t> idx(rank, 0);
  auto flat = [&](const IntValue& v) {
    int64_t f_index = 0;
    const size_t off = rank - v.shape.size();
    for (size_t i = off; i < rank; ++i)
      f_index = f_index * v.shape[i - off] + (v.shape[i - off] == 1 ? 0 : idx[i]);
    return f_index;
  };
  for (size_t k = 0; k < out.data.size(); ++k) {
    out.data[k] = f(a.data[static_cast<size_t>(flat(a))], b.data[static_cast<size_t>(flat(b))]);
    for (size_t i = rank; i-- > 0;) {
      if (++idx[i] < out_shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

std::vector<int64_t> axes_of(const onnx::NodeProto& node, const std::map<std::string, IntValue>& v,
                             size_t axes_input) {
  if (const auto* a = find_attr(node, "axes")) return {a->ints().begin(), a->ints().end()};
  if (node.input_size() > static_cast<int>(axes_input) && !node.input(axes_input).empty()) {
    auto it = v.find(node.input(axes_input));
    if (it != v.end()) return it->second.data;
  }
  return {};
}

}  // namespace

std::optional<IntValue> int_value_from_tensor(const onnx::TensorProto& t) {
  IntValue v;
  v.shape.assign(t.dims().begin(), t.dims().end());
  const int64_t n = element_count(v.shape);
  if (n > kMaxFoldedElements || n < 0) return std::nullopt;
  using TP = onnx::TensorProto;
  if (t.data_type() == TP::INT64) {
    if (t.int64_data_size() == n) {
      v.data.assign(t.int64_data().begin(), t.int64_data().end());
    } else if (static_cast<int64_t>(t.raw_data().size()) == n * 8) {
      v.data.resize(static_cast<size_t>(n));
      std::memcpy(v.data.data(), t.raw_data().data(), static_cast<size_t>(n) * 8);
    } else {
      return std::nullopt;
    }
  } else if (t.data_type() == TP::INT32) {
    if (t.int32_data_size() == n) {
      v.data.assign(t.int32_data().begin(), t.int32_data().end());
    } else if (static_cast<int64_t>(t.raw_data().size()) == n * 4) {
      std::vector<int32_t> tmp(static_cast<size_t>(n));
      std::memcpy(tmp.data(), t.raw_data().data(), static_cast<size_t>(n) * 4);
      v.data.assign(tmp.begin(), tmp.end());
    } else {
      return std::nullopt;
    }
  } else if (t.data_type() == TP::BOOL) {
    v.onnx_type = TP::BOOL;
    if (t.int32_data_size() == n) {
      v.data.assign(t.int32_data().begin(), t.int32_data().end());
    } else if (static_cast<int64_t>(t.raw_data().size()) == n) {
      for (char c : t.raw_data()) v.data.push_back(c != 0);
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (t.data_type() == TP::INT32) v.onnx_type = TP::INT32;
  return v;
}

onnx::TensorProto int_value_to_tensor(const std::string& name, const IntValue& value) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(value.onnx_type);
  for (int64_t d : value.shape) t.add_dims(d);
  for (int64_t x : value.data) {
    if (value.onnx_type == onnx::TensorProto::INT64)
      t.add_int64_data(x);
    else
      t.add_int32_data(static_cast<int32_t>(x));  // INT32 and BOOL live in int32_data
  }
  return t;
}

std::optional<std::vector<IntValue>> fold_int_node(
    const onnx::NodeProto& node, const std::map<std::string, IntValue>& values,
    const std::map<std::string, std::vector<int64_t>>& shapes) {
  const std::string& op = node.op_type();
  auto in = [&](int i) -> const IntValue* {
    if (i >= node.input_size() || node.input(i).empty()) return nullptr;
    auto it = values.find(node.input(i));
    return it == values.end() ? nullptr : &it->second;
  };
  auto one = [](IntValue v) {
    return std::optional<std::vector<IntValue>>(std::vector<IntValue>{v});
  };

  if (op == "Constant") {
    if (const auto* a = find_attr(node, "value")) {
      if (auto v = int_value_from_tensor(a->t())) return one(*v);
      return std::nullopt;
    }
    if (const auto* a = find_attr(node, "value_int")) return one({{}, {a->i()}});
    if (const auto* a = find_attr(node, "value_ints"))
      return one({{a->ints_size()}, {a->ints().begin(), a->ints().end()}});
    return std::nullopt;
  }
  if (op == "Shape" || op == "Size") {
    auto it = shapes.find(node.input(0));
    if (it == shapes.end()) return std::nullopt;
    const auto& dims = it->second;
    if (std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d < 0; })) return std::nullopt;
    if (op == "Size") return one({{}, {element_count(dims)}});
    const int64_t rank = static_cast<int64_t>(dims.size());
    int64_t start = 0, end = rank;
    if (const auto* a = find_attr(node, "start"))
      start = std::clamp(normalize_axis(a->i(), rank), int64_t{0}, rank);
    if (const auto* a = find_attr(node, "end"))
      end = std::clamp(normalize_axis(a->i(), rank), int64_t{0}, rank);
    std::vector<int64_t> d(dims.begin() + start, dims.begin() + std::max(start, end));
    return one({{static_cast<int64_t>(d.size())}, d});
  }
  if (op == "Identity" || op == "Cast") {
    if (const IntValue* v = in(0)) {
      if (op == "Cast") {
        const auto* to = find_attr(node, "to");
        using TP = onnx::TensorProto;
        if (!to || (to->i() != TP::INT64 && to->i() != TP::INT32 && to->i() != TP::BOOL))
          return std::nullopt;
        IntValue r = *v;
        r.onnx_type = static_cast<int>(to->i());
        if (r.onnx_type == TP::BOOL)
          for (auto& x : r.data) x = x != 0;
        return one(r);
      }
      return one(*v);
    }
    return std::nullopt;
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Max" || op == "Min") {
    const IntValue *a = in(0), *b = in(1);
    if (!a || !b) return std::nullopt;
    std::function<int64_t(int64_t, int64_t)> f;
    if (op == "Add") f = std::plus<int64_t>();
    if (op == "Sub") f = std::minus<int64_t>();
    if (op == "Mul") f = std::multiplies<int64_t>();
    if (op == "Max") f = [](int64_t x, int64_t y) { return std::max(x, y); };
    if (op == "Min") f = [](int64_t x, int64_t y) { return std::min(x, y); };
    if (op == "Div") {
      if (std::find(b->data.begin(), b->data.end(), 0) != b->data.end()) return std::nullopt;
      f = [](int64_t x, int64_t y) { return x / y; };
    }
    auto r = broadcast_binary(*a, *b, f);
    if (!r) return std::nullopt;
    return one(*r);
  }
  if (op == "Equal" || op == "Greater" || op == "Less" || op == "GreaterOrEqual" ||
      op == "LessOrEqual" || op == "And" || op == "Or") {
    const IntValue *a = in(0), *b = in(1);
    if (!a || !b) return std::nullopt;
    std::function<int64_t(int64_t, int64_t)> f;
    if (op == "Equal") f = [](int64_t x, int64_t y) -> int64_t { return x == y; };
    if (op == "Greater") f = [](int64_t x, int64_t y) -> int64_t { return x > y; };
    if (op == "Less") f = [](int64_t x, int64_t y) -> int64_t { return x < y; };
    if (op == "GreaterOrEqual") f = [](int64_t x, int64_t y) -> int64_t { return x >= y; };
    if (op == "LessOrEqual") f = [](int64_t x, int64_t y) -> int64_t { return x <= y; };
    if (op == "And") f = [](int64_t x, int64_t y) -> int64_t { return x && y; };
    if (op == "Or") f = [](int64_t x, int64_t y) -> int64_t { return x || y; };
    auto r = broadcast_binary(*a, *b, f);
    if (!r) return std::nullopt;
    r->onnx_type = onnx::TensorProto::BOOL;
    return one(*r);
  }
  if (op == "Not") {
    const IntValue* v = in(0);
    if (!v) return std::nullopt;
    IntValue r = *v;
    for (auto& x : r.data) x = !x;
    r.onnx_type = onnx::TensorProto::BOOL;
    return one(r);
  }
  if (op == "Unsqueeze") {
    const IntValue* v = in(0);
    if (!v) return std::nullopt;
    auto axes = axes_of(node, values, 1);
    IntValue out = *v;
    const int64_t rank = static_cast<int64_t>(v->shape.size() + axes.size());
    for (auto& a : axes) a = normalize_axis(a, rank);
    std::sort(axes.begin(), axes.end());
    for (int64_t a : axes)
      out.shape.insert(out.shape.begin() + std::min<int64_t>(a, out.shape.size()), 1);
    return one(out);
  }
  if (op == "Squeeze") {
    const IntValue* v = in(0);
    if (!v) return std::nullopt;
    auto axes = axes_of(node, values, 1);
    const int64_t rank = static_cast<int64_t>(v->shape.size());
    IntValue out{{}, v->data};
    for (int64_t i = 0; i < rank; ++i) {
      const bool listed =
          axes.empty() ? v->shape[i] == 1 : std::any_of(axes.begin(), axes.end(), [&](int64_t a) {
            return normalize_axis(a, rank) == i;
          });
      if (!listed) out.shape.push_back(v->shape[i]);
    }
    return one(out);
  }
  if (op == "Concat") {
    IntValue out;
    for (int i = 0; i < node.input_size(); ++i) {
      const IntValue* v = in(i);
      if (!v || v->shape.size() > 1) return std::nullopt;  // shape vectors are 1-D
      out.data.insert(out.data.end(), v->data.begin(), v->data.end());
    }
    out.shape = {static_cast<int64_t>(out.data.size())};
    return one(out);
  }
  if (op == "Gather") {
    const IntValue *data = in(0), *idx = in(1);
    if (!data || !idx || data->shape.size() != 1) return std::nullopt;
    const int64_t n = data->shape[0];
    IntValue out{idx->shape, {}};
    for (int64_t i : idx->data) {
      const int64_t j = i < 0 ? i + n : i;
      if (j < 0 || j >= n) return std::nullopt;
      out.data.push_back(data->data[static_cast<size_t>(j)]);
    }
    return one(out);
  }
  if (op == "Slice") {
    // N-D slicing with per-axis starts/ends/steps (opset 1 attributes or opset 10+ inputs).
    const IntValue* data = in(0);
    if (!data) return std::nullopt;
    std::vector<int64_t> starts, ends, axes, steps;
    if (const auto* a = find_attr(node, "starts"))
      starts.assign(a->ints().begin(), a->ints().end());
    else if (in(1))
      starts = in(1)->data;
    if (const auto* a = find_attr(node, "ends"))
      ends.assign(a->ints().begin(), a->ints().end());
    else if (in(2))
      ends = in(2)->data;
    if (const auto* a = find_attr(node, "axes"))
      axes.assign(a->ints().begin(), a->ints().end());
    else if (in(3))
      axes = in(3)->data;
    if (in(4)) steps = in(4)->data;
    if (starts.size() != ends.size()) return std::nullopt;
    const int64_t rank = static_cast<int64_t>(data->shape.size());
    if (axes.empty())
      for (int64_t i = 0; i < static_cast<int64_t>(starts.size()); ++i) axes.push_back(i);
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (axes.size() != starts.size() || steps.size() != starts.size()) return std::nullopt;
    std::vector<int64_t> first(static_cast<size_t>(rank), 0), step(static_cast<size_t>(rank), 1),
        count(data->shape.begin(), data->shape.end());
    for (size_t k = 0; k < axes.size(); ++k) {
      const int64_t ax = normalize_axis(axes[k], rank);
      if (ax < 0 || ax >= rank || steps[k] == 0) return std::nullopt;
      const int64_t n = data->shape[static_cast<size_t>(ax)];
      int64_t b = starts[k] < 0 ? starts[k] + n : starts[k];
      int64_t e = ends[k] < 0 ? ends[k] + n : ends[k];
      if (steps[k] > 0) {
        b = std::clamp(b, int64_t{0}, n);
        e = std::clamp(e, int64_t{0}, n);
        count[static_cast<size_t>(ax)] = e > b ? (e - b + steps[k] - 1) / steps[k] : 0;
      } else {
        b = std::clamp(b, int64_t{-1}, n - 1);
        e = std::clamp(e, int64_t{-1}, n - 1);
        count[static_cast<size_t>(ax)] = b > e ? (b - e - steps[k] - 1) / -steps[k] : 0;
      }
      first[static_cast<size_t>(ax)] = b;
      step[static_cast<size_t>(ax)] = steps[k];
    }
    IntValue out{count, {}};
    const int64_t total = element_count(count);
    std::vector<int64_t> strides(static_cast<size_t>(rank), 1);
    for (int64_t i = rank - 2; i >= 0; --i)
      strides[static_cast<size_t>(i)] =
          strides[static_cast<size_t>(i + 1)] * data->shape[static_cast<size_t>(i + 1)];
    std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
    for (int64_t k = 0; k < total; ++k) {
      int64_t src = 0;
      for (int64_t i = 0; i < rank; ++i)
        src += (first[static_cast<size_t>(i)] +
                idx[static_cast<size_t>(i)] * step[static_cast<size_t>(i)]) *
               strides[static_cast<size_t>(i)];
      out.data.push_back(data->data[static_cast<size_t>(src)]);
      for (int64_t i = rank - 1; i >= 0; --i) {
        if (++idx[static_cast<size_t>(i)] < count[static_cast<size_t>(i)]) break;
        idx[static_cast<size_t>(i)] = 0;
      }
    }
    return one(out);
  }
  if (op == "Reshape") {
    // Same data, new shape; 0 copies the input dimension (unless allowzero), -1 is inferred.
    const IntValue *data = in(0), *target = in(1);
    if (!data || !target) return std::nullopt;
    const bool allow_zero = find_attr(node, "allowzero") && find_attr(node, "allowzero")->i() != 0;
    std::vector<int64_t> shape = target->data;
    int64_t known = 1, infer_at = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 0 && !allow_zero) {
        if (i >= data->shape.size()) return std::nullopt;
        shape[i] = data->shape[i];
      }
      if (shape[i] == -1) {
        if (infer_at >= 0) return std::nullopt;
        infer_at = static_cast<int64_t>(i);
      } else {
        known *= shape[i];
      }
    }
    const int64_t total = static_cast<int64_t>(data->data.size());
    if (infer_at >= 0) {
      if (known == 0 || total % known) return std::nullopt;
      shape[static_cast<size_t>(infer_at)] = total / known;
    } else if (known != total) {
      return std::nullopt;
    }
    return one({shape, data->data});
  }
  if (op == "Transpose") {
    const IntValue* data = in(0);
    if (!data) return std::nullopt;
    const int64_t rank = static_cast<int64_t>(data->shape.size());
    std::vector<int64_t> perm;
    if (const auto* a = find_attr(node, "perm"))
      perm.assign(a->ints().begin(), a->ints().end());
    else
      for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
    if (static_cast<int64_t>(perm.size()) != rank) return std::nullopt;
    std::vector<int64_t> in_strides(static_cast<size_t>(rank), 1),
        out_shape(static_cast<size_t>(rank));
    for (int64_t i = rank - 2; i >= 0; --i)
      in_strides[static_cast<size_t>(i)] =
          in_strides[static_cast<size_t>(i + 1)] * data->shape[static_cast<size_t>(i + 1)];
    for (int64_t i = 0; i < rank; ++i) {
      if (perm[static_cast<size_t>(i)] < 0 || perm[static_cast<size_t>(i)] >= rank)
        return std::nullopt;
      out_shape[static_cast<size_t>(i)] =
          data->shape[static_cast<size_t>(perm[static_cast<size_t>(i)])];
    }
    IntValue out{out_shape, {}};
    std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
    for (size_t k = 0; k < data->data.size(); ++k) {
      int64_t src = 0;
      for (int64_t i = 0; i < rank; ++i)
        src += idx[static_cast<size_t>(i)] *
               in_strides[static_cast<size_t>(perm[static_cast<size_t>(i)])];
      out.data.push_back(data->data[static_cast<size_t>(src)]);
      for (int64_t i = rank - 1; i >= 0; --i) {
        if (++idx[static_cast<size_t>(i)] < out_shape[static_cast<size_t>(i)]) break;
        idx[static_cast<size_t>(i)] = 0;
      }
    }
    return one(out);
  }
  if (op == "Range") {
    const IntValue *s = in(0), *l = in(1), *d = in(2);
    if (!s || !l || !d || d->data.empty() || d->data[0] == 0) return std::nullopt;
    IntValue out;
    for (int64_t x = s->data[0]; d->data[0] > 0 ? x < l->data[0] : x > l->data[0];
         x += d->data[0]) {
      out.data.push_back(x);
      if (static_cast<int64_t>(out.data.size()) > kMaxFoldedElements) return std::nullopt;
    }
    out.shape = {static_cast<int64_t>(out.data.size())};
    return one(out);
  }
  if (op == "ReduceProd") {
    const IntValue* v = in(0);
    if (!v || v->shape.size() != 1) return std::nullopt;
    int64_t p = 1;
    for (int64_t x : v->data) p *= x;
    const auto* keep = find_attr(node, "keepdims");
    return one({(keep && keep->i() == 0) ? std::vector<int64_t>{} : std::vector<int64_t>{1}, {p}});
  }
  if (op == "ConstantOfShape") {
    const IntValue* s = in(0);
    if (!s) return std::nullopt;
    int64_t fill = 0;
    if (const auto* a = find_attr(node, "value")) {
      auto v = int_value_from_tensor(a->t());
      if (!v || v->data.empty()) return std::nullopt;  // a float fill: not an integer tensor
      fill = v->data[0];
    }
    const int64_t n = element_count(s->data);
    if (n < 0 || n > kMaxFoldedElements) return std::nullopt;
    return one({s->data, std::vector<int64_t>(static_cast<size_t>(n), fill)});
  }
  return std::nullopt;
}

}  // namespace dnntune
