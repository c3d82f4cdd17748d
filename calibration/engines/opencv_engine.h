#pragma once
// OpenCV DNN (Debian's libopencv-dnn 4.6) as a dnntune engine. Per-layer times come from
// cv::dnn::Net::getPerfProfile; OpenCV's layers are mapped back to ONNX node names (the importer
// names a layer after its node's first output; layers it fuses away report zero).
#include "calibration/engines/engine.h"

namespace dnntune::calib {

class OpenCvEngine : public Engine {
 public:
  explicit OpenCvEngine(int threads);
  std::string name() const override { return "opencv"; }
  std::string version() const override;
  int threads() const override { return threads_; }
  // Fills stripped weights, rewrites Clip inputs to attributes, then imports. Throws
  // InputError(source, "OpenCV DNN 4.6 rejects node '...' (...)") when the importer fails.
  std::unique_ptr<LoadedModel> load(const onnx::ModelProto& model,
                                    const std::string& source) override;

 private:
  int threads_;
};

}  // namespace dnntune::calib
