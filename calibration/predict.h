#pragma once
// Prediction of a model's layer-wise latency from a device profile, and validation against the
// same model measured on the engine (dnntune predict / dnntune validate).
#include <string>
#include <vector>

#include "calibration/engines/engine.h"
#include "calibration/engines/measure.h"
#include "calibration/profile/device_profile.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::calib {

// Layers measured below this are left out of the per-layer MAPE: at that size getPerfProfile's
// tick resolution and scheduling jitter are of the order of the time itself (they still count in
// the end-to-end totals).
inline constexpr double kLayerMapeFloorMs = 0.05;

struct LayerPrediction {
  int index = 0;
  std::string name, kind;
  double latency_ms = 0;
  bool feasible = true;
  std::string reason;
};

struct ModelPrediction {
  std::string model, device;
  std::vector<LayerPrediction> layers;
  double total_ms = 0;         // sum of feasible layers + the per-run overhead
  double run_overhead_ms = 0;  // the profile's per-run overhead for this model's inputs
};

// The load options that make the layer graph match the profile's engine (its fusion rules).
LoadOptions profile_load_options(const DeviceProfile& profile, LoadOptions base = {});

// Per layer: a channel Concat (axis 1, batch 1), not a model output, whose every input comes from
// a layer that feeds nothing else, itself not such a Concat. OpenCV 4.6 then lets the producers
// write into the concat's output and skips the copy (dnn's "concat optimization"); a profile whose
// concat probe found that (fused_cost "Conv+Concat") predicts such a Concat at that share of its
// time alone. SqueezeNet's fire modules and GoogLeNet's and Inception's blocks qualify; DenseNet's
// concats, whose inputs feed later blocks too, do not.
std::vector<bool> concats_in_place(const LayerGraph& graph);

ModelPrediction predict_model(const LayerGraph& graph, const DeviceProfile& profile);

// Each layer's measured time inside the model: the sum of its ONNX nodes' medians.
std::vector<double> layer_times_ms(const LayerGraph& graph, const Measurement& m);

struct ValidationRow {
  std::string model;
  bool ran = false;
  std::string error;  // why the engine could not run it
  double measured_ms = 0, predicted_ms = 0, error_pct = 0;
  double wall_ms = 0;    // uncorrected wall clock (measured_ms is contention-corrected)
  double cpu_share = 1;  // the correction factor: 1 on an idle machine
  // Reference kernel now / at calibration when this model was measured (1 = same speed; 0 unknown).
  double reference_ratio = 0;
  // error_pct with the prediction scaled by reference_ratio (the machine's speed now relative to
  // calibration); equals error_pct when the ratio is unknown.
  double speed_adjusted_error_pct = 0;
  double layer_mape_pct = 0;  // over layers_compared layers; none (0): not defined, printed "-"
  int layers_compared = 0;    // matched layers measured >= kLayerMapeFloorMs
  struct LayerPair {
    std::string name, kind;
    double measured_ms = 0, predicted_ms = 0;
  };
  std::vector<LayerPair> layers;  // every layer, in graph order
};

struct ValidationSummary {
  std::vector<ValidationRow> rows;
  double within_10pct = 0, within_20pct = 0;                    // fractions of the models that ran
  double adjusted_within_10pct = 0, adjusted_within_20pct = 0;  // on speed_adjusted_error_pct
};

// Loads `model` with the profile's fusion rules, runs it on `engine`, matches layers by their
// ONNX nodes, and compares. Engine rejections become a row with `error`, never an exception.
ValidationRow validate_model(const std::string& model, const DeviceProfile& profile, Engine& engine,
                             const MeasureOptions& measure_options);

// All models, measured in `rounds` interleaved rounds (model 1, 2, ..., then again): per model the
// round with the lowest median is kept, since contention on a shared machine only adds time.
// With a profile that knows its reference kernel time, each measurement waits (up to
// `max_wait_s` per model and round) until the reference kernel runs within kReferenceTolerance of
// its calibrated speed: the machine is measured in the state it was calibrated in.
std::vector<ValidationRow> validate_models(const std::vector<std::string>& models,
                                           const DeviceProfile& profile, Engine& engine,
                                           const MeasureOptions& measure_options, int rounds,
                                           double max_wait_s = 3);

ValidationSummary summarize(std::vector<ValidationRow> rows);

// The share (0..1) of errors within +-bound_pct; 0 for none. validate's and crossval's summaries.
double share_within(const std::vector<double>& errors_pct, double bound_pct);

}  // namespace dnntune::calib
