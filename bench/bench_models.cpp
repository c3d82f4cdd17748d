#include "bench/bench_models.h"

#include <string>

#include "traces/onnx/onnx_builder.h"

namespace dnntune::bench {

namespace {

// Reshape(x, [Shape(x)[0], rest...]) the way torch.onnx exports x.view(x.size(0), ...).
std::string dynamic_reshape(OnnxBuilder& b, const std::string& name, const std::string& x,
                            const std::vector<int64_t>& rest) {
  auto shape = b.op("Shape", name + "/shape", {x});
  auto zero = b.add_int64_constant(name + "/zero", {}, {0});
  auto batch = b.op("Gather", name + "/batch", {shape, zero}, {attr_int("axis", 0)});
  auto axes = b.add_int64_constant(name + "/axes", {1}, {0});
  auto batch1 = b.op("Unsqueeze", name + "/batch1", {batch, axes});
  auto tail = b.add_int64_constant(name + "/rest", {static_cast<int64_t>(rest.size())}, rest);
  auto target = b.op("Concat", name + "/target", {batch1, tail}, {attr_int("axis", 0)});
  return b.op("Reshape", name, {x, target});
}

std::string gelu(OnnxBuilder& b, const std::string& name, const std::string& x) {
  // x * 0.5 * (1 + erf(x / sqrt(2))), as exported from nn.GELU
  auto d =
      b.op("Div", name + "/div", {x, b.add_float_constant(name + "/sqrt2", {}, {1.41421356f})});
  auto e = b.op("Erf", name + "/erf", {d});
  auto a = b.op("Add", name + "/add", {e, b.add_float_constant(name + "/one", {}, {1.0f})});
  auto m = b.op("Mul", name + "/mul", {x, a});
  return b.op("Mul", name + "/half", {m, b.add_float_constant(name + "/half_c", {}, {0.5f})});
}

}  // namespace

onnx::ModelProto make_vit_b16() {
  constexpr int64_t kWidth = 768, kHeads = 12, kHeadDim = 64, kMlp = 3072, kBlocks = 12,
                    kTokens = 197;
  OnnxBuilder b("vit_b_16");
  auto x = b.add_input("input", {1, 3, 224, 224});
  auto patches = b.conv("patch_embed", x, 3, kWidth, ConvSpec{16, 16, 16, 16, 0, 0, 1, 1, true});
  auto flat = dynamic_reshape(b, "patch_flatten", patches, {kWidth, 196});
  auto seq = b.transpose("patch_transpose", flat, {0, 2, 1});
  auto cls = b.add_initializer("cls_token", {1, 1, kWidth});
  auto tokens = b.concat("cat_cls", {cls, seq}, 1);
  auto h =
      b.op("Add", "pos_embed", {tokens, b.add_initializer("pos_embedding", {1, kTokens, kWidth})});
  for (int64_t i = 0; i < kBlocks; ++i) {
    const std::string p = "block" + std::to_string(i);
    auto ln1 = b.layer_norm(p + "/ln1", h, kWidth);
    auto heads = [&](const std::string& which) {
      auto proj = b.linear(p + "/" + which, ln1, kWidth, kWidth);
      auto split =
          dynamic_reshape(b, p + "/" + which + "_heads", proj, {kTokens, kHeads, kHeadDim});
      return b.transpose(p + "/" + which + "_t", split, {0, 2, 1, 3});
    };
    auto q = heads("q"), k = heads("k"), v = heads("v");
    auto kt = b.transpose(p + "/k_T", k, {0, 1, 3, 2});
    auto scores = b.scale(p + "/scale", b.matmul(p + "/qk", q, kt), 0.125f);
    auto attn = b.matmul(p + "/av", b.softmax(p + "/softmax", scores), v);
    auto merged = dynamic_reshape(b, p + "/merge", b.transpose(p + "/merge_t", attn, {0, 2, 1, 3}),
                                  {kTokens, kWidth});
    h = b.add(p + "/residual1", h, b.linear(p + "/proj", merged, kWidth, kWidth));
    auto ln2 = b.layer_norm(p + "/ln2", h, kWidth);
    auto mlp = b.linear(p + "/fc2", gelu(b, p + "/gelu", b.linear(p + "/fc1", ln2, kWidth, kMlp)),
                        kMlp, kWidth);
    h = b.add(p + "/residual2", h, mlp);
  }
  auto ln = b.layer_norm("ln_final", h, kWidth);
  auto cls_out = b.op("Gather", "cls_select", {ln, b.add_int64_constant("cls_index", {}, {0})},
                      {attr_int("axis", 1)});
  b.add_output(b.gemm("head", cls_out, kWidth, 1000));
  return b.finish("ViT-B/16 (Dosovitskiy et al., ICLR 2021), exported-style, weights stripped");
}

onnx::ModelProto make_conv_chain(int64_t layers) {
  OnnxBuilder b("conv_chain");
  std::string h = b.add_input("input", {1, 16, 8, 8});
  for (int64_t i = 0; i < layers; ++i) {
    const std::string p = "l" + std::to_string(i);
    h = b.relu(p + "/relu", b.conv(p + "/conv", h, 16, 16, ConvSpec::square(3, 1, 1)));
  }
  b.add_output(h);
  return b.finish("synthetic chain");
}

onnx::ModelProto make_skip_dag(int64_t nodes) {
  OnnxBuilder b("skip_dag");
  std::vector<std::string> outs{b.add_input("input", {1, 16, 8, 8})};
  for (int64_t i = 0; i < nodes; ++i) {
    const std::string& prev = outs.back();
    // Skip lengths 2..9, deterministic: the graph is a DAG with many overlapping live ranges.
    const int64_t back = 2 + (i * 7) % 8;
    const std::string& skip =
        outs[static_cast<size_t>(std::max<int64_t>(0, static_cast<int64_t>(outs.size()) - back))];
    outs.push_back(i % 2 ? b.add("n" + std::to_string(i), prev, skip)
                         : b.conv("n" + std::to_string(i), prev, 16, 16, ConvSpec::square(1)));
  }
  b.add_output(outs.back());
  return b.finish("synthetic skip DAG");
}

}  // namespace dnntune::bench
