#pragma once
// The prior models run whole during calibration (in_model trace records): each layer's time inside
// the model against its kernel alone is what `dnntune fit`'s context factors learn from. Each pass
// measures a fresh instance of every model; a later pass keeps the faster run (validate, too, keeps
// the lowest median of fresh instances), and a pass with `all` false re-measures only the models
// not yet seen in the fast state (state probe <= kFastStateRatio) (run whenever the machine is in
// its fast state). The engine holds one model at a time (each is loaded for its measurement and
// released after it): the 13 default priors held together took 3.5 GB.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "calibration/engines/engine.h"
#include "calibration/engines/measure.h"
#include "calibration/trace.h"
#include "traces/graph/fusion_rules.h"
#include "traces/graph/layer_graph.h"

namespace dnntune::calib {

class WholeModelRuns {
 public:
  // `state`: the state probe's ratio now (StateProbe::ratio), 0 when unknown.
  WholeModelRuns(Engine& engine, MeasureOptions options, std::function<double()> state);

  // Loads every model's layer graph, grouped by `rules`. A model the loader or the engine rejects
  // is skipped (its layers are still kernels; validate reports the rejection).
  void load(const std::vector<std::string>& models, const FusionRules& rules);
  // Measures every model not yet seen in the fast state (all of them with `all`) while `more()`.
  // A run in the fast state replaces one in the slow state; then the lower median wins.
  void measure(bool all, const std::function<bool()>& more);
  bool pending() const;  // some model not yet measured in the fast state
  std::vector<InModelRecord> records() const;

 private:
  struct Run {
    InModelRecord record;
    std::string model;
    onnx::ModelProto proto;  // read once, loaded afresh for every measurement
    LayerGraph graph;
    Measurement best;
    bool measured = false;
    bool rejected = false;  // the engine cannot run it
  };
  Engine& engine_;
  MeasureOptions options_;
  std::function<double()> state_;
  std::vector<Run> runs_;
};

}  // namespace dnntune::calib
