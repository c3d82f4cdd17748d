#pragma once
// dnntune calibrate: measures fusion probes and single-layer kernels on an engine within a time
// budget and returns the trace (see trace.h for the format).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "calibration/engines/engine.h"
#include "calibration/engines/measure.h"
#include "calibration/trace.h"

namespace dnntune::calib {

struct CalibrateProgress {
  double elapsed_s = 0, budget_s = 0;
  int kernels = 0;
  std::string phase;  // "fusion", "priors+spread", "second round", "models", "refine",
                      // "slow-state retry"
};

inline constexpr double kSpreadBudgetS = 180;

struct CalibrateOptions {
  double budget_s = 180;                    // the default: 3 minutes on this 2-core machine
  std::vector<std::string> prior_models;    // ONNX files or suite names whose layers seed sampling
  std::vector<std::string> exclude_models;  // stems left out of the priors (leave-one-model-out)
  uint32_t seed = 1;
  // Space-filling kernels per kSpreadBudgetS of budget (scaled to the budget), measured after
  // the priors: per op other than Conv, and for Conv (dense, 1x1, depthwise, grouped), which takes
  // most of any image network's time; an unseen architecture's convolutions are predicted from
  // these where no prior is near (sampler.h).
  int spread_per_op = 24;
  int conv_spread = 320;
  int conv_spread_large = 24;  // large dense convolutions (sampler.h large_conv_specs)
  // Budget split: priors+spread until 1-2f, a second measurement round until 1-f/2, refinement
  // (neighbours of badly predicted kernels) in the rest.
  double refine_fraction = 0.25;
  double refine_error = 0.10;  // refine around kernels predicted worse than this (nn-Meter)
  // Refinement stays near the prior or spread kernel each neighbour descends from: at most this
  // many refinements per such root, each within this size ratio of it (sampler.h).
  int refine_per_root = 12;
  double refine_max_ratio = 2.0;
  // Before that, this share runs every prior model whole a second time, a minute or more after the
  // first pass; the faster run of each model is kept (whole_model_runs.h). Why: in two 2-thread
  // calibrations of five (runs I and P, calibration/README.md) the one pass ran 10-62 % slower
  // than validate measured the same models minutes later while the state probe read 1.06-1.09,
  // and the context factors learned from it came out at 1.2-1.7.
  double models_again_fraction = 0.12;
  // The last share of the budget re-measures kernels the state probe saw in a slow machine state.
  double state_retry_fraction = 0.1;
  MeasureOptions measure;
  std::function<void(const CalibrateProgress&)> progress;
};

struct CalibrateResult {
  Trace trace;
  std::vector<std::string> warnings;
  double elapsed_s = 0;
  int rejected = 0;  // kernels the engine or the loader refused
};

CalibrateResult calibrate(Engine& engine, const CalibrateOptions& options);

// The JSON Lines text of a trace (header, fusion probes, kernels).
std::string trace_to_text(const Trace& trace);

}  // namespace dnntune::calib
