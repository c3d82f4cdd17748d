#pragma once
// One declaration per subcommand; each is defined in its own cmd_<name>.cpp.
#include "experiments/cli/command_registry.h"

namespace dnntune::cli {

CommandDef inspect_command();    // cmd_inspect.cpp
CommandDef devices_command();    // cmd_devices.cpp
CommandDef zoo_command();        // cmd_zoo.cpp
CommandDef calibrate_command();  // cmd_calibrate.cpp
CommandDef fit_command();        // cmd_fit.cpp
CommandDef crossval_command();   // cmd_crossval.cpp
CommandDef predict_command();    // cmd_predict.cpp
CommandDef validate_command();   // cmd_validate.cpp
CommandDef rank_command();       // cmd_rank.cpp

}  // namespace dnntune::cli
