#include "calibration/reference.h"

#include "calibration/engines/measure.h"

namespace dnntune::calib {

KernelSpec reference_kernel_spec() {
  KernelSpec s;
  s.op = "Conv";
  s.input = {1, 64, 56, 56};
  s.out_channels = 64;
  s.kernel_h = s.kernel_w = 3;
  s.pad_h = s.pad_w = 1;
  s.activation = "Relu";
  s.origin = "reference";
  return s;
}

double measure_reference_ms(Engine& engine) {
  static thread_local std::unique_ptr<LoadedModel> model;
  static thread_local Engine* loaded_by = nullptr;
  if (!model || loaded_by != &engine) {
    model = engine.load(build_kernel(reference_kernel_spec()), "reference kernel");
    loaded_by = &engine;
  }
  MeasureOptions o;
  o.threads = engine.threads();
  o.min_repeats = 5;
  o.max_repeats = 9;
  return measure(*model, o).layers_median_ms;
}

}  // namespace dnntune::calib
