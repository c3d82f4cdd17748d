// Transformer — Vaswani et al., "Attention Is All You Need", NIPS 2017: the base model
// (6 encoder + 6 decoder layers, d_model 512, 8 heads, feed-forward 2048, post-layer-norm,
// sinusoidal positions, shared source/target embedding tied with the output projection).
// How DNNTune's 49M is reached: the layers hold 44,138,496 parameters (encoder layer 3,152,384:
// attention 4*(512^2+512), FFN 512*2048+2048+2048*512+512, two layer norms; decoder layer
// 4,204,032 with a second attention and a third layer norm); the paper's 37,000-token vocabulary
// would add 18.9M (63M total), Table 1's 49M matches a 2^13 = 8,192-subword vocabulary
// (tensor2tensor's translate_ende_wmt8k): 8192*512 = 4,194,304 -> 48,332,800 (-1.4%).
// The positional table [len, 512] and the causal mask [len, len] are float constants and count
// as initializers too (36,864 at the default 64 tokens).
// Inputs: int64 source and target token ids [batch, len]; output: probabilities [batch, len, 8192].
#include <cmath>

#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {

constexpr int64_t kVocab = 8192;
constexpr int64_t kModel = 512;
constexpr int64_t kHeads = 8;
constexpr int64_t kHeadDim = kModel / kHeads;
constexpr int64_t kFeedForward = 2048;
constexpr int64_t kLayers = 6;
constexpr int64_t kDefaultLength = 64;

struct Dims {
  int64_t batch, len;
};

// Splits [batch, len, 512] into heads [batch, 8, len, 64] (or [batch, 8, 64, len] for keys).
std::string heads(OnnxBuilder& b, const std::string& name, const std::string& x, const Dims& d,
                  bool keys) {
  // Reshape 0 copies batch and length from the input: the loader's --batch can change the batch.
  const std::string r = b.reshape(name + ".heads", x, {0, 0, kHeads, kHeadDim});
  return b.transpose(name + ".perm", r,
                     keys ? std::vector<int64_t>{0, 2, 3, 1} : std::vector<int64_t>{0, 2, 1, 3});
}

std::string attention(OnnxBuilder& b, const std::string& name, const std::string& query,
                      const std::string& memory, const Dims& d, const std::string& mask) {
  const std::string q =
      heads(b, name + ".q", b.linear(name + ".q", query, kModel, kModel), d, false);
  const std::string k =
      heads(b, name + ".k", b.linear(name + ".k", memory, kModel, kModel), d, true);
  const std::string v =
      heads(b, name + ".v", b.linear(name + ".v", memory, kModel, kModel), d, false);
  std::string s = b.matmul(name + ".scores", q, k);  // [batch, 8, len, len]
  s = b.scale(name + ".scaled", s, 1.0f / std::sqrt(static_cast<float>(kHeadDim)));
  if (!mask.empty()) s = b.add(name + ".masked", s, mask);
  s = b.softmax(name + ".softmax", s, -1);
  std::string ctx = b.matmul(name + ".context", s, v);  // [batch, 8, len, 64]
  ctx = b.transpose(name + ".unperm", ctx, {0, 2, 1, 3});
  ctx = b.reshape(name + ".merge", ctx, {0, 0, kModel});
  return b.linear(name + ".out", ctx, kModel, kModel);
}

std::string residual_norm(OnnxBuilder& b, const std::string& name, const std::string& x,
                          const std::string& sublayer) {
  return b.layer_norm(name + ".norm", b.add(name + ".residual", x, sublayer), kModel);
}

std::string feed_forward(OnnxBuilder& b, const std::string& name, const std::string& x) {
  const std::string h = b.relu(name + ".relu", b.linear(name + ".fc1", x, kModel, kFeedForward));
  return b.linear(name + ".fc2", h, kFeedForward, kModel);
}

// Token embedding * sqrt(d_model) + sinusoidal positions (Vaswani Section 3.4/3.5).
std::string embed(OnnxBuilder& b, const std::string& name, const std::string& ids,
                  const std::string& positions) {
  const std::string e =
      b.op("Gather", name + ".lookup", {"embedding.weight", ids}, {attr_int("axis", 0)});
  return b.add(name + ".pos", b.scale(name + ".scale", e, std::sqrt(static_cast<float>(kModel))),
               positions);
}

std::vector<float> sinusoid_table(int64_t len) {
  std::vector<float> table(static_cast<size_t>(len * kModel));
  for (int64_t p = 0; p < len; ++p)
    for (int64_t i = 0; i < kModel; ++i) {
      const double angle = p / std::pow(10000.0, 2.0 * (i / 2) / kModel);
      table[static_cast<size_t>(p * kModel + i)] =
          static_cast<float>(i % 2 == 0 ? std::sin(angle) : std::cos(angle));
    }
  return table;
}

std::vector<float> causal_mask(int64_t len) {
  std::vector<float> mask(static_cast<size_t>(len * len), 0.0f);
  for (int64_t i = 0; i < len; ++i)
    for (int64_t j = i + 1; j < len; ++j) mask[static_cast<size_t>(i * len + j)] = -1e9f;
  return mask;
}

}  // namespace

onnx::ModelProto build_transformer(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "transformer";
  const Dims d{checked_batch(model, options), sequence_length(model, options, kDefaultLength)};
  OnnxBuilder b = make_builder(model, options);
  const std::string src = b.add_input("source_ids", {d.batch, d.len}, onnx::TensorProto::INT64);
  const std::string tgt = b.add_input("target_ids", {d.batch, d.len}, onnx::TensorProto::INT64);
  b.add_initializer("embedding.weight", {kVocab, kModel}, -0.1f, 0.1f);
  const std::string positions =
      b.add_float_constant("positions", {d.len, kModel}, sinusoid_table(d.len));
  const std::string mask = b.add_float_constant("causal_mask", {d.len, d.len}, causal_mask(d.len));

  std::string enc = embed(b, "encoder.embed", src, positions);
  for (int64_t l = 0; l < kLayers; ++l) {
    const std::string n = "encoder." + std::to_string(l);
    enc = residual_norm(b, n + ".attn", enc, attention(b, n + ".self_attn", enc, enc, d, ""));
    enc = residual_norm(b, n + ".ffn", enc, feed_forward(b, n + ".ffn", enc));
  }
  std::string dec = embed(b, "decoder.embed", tgt, positions);
  for (int64_t l = 0; l < kLayers; ++l) {
    const std::string n = "decoder." + std::to_string(l);
    dec = residual_norm(b, n + ".attn", dec, attention(b, n + ".self_attn", dec, dec, d, mask));
    dec = residual_norm(b, n + ".cross", dec, attention(b, n + ".cross_attn", dec, enc, d, ""));
    dec = residual_norm(b, n + ".ffn", dec, feed_forward(b, n + ".ffn", dec));
  }
  // Output projection tied with the embedding: logits = h * E^T.
  std::string x = b.reshape("generator.flatten", dec, {-1, kModel});
  x = b.op("Gemm", "generator.logits", {x, "embedding.weight"}, {attr_int("transB", 1)});
  x = b.reshape("generator.unflatten", x, {-1, d.len, kVocab});
  b.add_output(b.softmax("generator.softmax", x, -1));
  return finish_checked(b, model, "Transformer base (Vaswani et al. 2017), 8k shared vocabulary");
}

}  // namespace dnntune::zoo
