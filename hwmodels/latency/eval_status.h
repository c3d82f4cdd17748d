#pragma once
// Infeasible is a result with a reason, not an exception (cf. Timeloop's EvalStatus).
#include <string>

namespace dnntune::hw {

struct EvalStatus {
  bool feasible = true;
  std::string reason;  // empty when feasible; e.g. "weights 528 MB exceed npu memory 512 MB"

  static EvalStatus ok() { return {}; }
  static EvalStatus infeasible(std::string why) { return {false, std::move(why)}; }
};

}  // namespace dnntune::hw
