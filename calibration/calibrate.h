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
  std::string phase;  // "cache ladder", "fusion", "priors+spread", "second round", "models",
                      // "refine", "slow-state retry"
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
  // Budget plan: each phase ends at its share of the budget or when its work is done, and the
  // next begins then. Fusion probes, then the priors' layers and the spread until
  // `priors_spread_end`; every prior model run whole once (a fresh instance each) until
  // `models_end`; every kernel measured again (the lower median kept) until `second_round_end`;
  // every prior model whole again on another fresh instance (the faster run kept) until
  // `models_again_end`; the fusion probes again; kernels the state probe saw only in a slow
  // machine state re-measured; refinement (neighbours of badly predicted kernels) in the rest.
  // Why the whole-model pass has its own share, before the second round: on a Xeon VM that runs
  // OpenCV 2.8x slower than the EPYC the plan was first tuned on, the second round took the
  // budget up to the models' turn and 4 of 13 models ran whole; the context factors learned from
  // them left mobilenet_v3_small 12 % slow (calibration/README.md, run BA).
  // Why a second pass: in two 2-thread calibrations of five (runs I and P) a single pass ran
  // 10-62 % slower than validate measured the same models minutes later while the state probe
  // read 1.06-1.09, and the context factors learned from it came out at 1.2-1.7.
  double priors_spread_end = 0.5;
  double models_end = 0.65;
  double second_round_end = 0.8;
  double models_again_end = 0.9;
  double refine_error = 0.10;  // refine around kernels predicted worse than this (nn-Meter)
  // Refinement stays near the prior or spread kernel each neighbour descends from: at most this
  // many refinements per such root, each within this size ratio of it (sampler.h).
  int refine_per_root = 12;
  double refine_max_ratio = 2.0;
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
