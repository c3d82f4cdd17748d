// The engines dnntune can run, by name: one function-local static list that make_engine() and
// engine_names() (the CLI's --engine choices and its error message) both read, so they cannot
// drift. A new engine adds one entry here.
#include <functional>

#include "calibration/engines/engine.h"
#include "calibration/engines/opencv_engine.h"
#include "traces/common/error.h"

namespace dnntune::calib {
namespace {

struct EngineEntry {
  std::string name;
  std::function<std::unique_ptr<Engine>(const EngineOptions&)> make;
};

const std::vector<EngineEntry>& engine_registry() {
  static const std::vector<EngineEntry> entries = {
      {"opencv",
       [](const EngineOptions& o) -> std::unique_ptr<Engine> {
         return std::make_unique<OpenCvEngine>(o.threads);
       }},
  };
  return entries;
}

}  // namespace

std::unique_ptr<Engine> make_engine(const std::string& name, const EngineOptions& options) {
  for (const auto& e : engine_registry())
    if (e.name == name) return e.make(options);
  std::string known;
  for (const auto& n : engine_names()) known += (known.empty() ? "" : ", ") + n;
  throw InputError("<command line>", "unknown engine '" + name + "'; known: " + known);
}

std::vector<std::string> engine_names() {
  std::vector<std::string> names;
  for (const auto& e : engine_registry()) names.push_back(e.name);
  return names;
}

}  // namespace dnntune::calib
