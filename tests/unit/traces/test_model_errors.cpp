// Bad input: every broken model gives one InputError naming the file and what is wrong, where.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "traces/common/error.h"
#include "traces/onnx/model_loader.h"
#include "traces/onnx/onnx_builder.h"

namespace dnntune {
namespace {

namespace fs = std::filesystem;

class ModelErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dnntune_errors_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) {
    const auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  std::string write_model(const std::string& name, const onnx::ModelProto& m) {
    return write(name, m.SerializeAsString());
  }
  // The error message of loading `path`, or "" when it loads.
  static std::string error_of(const std::string& path, const LoadOptions& o = {}) {
    try {
      load_layer_graph(path, o);
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), path);
      EXPECT_EQ(std::string(e.message()).find('\n'), std::string::npos) << "one line";
      return e.message();
    }
    return "";
  }
  static onnx::ModelProto small_model() {
    OnnxBuilder b("small");
    auto x = b.add_input("x", {1, 3, 8, 8});
    b.add_output(b.relu("relu", b.conv("conv", x, 3, 4, ConvSpec::square(3, 1, 1))));
    return b.finish();
  }
  // small_model() with its conv weight stored in an external file of `file_bytes` bytes.
  std::string model_with_external_conv_weight(size_t file_bytes) {
    onnx::ModelProto m = small_model();
    auto* init = m.mutable_graph()->mutable_initializer(0);
    init->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* kv = init->add_external_data();
    kv->set_key("location");
    kv->set_value("weights.bin");
    write("weights.bin", std::string(file_bytes, '\0'));
    return write_model("external.onnx", m);
  }
  fs::path dir_;
};

TEST_F(ModelErrors, MissingPath) {
  EXPECT_NE(error_of((dir_ / "nope.onnx").string()).find("no such file"), std::string::npos);
}

TEST_F(ModelErrors, UnknownNameListsSuiteModels) {
  try {
    load_layer_graph("not_a_model_name");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("suite models"), std::string::npos);
  }
}

TEST_F(ModelErrors, NotOnnx) {
  EXPECT_NE(error_of(write("text.onnx", "hello, I am a text file\n")).find("not an ONNX model"),
            std::string::npos);
}

TEST_F(ModelErrors, EmptyFile) {
  EXPECT_NE(error_of(write("empty.onnx", "")).find("empty"), std::string::npos);
}

TEST_F(ModelErrors, TruncatedFile) {
  const std::string bytes = small_model().SerializeAsString();
  EXPECT_NE(
      error_of(write("cut.onnx", bytes.substr(0, bytes.size() / 2))).find("not an ONNX model"),
      std::string::npos);
}

TEST_F(ModelErrors, Cycle) {
  onnx::ModelProto m = small_model();
  // Make the conv read the relu's output: conv -> relu -> conv.
  auto* g = m.mutable_graph();
  for (auto& n : *g->mutable_node())
    if (n.op_type() == "Conv") *n.mutable_input(0) = "relu";
  const std::string msg = error_of(write_model("cycle.onnx", m));
  EXPECT_NE(msg.find("cycle"), std::string::npos) << msg;
}

TEST_F(ModelErrors, InputThatNothingProduces) {
  onnx::ModelProto m = small_model();
  for (auto& n : *m.mutable_graph()->mutable_node())
    if (n.op_type() == "Relu") *n.mutable_input(0) = "ghost";
  const std::string msg = error_of(write_model("ghost.onnx", m));
  EXPECT_NE(msg.find("'ghost'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("nothing produces"), std::string::npos) << msg;
}

TEST_F(ModelErrors, DynamicInputNeedsInputShapeAndSuggestsIt) {
  onnx::ModelProto m = small_model();
  auto* dim = m.mutable_graph()
                  ->mutable_input(0)
                  ->mutable_type()
                  ->mutable_tensor_type()
                  ->mutable_shape()
                  ->mutable_dim(2);
  dim->set_dim_param("height");
  const std::string path = write_model("dyn.onnx", m);
  const std::string msg = error_of(path);
  EXPECT_NE(msg.find("--input-shape"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'x'"), std::string::npos) << msg;
  LoadOptions o;
  o.input_shapes["x"] = {1, 3, 16, 16};
  EXPECT_EQ(load_layer_graph(path, o).layer(0).outputs[0].shape,
            (std::vector<int64_t>{1, 4, 16, 16}));
}

TEST_F(ModelErrors, InputShapeForAnUnknownInputNamesTheInputs) {
  LoadOptions o;
  o.input_shapes["y"] = {1, 3, 8, 8};
  const std::string msg = error_of(write_model("m.onnx", small_model()), o);
  EXPECT_NE(msg.find("'y'"), std::string::npos);
  EXPECT_NE(msg.find("inputs: x"), std::string::npos) << msg;
}

TEST_F(ModelErrors, InputShapeThatContradictsWeights) {
  LoadOptions o;
  o.input_shapes["x"] = {1, 5, 8, 8};  // conv weights expect 3 channels
  const std::string msg = error_of(write_model("m.onnx", small_model()), o);
  EXPECT_FALSE(msg.empty());
}

TEST_F(ModelErrors, NegativeDimension) {
  onnx::ModelProto m = small_model();
  m.mutable_graph()->mutable_initializer(0)->set_dims(0, -4);
  const std::string msg = error_of(write_model("neg.onnx", m));
  EXPECT_NE(msg.find("negative"), std::string::npos) << msg;
}

TEST_F(ModelErrors, ShapeProductBeyond2To40) {
  onnx::ModelProto m = small_model();
  auto* init = m.mutable_graph()->mutable_initializer(0);
  for (int i = 0; i < init->dims_size(); ++i) init->set_dims(i, 1 << 12);  // 2^48 elements
  const std::string msg = error_of(write_model("huge.onnx", m));
  EXPECT_NE(msg.find("2^40"), std::string::npos) << msg;
}

TEST_F(ModelErrors, InitializerPayloadSmallerThanDeclared) {
  onnx::ModelProto m = small_model();
  auto* init = m.mutable_graph()->mutable_initializer(0);
  init->set_raw_data(std::string(16, '\0'));  // declares 4*3*3*3 floats, holds 4
  const std::string msg = error_of(write_model("short.onnx", m));
  EXPECT_NE(msg.find(init->name()), std::string::npos) << msg;
  EXPECT_NE(msg.find("holds 16 bytes"), std::string::npos) << msg;
}

TEST_F(ModelErrors, ExternalDataBeyondItsFile) {
  const std::string msg = error_of(model_with_external_conv_weight(8));
  EXPECT_NE(msg.find("weights.bin"), std::string::npos) << msg;
}

TEST_F(ModelErrors, ExternalDataThatFitsLoads) {
  // The conv weight is [4,3,3,3] floats: 4*3*3*3*4 bytes.
  EXPECT_EQ(load_layer_graph(model_with_external_conv_weight(4 * 3 * 3 * 3 * 4)).size(), 1u);
}

TEST_F(ModelErrors, StrippedWeightsLoad) {
  // dims without payload is a weight of that shape, as in ../shared/models.
  EXPECT_EQ(load_layer_graph(write_model("stripped.onnx", small_model())).totals.params, 4 * 27);
}

}  // namespace
}  // namespace dnntune
