// OpenCV engine on project-built kernels: per-node times mapped to ONNX nodes, fused nodes at 0,
// rewrites, and a clear error naming the node the importer rejects.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "calibration/engines/model_prep.h"
#include "calibration/engines/opencv_engine.h"
#include "calibration/kernels/kernel_spec.h"
#include "traces/common/error.h"
#include "traces/onnx/onnx_builder.h"

namespace dnntune::calib {
namespace {

TEST(ModelPrep, FillsStrippedWeightsAndRewritesClip) {
  OnnxBuilder b("m", WeightFill::kNone);
  const std::string x = b.add_input("x", {1, 4, 8, 8});
  std::string y = b.conv("conv", x, 4, 8, ConvSpec::square(3));
  y = b.relu6("clip", y);
  b.add_output(y);
  onnx::ModelProto m = b.finish();
  bool any_stripped = false;
  for (const auto& t : m.graph().initializer()) any_stripped |= initializer_is_stripped(t);
  ASSERT_TRUE(any_stripped);
  fill_stripped_weights(m);
  for (const auto& t : m.graph().initializer()) {
    EXPECT_FALSE(initializer_is_stripped(t)) << t.name();
    if (t.name() == "conv.weight") {
      ASSERT_EQ(t.raw_data().size(), 8u * 4 * 3 * 3 * sizeof(float));
      float first;
      std::memcpy(&first, t.raw_data().data(), sizeof(float));
      EXPECT_LE(std::abs(first), std::sqrt(6.0f / 36.0f));  // He-uniform bound, fan_in = 4*3*3
    }
  }
  EXPECT_EQ(rewrite_clip_inputs_to_attributes(m), 1);
  for (const auto& n : m.graph().node())
    if (n.op_type() == "Clip") {
      EXPECT_EQ(n.input_size(), 1);
      ASSERT_EQ(n.attribute_size(), 2);
      EXPECT_EQ(n.attribute(1).f(), 6.0f);
    }
}

TEST(OpenCvEngine, PerNodeTimesWithFusedActivationAtZero) {
  OpenCvEngine engine(1);
  KernelSpec s;
  s.op = "Conv";
  s.input = {1, 16, 32, 32};
  s.out_channels = 16;
  s.kernel_h = s.kernel_w = 3;
  s.pad_h = s.pad_w = 1;
  s.activation = "Relu";
  auto model = engine.load(build_kernel(s), "kernel");
  const RunTiming t = model->run();
  EXPECT_GT(t.total_ms, 0);
  ASSERT_TRUE(t.node_ms.count("conv"));
  ASSERT_TRUE(t.node_ms.count("post_act"));
  EXPECT_GT(t.node_ms.at("conv"), 0);
  EXPECT_LT(t.node_ms.at("post_act"), 0.05 * t.node_ms.at("conv"));  // fused into the conv
}

TEST(OpenCvEngine, RejectedModelNamesTheNode) {
  OnnxBuilder b("emb", WeightFill::kNone);
  const std::string ids = b.add_input("ids", {1, 5}, onnx::TensorProto::INT64);
  b.add_output(b.embedding("lookup", ids, 100, 8));
  OpenCvEngine engine(1);
  try {
    engine.load(b.finish(), "emb.onnx");
    GTEST_SKIP() << "this OpenCV accepts a Gather on model inputs";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "emb.onnx");
    EXPECT_NE(e.message().find("rejects node"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("lookup"), std::string::npos) << e.message();
  }
}

TEST(OpenCvEngine, BadThreadCountAndUnknownEngine) {
  EXPECT_THROW(OpenCvEngine(0), InputError);
  try {
    make_engine("tflite", {1});
    FAIL() << "no error for an unknown engine";
  } catch (const InputError& e) {
    // The message lists the registry's names.
    EXPECT_NE(e.message().find("unknown engine 'tflite'; known: opencv"), std::string::npos)
        << e.message();
  }
  EXPECT_EQ(engine_names(), std::vector<std::string>{"opencv"});
  EXPECT_EQ(make_engine("opencv", {2})->threads(), 2);
}

}  // namespace
}  // namespace dnntune::calib
