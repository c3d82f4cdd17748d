#pragma once
// Leave-one-model-out on the calibration data itself (dnntune crossval). For each model, a profile
// is fitted without any kernel of that model's layers (nor the neighbours and refinements derived
// from them); it predicts every layer of the model, and each prediction is compared with the same
// layer's kernel as measured in the trace. The model never runs, so the comparison isolates the
// fit's generalisation to an unseen architecture from the machine's state when a model is run
// later (dnntune validate answers that second question end to end).
#include <string>
#include <vector>

#include "calibration/fit/fit_profile.h"

namespace dnntune::calib {

struct HoldoutRow {
  std::string model;
  std::string error;  // why the model could not be compared (not loadable, no kernel measured)
  int layers = 0;     // layers of the model with a kernel
  int matched = 0;    // of those, measured in the trace
  double kernel_ms = 0, predicted_ms = 0;  // sums over the matched layers
  double error_pct = 0;                    // (predicted - kernel) / kernel
  double layer_mape_pct = 0;               // over layers_compared layers; none: not defined
  int layers_compared = 0;                 // matched layers measured >= kLayerMapeFloorMs
  int excluded_kernels = 0;                // kernels the model's fit left out
  struct LayerPair {
    std::string name, kind;  // kind: the latency model's feature kind (Conv.dw, Gemm, ...)
    double kernel_ms = 0, predicted_ms = 0;
  };
  std::vector<LayerPair> layer_pairs;  // matched layers, in graph order
};

struct HoldoutSummary {
  std::vector<HoldoutRow> rows;
  double within_10pct = 0, within_20pct = 0;  // fractions of the compared models
};

// The keys (KernelSpec::key) of the kernels that reproduce `model`'s layers under `rules`.
// Throws InputError when the model cannot be loaded.
std::vector<std::string> model_kernel_keys(const std::string& model, const FusionRules& rules);

// Adds to options.exclude_keys the layer configurations of every model in
// options.exclude_models, each found by its stem among the traces' priors (or loaded as a file or
// suite name). Throws InputError naming a model that can be found nowhere.
void add_model_exclusions(const std::vector<std::pair<std::string, Trace>>& traces,
                          FitProfileOptions& options);

// `models`: ONNX files or suite names; each one's stem also drops the kernels derived from it.
HoldoutSummary holdout_models(const std::vector<std::pair<std::string, Trace>>& traces,
                              const std::vector<std::string>& models,
                              const FitProfileOptions& options);

}  // namespace dnntune::calib
