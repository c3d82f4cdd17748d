#include "experiments/cli/command_registry.h"

int main(int argc, char** argv) {
  return dnntune::cli::run_cli(argc, argv);
}
