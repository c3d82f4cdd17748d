#include "experiments/cli/commands.h"
#include "experiments/cli/command_registry.h"

namespace dnntune::cli {

const std::vector<CommandDef>& commands() {
  static const std::vector<CommandDef> defs = {
      inspect_command(),  devices_command(), zoo_command(),      calibrate_command(), fit_command(),
      crossval_command(), predict_command(), validate_command(), rank_command(),
  };
  return defs;
}

}  // namespace dnntune::cli
