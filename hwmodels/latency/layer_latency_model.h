#pragma once
// Contract: a LayerLatencyModel predicts, for one processor, the time and power of one layer of a
// LayerGraph executed alone (no overlap with neighbours). latency_ms >= 0 and power_W >= 0 for a
// feasible estimate; an operator the processor cannot run or a layer that cannot fit gives
// status.feasible == false with a reason, never an exception. Implementations: the roofline model
// of an uncalibrated catalog device (roofline_model.h) and a calibrated device profile
// (calibration/).
#include <memory>
#include <string>

#include "hwmodels/latency/eval_status.h"
#include "traces/graph/layer_graph.h"

namespace dnntune::hw {

// What a layer's cost may depend on beyond the layer: the model it runs in.
struct ModelContext {
  // Weights of every layer of the model on this processor, and every layer's output (written
  // once per inference): what an inference touches between two runs of the same layer. When that
  // exceeds the processor's cache, each inference reads the layers' weights from memory again.
  double weight_bytes = 0;
  double activation_bytes = 0;
  // False: the layer runs alone (a calibration kernel), true: among the model's other layers.
  bool in_model = true;

  // The context of every layer of a model with these totals, run whole.
  static ModelContext of_model(const GraphTotals& totals) {
    ModelContext c;
    c.weight_bytes = static_cast<double>(totals.weight_bytes);
    c.activation_bytes = static_cast<double>(totals.activation_bytes);
    return c;
  }
};

struct LayerEstimate {
  double latency_ms = 0;
  double power_W = 0;  // average power drawn by the processor while running this layer
  EvalStatus status;
};

class LayerLatencyModel {
 public:
  virtual ~LayerLatencyModel() = default;
  virtual LayerEstimate estimate(const Layer& layer) const = 0;
  // The layer inside a model (context); by default the same as alone.
  virtual LayerEstimate estimate(const Layer& layer, const ModelContext& context) const {
    (void)context;
    return estimate(layer);
  }
  // One line for outputs and provenance, e.g. "roofline(oneplus5t/cpu)" or
  // "profile(host-opencv-1t)".
  virtual std::string describe() const = 0;
};

}  // namespace dnntune::hw
