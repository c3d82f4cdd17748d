#pragma once
// Channel normalisation of randomly filled models, measured with OpenCV DNN itself.
//
// Why: filled weights are not trained weights. With He-uniform weights and positive biases the
// activations of mobilenet_v3_small grow to RMS 7-36, so 33-93 % of its HardSigmoid inputs
// saturate, and OpenCV 4.6's HardSigmoid runs 11x slower on saturating inputs (0.417 ms against
// 0.037 ms on 96x28x28) than on the unit-range values that trained, batch-normalised models (and
// the calibration kernels) feed it. So a model's filled layers are normalised layer by layer
// (LSUV, Mishkin & Matas, ICLR 2016), the way BatchNorm folding with gamma 1 and beta 0 would
// leave a trained model: each output channel gets mean 0 and standard deviation 1 over the fixed
// model input.
//
// How: one forward pass of a copy of the model in which a statistics layer follows every
// normalisable layer (channel_layers); it records its input's per-channel mean and standard
// deviation and passes the normalised tensor on, so every later layer is measured as it will run
// once the statistics are folded into the weights (fold_channel_statistics).
#include <string>
#include <utility>
#include <vector>

#include <onnx/onnx_pb.h>
#include <opencv2/core.hpp>

#include "calibration/engines/model_prep.h"

namespace dnntune::calib {

using InputBlobs = std::vector<std::pair<std::string, cv::Mat>>;

struct ChannelStatistics {
  std::vector<double> mean, stddev;  // per channel; empty when the layer did not run
};

// Contract: returns one entry per element of `layers` (in that order) for `model`, whose weights
// are already filled, run by OpenCV DNN on `inputs` with the threads currently set. Throws
// cv::Exception when OpenCV cannot import or run the probed copy.
std::vector<ChannelStatistics> measure_channel_statistics(const onnx::ModelProto& model,
                                                          const std::vector<ChannelLayer>& layers,
                                                          const InputBlobs& inputs);

}  // namespace dnntune::calib
