#pragma once
// OpenCV DNN (Debian's libopencv-dnn 4.6) as a dnntune engine. Per-layer times come from
// cv::dnn::Net::getPerfProfile; OpenCV's layers are mapped back to ONNX node names (the importer
// names a layer after its node's first output; layers it fuses away report zero).
#include <map>
#include <set>

#include "calibration/engines/engine.h"
#include "calibration/engines/opencv_channel_norm.h"

namespace dnntune::calib {

class OpenCvEngine : public Engine {
 public:
  explicit OpenCvEngine(int threads);
  std::string name() const override { return "opencv"; }
  std::string version() const override;
  int threads() const override { return threads_; }
  // Fills stripped weights, rewrites Clip inputs to attributes, normalises the channels of a
  // model with two or more filled layers (opencv_channel_norm.h), then imports. Throws
  // InputError(source, "OpenCV DNN 4.6 rejects node '...' (...)") when the importer fails.
  std::unique_ptr<LoadedModel> load(const onnx::ModelProto& model,
                                    const std::string& source) override;

 private:
  // Folds the channel statistics of `original`'s filled layers into `model` (its filled copy),
  // measuring them on the first load of a model and reusing them on later loads (validate and
  // calibration load each model afresh for every measurement round).
  void normalise_channels(const onnx::ModelProto& original, onnx::ModelProto& model,
                          const std::set<std::string>& filled, const InputBlobs& inputs,
                          const std::string& source);

  int threads_;
  std::map<size_t, std::vector<ChannelStatistics>> statistics_;  // by hash of the original
};

}  // namespace dnntune::calib
