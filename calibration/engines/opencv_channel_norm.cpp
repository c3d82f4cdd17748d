#include "calibration/engines/opencv_channel_norm.h"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/layer.details.hpp>

namespace dnntune::calib {
namespace {

const char* const kProbeType = "DnntuneChannelStats";

// Records per-channel mean and standard deviation of its input and outputs the input normalised
// with them (channel_scale, and the mean removed when `centre`), so later layers see what the
// folded model will compute. A channel count other than `channels` passes the input through.
class ChannelStatsLayer : public cv::dnn::Layer {
 public:
  explicit ChannelStatsLayer(const cv::dnn::LayerParams& params) {
    setParamsFrom(params);
    axis_ = params.get<int>("axis", 1);
    channels_ = params.get<int>("channels", 0);
    centre_ = params.get<int>("centre", 1) != 0;
  }
  static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams& params) {
    return cv::makePtr<ChannelStatsLayer>(params);
  }

  bool getMemoryShapes(const std::vector<cv::dnn::MatShape>& inputs, const int /*required*/,
                       std::vector<cv::dnn::MatShape>& outputs,
                       std::vector<cv::dnn::MatShape>& /*internals*/) const override {
    outputs.assign(1, inputs.at(0));
    return false;
  }

  void forward(cv::InputArrayOfArrays inputs_arr, cv::OutputArrayOfArrays outputs_arr,
               cv::OutputArrayOfArrays /*internals*/) override {
    std::vector<cv::Mat> inputs, outputs;
    inputs_arr.getMatVector(inputs);
    outputs_arr.getMatVector(outputs);
    const cv::Mat& in = inputs.at(0);
    cv::Mat& out = outputs.at(0);
    const int axis = axis_ < 0 ? axis_ + in.dims : axis_;
    if (in.type() != CV_32F || axis < 0 || axis >= in.dims || in.size[axis] != channels_) {
      in.copyTo(out);
      return;
    }
    size_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= static_cast<size_t>(in.size[d]);
    for (int d = axis + 1; d < in.dims; ++d) inner *= static_cast<size_t>(in.size[d]);
    const auto channels = static_cast<size_t>(channels_);
    const float* x = in.ptr<float>();
    float* y = out.ptr<float>();
    std::vector<double> sum(channels, 0.0), sum_sq(channels, 0.0);
    for (size_t o = 0; o < outer; ++o)
      for (size_t c = 0; c < channels; ++c) {
        const float* row = x + (o * channels + c) * inner;
        for (size_t i = 0; i < inner; ++i) sum[c] += row[i], sum_sq[c] += double(row[i]) * row[i];
      }
    // Channels of fewer than kMinPerChannel values (a squeeze-excitation 1x1 convolution, a Gemm
    // on one sample) share the statistics of the whole layer: a channel's own mean would be its
    // only value, which centring would turn into zero.
    constexpr size_t kMinPerChannel = 16;
    if (outer * inner < kMinPerChannel) {
      double all = 0, all_sq = 0;
      for (size_t c = 0; c < channels; ++c) all += sum[c], all_sq += sum_sq[c];
      std::fill(sum.begin(), sum.end(), all / static_cast<double>(channels));
      std::fill(sum_sq.begin(), sum_sq.end(), all_sq / static_cast<double>(channels));
    }
    const double n = static_cast<double>(outer * inner);
    stats_.mean.assign(channels, 0.0);
    stats_.stddev.assign(channels, 0.0);
    for (size_t c = 0; c < channels; ++c) {
      stats_.mean[c] = sum[c] / n;
      stats_.stddev[c] = std::sqrt(std::max(0.0, sum_sq[c] / n - stats_.mean[c] * stats_.mean[c]));
    }
    for (size_t o = 0; o < outer; ++o)
      for (size_t c = 0; c < channels; ++c) {
        const double shift = centre_ ? stats_.mean[c] : 0.0;
        const double scale = channel_scale(stats_.stddev[c]);
        const size_t base = (o * channels + c) * inner;
        for (size_t i = 0; i < inner; ++i)
          y[base + i] = static_cast<float>((x[base + i] - shift) * scale);
      }
  }

  const ChannelStatistics& statistics() const { return stats_; }

 private:
  int axis_ = 1;
  int channels_ = 0;
  bool centre_ = true;
  ChannelStatistics stats_;
};

void register_probe_layer() {
  static const bool registered = [] {
    cv::dnn::LayerFactory::registerLayer(kProbeType, ChannelStatsLayer::create);
    return true;
  }();
  (void)registered;
}

void add_int_attribute(onnx::NodeProto& node, const std::string& name, int64_t value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

std::string probe_name(size_t index) {
  return "dnntune_probe_" + std::to_string(index);
}

// `model` with a statistics node after each of `layers`: the layer writes "<output>/raw" and the
// probe turns it into the original output tensor.
onnx::ModelProto probed_copy(const onnx::ModelProto& model,
                             const std::vector<ChannelLayer>& layers) {
  onnx::ModelProto probed = model;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
  size_t next = 0;
  for (int i = 0; i < model.graph().node_size(); ++i) {
    onnx::NodeProto& node = *nodes.Add() = model.graph().node(i);
    if (next >= layers.size() || layers[next].node != i) continue;
    const ChannelLayer& layer = layers[next];
    node.set_output(0, layer.output + "/raw");
    onnx::NodeProto& probe = *nodes.Add();
    probe.set_op_type(kProbeType);
    probe.set_name(probe_name(next));
    probe.add_input(layer.output + "/raw");
    probe.add_output(layer.output);
    add_int_attribute(probe, "axis", layer.axis);
    add_int_attribute(probe, "channels", layer.channels);
    add_int_attribute(probe, "centre", layer.centre ? 1 : 0);
    ++next;
  }
  probed.mutable_graph()->mutable_node()->Swap(&nodes);
  return probed;
}

}  // namespace

std::vector<ChannelStatistics> measure_channel_statistics(const onnx::ModelProto& model,
                                                          const std::vector<ChannelLayer>& layers,
                                                          const InputBlobs& inputs) {
  register_probe_layer();
  std::string bytes;
  probed_copy(model, layers).SerializeToString(&bytes);
  cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  net.enableFusion(false);  // the probes must see each layer's own output
  for (const auto& [name, blob] : inputs) net.setInput(blob, name);
  std::vector<cv::Mat> outs;
  net.forward(outs, net.getUnconnectedOutLayersNames());
  std::vector<ChannelStatistics> stats(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    // OpenCV 4.6 names a layer "onnx_node!<node name>"; older versions use the node name.
    int id = net.getLayerId("onnx_node!" + probe_name(i));
    if (id < 0) id = net.getLayerId(probe_name(i));
    if (id < 0) continue;
    const auto probe = net.getLayer(id).dynamicCast<ChannelStatsLayer>();
    if (!probe.empty()) stats[i] = probe->statistics();
  }
  return stats;
}

}  // namespace dnntune::calib
