// DeepSpeech — Hannun et al., "Deep Speech: Scaling up end-to-end speech recognition",
// arXiv:1412.5567 (2014), in the LSTM form of Mozilla's implementation (github.com/mozilla/
// DeepSpeech): per frame 26 MFCCs with 9 frames of context on each side (19 x 26 = 494 inputs),
// three fully connected layers with ReLU clipped at 20, one LSTM, one fully connected layer and
// the output layer over 29 symbols (a-z, space, apostrophe, CTC blank), softmax per frame.
// How DNNTune's 29M is reached: with width n the model has 11n^2 + 535n + 29 parameters
// (494n+n, 2(n^2+n), LSTM 8n^2 + 8n with ONNX's two bias vectors, n^2+n, 29n+29); Mozilla's
// release width n = 2048 gives 47.2M, Table 1's 29M is width n = 1600: 29,016,029.
// Input: float features [batch, frames, 494]; default 16 frames (Mozilla's streaming chunk).
#include "traces/zoo/models.h"
#include "traces/zoo/zoo_common.h"

namespace dnntune::zoo {

namespace {
constexpr int64_t kMfcc = 26;    // Mozilla DeepSpeech n_input
constexpr int64_t kContext = 9;  // frames of context on each side (n_context)
constexpr int64_t kInput = kMfcc * (2 * kContext + 1);  // 494
constexpr int64_t kWidth = 1600;                        // implied by Table 1 (see above)
constexpr int64_t kSymbols = 29;        // 26 letters + space + apostrophe + CTC blank
constexpr float kReluClip = 20.0f;      // Hannun et al. Eq. 1: min(max(0, z), 20)
constexpr int64_t kDefaultFrames = 16;  // Mozilla's n_steps for streaming inference

std::string clipped_relu(OnnxBuilder& b, const std::string& name, const std::string& x) {
  return b.op("Clip", name,
              {x, b.add_float_constant(name + ".min", {}, {0.0f}),
               b.add_float_constant(name + ".max", {}, {kReluClip})});
}
}  // namespace

onnx::ModelProto build_deepspeech(const ZooOptions& options) {
  using namespace detail;
  const std::string model = "deepspeech";
  const int64_t batch = checked_batch(model, options);
  const int64_t frames = sequence_length(model, options, kDefaultFrames);
  OnnxBuilder b = make_builder(model, options);
  std::string x = b.add_input("features", {batch, frames, kInput});
  x = clipped_relu(b, "layer_1.relu", b.linear("layer_1", x, kInput, kWidth));
  x = clipped_relu(b, "layer_2.relu", b.linear("layer_2", x, kWidth, kWidth));
  x = clipped_relu(b, "layer_3.relu", b.linear("layer_3", x, kWidth, kWidth));
  x = b.transpose("to_time_major", x, {1, 0, 2});  // [frames, batch, n]
  const LstmOutputs lstm = b.lstm("lstm", x, kWidth, kWidth);
  x = b.squeeze("lstm.squeeze", lstm.y, {1});
  x = b.transpose("to_batch_major", x, {1, 0, 2});
  x = clipped_relu(b, "layer_5.relu", b.linear("layer_5", x, kWidth, kWidth));
  x = b.linear("layer_6", x, kWidth, kSymbols);
  b.add_output(b.softmax("softmax", x, -1));  // [batch, frames, 29]
  return finish_checked(b, model, "DeepSpeech (Hannun et al. 2014), Mozilla LSTM topology");
}

}  // namespace dnntune::zoo
