#pragma once
// Subcommands of the `dnntune` executable. Each command declares itself once here (name, one-line
// summary, setup); `dnntune --help` is generated from these declarations.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace dnntune::cli {

struct CommandDef {
  std::string name;
  std::string summary;
  // Adds options and a callback to the subcommand. The callback throws InputError on bad input.
  std::function<void(CLI::App& sub)> setup;
};

// Function-local static registry, filled in commands.cpp.
const std::vector<CommandDef>& commands();

// Runs the CLI: parses, dispatches, maps InputError to "dnntune: error: FILE: msg" + exit code 2.
int run_cli(int argc, char** argv);

}  // namespace dnntune::cli
