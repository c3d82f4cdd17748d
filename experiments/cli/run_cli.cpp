#include <exception>
#include <iostream>

#include "experiments/cli/command_registry.h"
#include "traces/common/error.h"

namespace dnntune::cli {

namespace {
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;
}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "dnntune: where should this DNN run (phone, cloud, or split) and what will it cost?"};
  app.set_version_flag("--version", std::string("dnntune ") + DNNTUNE_VERSION);
  app.require_subcommand(1);
  for (const CommandDef& def : commands()) def.setup(*app.add_subcommand(def.name, def.summary));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "dnntune: error: <command line>: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const InputError& e) {
    std::cerr << "dnntune: error: " << e.file() << ": " << e.message() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "dnntune: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return 0;
}

}  // namespace dnntune::cli
