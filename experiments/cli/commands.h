#pragma once
// One declaration per subcommand; each is defined in its own cmd_<name>.cpp.
#include "experiments/cli/command_registry.h"

namespace dnntune::cli {

CommandDef inspect_command();  // cmd_inspect.cpp
CommandDef devices_command();  // cmd_devices.cpp

}  // namespace dnntune::cli
