// rnn_ptb_small — Zaremba, Sutskever, Vinyals, "Recurrent Neural Network Regularization",
// arXiv:1409.2329 (2014), the "small" Penn Treebank word model: 2 LSTM layers of 200 units,
// 10,000-word vocabulary, unrolled 20 steps (TensorFlow's ptb_word_lm SmallConfig).
// How DNNTune's 2.65M is reached: embedding 10000x200 = 2,000,000; two LSTMs of
// 4*200*(200+200) weights = 320,000 each, plus ONNX's two bias vectors 8*200 = 1,600 each;
// the softmax layer reuses the embedding matrix (weight tying, Press & Wolf, EACL 2017) and adds
// a 10,000 bias: 2,000,000 + 643,200 + 10,000 = 2,653,200. (Without tying the model would have
// 4.65M parameters, far from Table 1.)
// Input: int64 token ids [batch, steps]; output: next-word probabilities [batch, steps, 10000].
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {
constexpr int64_t kVocab = 10000;  // Penn Treebank (Mikolov's preprocessing)
constexpr int64_t kHidden = 200;   // Zaremba et al. small config
constexpr int64_t kLayers = 2;
constexpr int64_t kNumSteps = 20;  // unrolled steps of the small config
}  // namespace

onnx::ModelProto build_rnn_ptb_small(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "rnn_ptb_small";
  const int64_t batch = checked_batch(model, options);
  const int64_t steps = sequence_length(model, options, kNumSteps);
  OnnxBuilder b = make_builder(model, options);
  const std::string ids = b.add_input("input_ids", {batch, steps}, onnx::TensorProto::INT64);
  std::string x = b.embedding("embedding", ids, kVocab, kHidden);  // [batch, steps, 200]
  x = b.transpose("to_time_major", x, {1, 0, 2});                  // [steps, batch, 200]
  for (int64_t l = 0; l < kLayers; ++l) {
    const std::string name = "lstm" + std::to_string(l);
    const LstmOutputs out = b.lstm(name, x, kHidden, kHidden);  // Y [steps, 1, batch, 200]
    x = b.squeeze(name + ".squeeze", out.y, {1});
  }
  x = b.transpose("to_batch_major", x, {1, 0, 2});
  // Reshape targets leave the batch free (-1) so that the loader's --batch can change it.
  x = b.reshape("flatten_steps", x, {-1, kHidden});
  // Tied softmax weights: logits = h * E^T + b.
  const std::string bias = b.add_initializer("softmax.bias", {kVocab}, -0.1f, 0.1f);
  x = b.op("Gemm", "softmax.logits", {x, "embedding.weight", bias}, {attr_int("transB", 1)});
  x = b.reshape("unflatten_steps", x, {-1, steps, kVocab});
  b.add_output(b.softmax("softmax", x, -1));
  return finish_checked(b, model, "PTB small word LSTM (Zaremba et al. 2014), tied embedding");
}

}  // namespace dnntune::zoo
