// Channel normalisation of filled models (LSUV): which layers it touches, the folding formula,
// and, measured with OpenCV, that every folded layer's output channels come out with mean 0 and
// standard deviation 1 on the fixed input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <opencv2/dnn.hpp>

#include "calibration/engines/model_prep.h"
#include "calibration/engines/opencv_channel_norm.h"
#include "traces/onnx/onnx_builder.h"

namespace dnntune::calib {
namespace {

std::vector<float> floats(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& t : m.graph().initializer())
    if (t.name() == name) {
      std::vector<float> v(t.raw_data().size() / sizeof(float));
      std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
      return v;
    }
  ADD_FAILURE() << "no initializer " << name;
  return {};
}

// x[1,3,16,16] -> conv a (bias) -> relu -> conv b (no bias) -> global pool -> flatten -> gemm.
onnx::ModelProto three_layer_model() {
  OnnxBuilder b("three", WeightFill::kNone);
  std::string y = b.add_input("x", {1, 3, 16, 16});
  y = b.relu("ra", b.conv("a", y, 3, 8, ConvSpec::square(3, 1, -1, /*bias=*/true)));
  y = b.conv("b", y, 8, 4, ConvSpec::square(1));
  y = b.flatten("flat", b.global_average_pool("gap", y));
  b.add_output(b.gemm("fc", y, 4, 5));
  return b.finish();
}

TEST(ChannelNorm, FindsFilledConvAndGemmLayers) {
  onnx::ModelProto m = three_layer_model();
  EXPECT_TRUE(channel_layers(m, {}).empty());  // nothing filled: real weights are never touched
  const auto filled = fill_stripped_weights(m);
  EXPECT_EQ(filled.count("a.weight"), 1u);
  const auto layers = channel_layers(m, filled);
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(m.graph().node(layers[0].node).name(), "a");
  EXPECT_EQ(layers[0].channels, 8);
  EXPECT_TRUE(layers[0].centre);
  EXPECT_EQ(layers[1].channels, 4);
  EXPECT_FALSE(layers[1].centre);    // no bias to absorb the mean
  EXPECT_EQ(layers[2].channels, 5);  // Gemm with transB: W is [out, in]
  EXPECT_TRUE(layers[2].centre);
}

TEST(ChannelNorm, FoldScalesRowsAndCentresBias) {
  onnx::ModelProto m = three_layer_model();
  const auto filled = fill_stripped_weights(m);
  const auto layers = channel_layers(m, filled);
  const std::vector<float> w0 = floats(m, "a.weight"), b0 = floats(m, "a.bias");
  std::vector<double> mean(8), stddev(8);
  for (int c = 0; c < 8; ++c) mean[c] = 0.1 * c, stddev[c] = 0.5 + c;
  stddev[7] = 0;  // a constant channel keeps scale 1
  fold_channel_statistics(m, layers[0], mean, stddev);
  const std::vector<float> w1 = floats(m, "a.weight"), b1 = floats(m, "a.bias");
  const size_t per_channel = 3 * 3 * 3;
  for (size_t i = 0; i < w1.size(); ++i) {
    const size_t c = i / per_channel;
    const double s = c == 7 ? 1.0 : 1.0 / stddev[c];  // w' = w / std_c
    EXPECT_NEAR(w1[i], w0[i] * s, 1e-6) << i;
  }
  for (size_t c = 0; c < 8; ++c) {
    const double s = c == 7 ? 1.0 : 1.0 / stddev[c];  // b' = (b - mean_c) / std_c
    EXPECT_NEAR(b1[c], (b0[c] - mean[c]) * s, 1e-6) << c;
  }
}

// Closed form: folding the statistics measured in the probed pass makes each layer's output
// channels exactly standardised (up to float rounding) on the same input, in every layer at once,
// because each probe passes on the tensor the folded model will compute.
TEST(ChannelNorm, FoldedModelHasStandardisedChannels) {
  onnx::ModelProto m = three_layer_model();
  const auto filled = fill_stripped_weights(m);
  const auto layers = channel_layers(m, filled);
  std::vector<int> dims{1, 3, 16, 16};
  cv::Mat x(4, dims.data(), CV_32F);
  cv::RNG(7).fill(x, cv::RNG::UNIFORM, 0.0, 1.0);
  const auto stats = measure_channel_statistics(m, layers, {{"x", x}});
  ASSERT_EQ(stats.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(stats[i].stddev.size(), static_cast<size_t>(layers[i].channels)) << i;
    fold_channel_statistics(m, layers[i], stats[i].mean, stats[i].stddev);
  }
  std::string bytes;
  m.SerializeToString(&bytes);
  cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  net.enableFusion(false);
  net.setInput(x, "x");
  std::vector<cv::Mat> outs;
  net.forward(outs, std::vector<std::string>{"onnx_node!a", "onnx_node!b", "onnx_node!fc"});
  ASSERT_EQ(outs.size(), 3u);
  // Convolutions: per channel over 16x16 values. b has no bias: its std is 1, its mean stays.
  for (int layer = 0; layer < 2; ++layer) {
    const cv::Mat& o = outs[layer];
    const int channels = o.size[1], n = o.size[2] * o.size[3];
    for (int c = 0; c < channels; ++c) {
      const float* v = o.ptr<float>(0, c);
      double s = 0, s2 = 0;
      for (int k = 0; k < n; ++k) s += v[k], s2 += double(v[k]) * v[k];
      const double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
      if (layer == 0) {
        EXPECT_NEAR(mean, 0.0, 1e-4) << "a channel " << c;
      }
      EXPECT_NEAR(sd, 1.0, 1e-3) << "layer " << layer << " channel " << c;
    }
  }
  // Gemm on one sample: 5 values share one statistic, so together they are standardised.
  const cv::Mat& fc = outs[2];
  double s = 0, s2 = 0;
  for (int k = 0; k < 5; ++k)
    s += fc.at<float>(0, k), s2 += double(fc.at<float>(0, k)) * fc.at<float>(0, k);
  EXPECT_NEAR(s / 5, 0.0, 1e-4);
  EXPECT_NEAR(std::sqrt(s2 / 5 - (s / 5) * (s / 5)), 1.0, 1e-3);
}

}  // namespace
}  // namespace dnntune::calib
