// OnnxBuilder: graphs it builds pass the ONNX checker, shapes are inferred, weights follow the
// fill mode (no payload / deterministic random), and misuse is caught.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>

#include <onnx/checker.h>

#include "traces/onnx/onnx_builder.h"

namespace dnntune {
namespace {

std::vector<int64_t> output_shape(const onnx::ModelProto& m, int index = 0) {
  std::vector<int64_t> dims;
  for (const auto& d : m.graph().output(index).type().tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  return dims;
}

const onnx::TensorProto* find_initializer(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& t : m.graph().initializer())
    if (t.name() == name) return &t;
  return nullptr;
}

onnx::ModelProto small_cnn(WeightFill fill, uint64_t seed = kDefaultWeightSeed) {
  OnnxBuilder b("small_cnn", fill, seed);
  std::string x = b.add_input("input", {2, 3, 32, 32});
  x = b.conv("conv1", x, 3, 8, ConvSpec::square(3, 2));  // 32 -> 16 (pad 1)
  x = b.batch_norm("bn1", x, 8);
  x = b.relu6("act1", x);
  x = b.max_pool("pool1", x, {2, 2, 0, false, false});  // 16 -> 8
  x = b.global_average_pool("gap", x);
  x = b.flatten("flat", x);
  x = b.gemm("fc", x, 8, 10);
  b.add_output(x);
  return b.finish();
}

TEST(OnnxBuilder, SmallCnnPassesCheckerAndInfersOutputShape) {
  const onnx::ModelProto m = small_cnn(WeightFill::kRandom);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  EXPECT_EQ(m.opset_import(0).version(), 13);
  EXPECT_EQ(output_shape(m), (std::vector<int64_t>{2, 10}));
}

TEST(OnnxBuilder, ParameterCountFollowsPyTorchLayouts) {
  // conv 8*3*3*3 = 216 (no bias); bn 4*8 = 32; fc 10*8 + 10 = 90; Clip bounds 2 scalars.
  EXPECT_EQ(count_parameters(small_cnn(WeightFill::kNone)), 216 + 32 + 90 + 2);
}

TEST(OnnxBuilder, NoneFillKeepsDimsWithoutPayload) {
  const onnx::ModelProto m = small_cnn(WeightFill::kNone);
  const auto* w = find_initializer(m, "conv1.weight");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->data_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(std::vector<int64_t>(w->dims().begin(), w->dims().end()),
            (std::vector<int64_t>{8, 3, 3, 3}));
  EXPECT_TRUE(w->raw_data().empty());
  EXPECT_EQ(w->float_data_size(), 0);
  // Clip bounds are constants, which always carry their values.
  const auto* mx = find_initializer(m, "act1.max");
  ASSERT_NE(mx, nullptr);
  ASSERT_EQ(mx->float_data_size(), 1);
  EXPECT_EQ(mx->float_data(0), 6.0f);
}

TEST(OnnxBuilder, RandomFillIsDeterministicAndBounded) {
  const auto a = small_cnn(WeightFill::kRandom);
  const auto b = small_cnn(WeightFill::kRandom);
  const auto c = small_cnn(WeightFill::kRandom, 7);
  const auto* wa = find_initializer(a, "conv1.weight");
  const auto* wb = find_initializer(b, "conv1.weight");
  const auto* wc = find_initializer(c, "conv1.weight");
  ASSERT_EQ(wa->raw_data().size(), 216 * sizeof(float));
  EXPECT_EQ(wa->raw_data(), wb->raw_data());
  EXPECT_NE(wa->raw_data(), wc->raw_data());  // another seed, other values
  // Bound 1/sqrt(fan_in) = 1/sqrt(27) (PyTorch's default init range).
  const float bound = 1.0f / std::sqrt(27.0f);
  for (size_t i = 0; i < 216; ++i) {
    float v;
    std::memcpy(&v, wa->raw_data().data() + i * sizeof(float), sizeof(float));
    EXPECT_LE(std::abs(v), bound);
  }
  // BatchNorm variance stays positive.
  const auto* var = find_initializer(a, "bn1.var");
  for (size_t i = 0; i < 8; ++i) {
    float v;
    std::memcpy(&v, var->raw_data().data() + i * sizeof(float), sizeof(float));
    EXPECT_GE(v, 0.5f);
  }
}

TEST(OnnxBuilder, SequenceOpsInferShapes) {
  // Embedding -> LSTM -> attention-style MatMul/Softmax -> layer norm -> Linear.
  OnnxBuilder b("seq", WeightFill::kRandom);
  const std::string ids = b.add_input("ids", {5, 2}, onnx::TensorProto::INT64);  // [seq, batch]
  const std::string emb = b.embedding("emb", ids, 100, 16);                      // [5,2,16]
  const LstmOutputs l = b.lstm("lstm", emb, 16, 32, /*bidirectional=*/true);     // [5,2,2,32]
  const std::string y = b.reshape("flat", l.y, {5, 2, 64});
  const std::string yt = b.transpose("yt", y, {1, 0, 2});  // [2,5,64]
  const std::string kt = b.transpose("kt", y, {1, 2, 0});  // [2,64,5]
  const std::string scores = b.softmax("attn", b.scale("sc", b.matmul("qk", yt, kt), 0.125f));
  const std::string ctx = b.matmul("ctx", scores, yt);  // [2,5,64]
  const std::string ln = b.layer_norm("ln", ctx, 64);
  const auto halves = b.split("halves", ln, 2, {32, 32});
  const std::string cat = b.concat("cat", {halves[1], halves[0]}, 2);
  const std::string out = b.linear("proj", cat, 64, 10);  // [2,5,10]
  b.add_output(out);
  const onnx::ModelProto m = b.finish();
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  EXPECT_EQ(output_shape(m), (std::vector<int64_t>{2, 5, 10}));
  // LSTM: W 2*128*16 + R 2*128*32 + B 2*256; emb 1600; ln 128; proj 640+10.
  EXPECT_EQ(count_parameters(m), 4096 + 8192 + 512 + 1600 + 128 + 650 + 2);  // + eps, factor
}

TEST(OnnxBuilder, ResizeAndConcatInferShapes) {
  OnnxBuilder b("up", WeightFill::kRandom);
  const std::string x = b.add_input("x", {1, 4, 7, 7});
  const std::string up = b.resize("up", x, {1, 4, 28, 28});
  const std::string y = b.conv("c", up, 4, 6, ConvSpec::square(3, 1, -1, true));
  b.add_output(b.concat("cat", {y, up}, 1));
  const onnx::ModelProto m = b.finish();
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  EXPECT_EQ(output_shape(m), (std::vector<int64_t>{1, 10, 28, 28}));
}

TEST(OnnxBuilder, ResizeToHitsExactSizesWhateverTheBatch) {
  // 33 -> 513 is DeepLab's upsampling: 513/33 is not exact in float; (513 + 0.5)/33 floors to 513.
  for (int64_t batch : {1, 3}) {
    OnnxBuilder b("up");
    const std::string x = b.add_input("x", {batch, 21, 33, 33});
    b.add_output(b.resize_to("up", x, 33, 33, 513, 513));
    EXPECT_EQ(output_shape(b.finish()), (std::vector<int64_t>{batch, 21, 513, 513}));
  }
}

TEST(OnnxBuilder, DuplicateNamesAreRejected) {
  OnnxBuilder b("dup");
  const std::string x = b.add_input("x", {1, 3, 8, 8});
  b.relu("r", x);
  EXPECT_THROW(b.relu("r", x), std::logic_error);
  EXPECT_THROW(b.add_input("x", {1}), std::logic_error);
  EXPECT_THROW(b.add_int64_constant("k", {3}, {1, 2}), std::logic_error);  // 3 dims, 2 values
}

TEST(OnnxBuilder, UniqueNamesDoNotCollide) {
  OnnxBuilder b("names");
  const std::string x = b.add_input("Relu_0", {1, 4});
  const std::string y = b.op("Relu", b.unique_name("Relu"), {x});
  EXPECT_NE(y, "Relu_0");
}

}  // namespace
}  // namespace dnntune
