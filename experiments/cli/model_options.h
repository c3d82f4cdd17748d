#pragma once
// The options every command that takes a MODEL shares: --input-shape NAME=DxD..., --batch N.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "traces/onnx/model_loader.h"

namespace dnntune::cli {

struct ModelOptions {
  std::vector<std::string> input_shapes;  // raw NAME=1x3x224x224
  int64_t batch = 0;

  // Adds --input-shape and --batch to `sub`.
  void add_to(CLI::App& sub);
  // Parses them into LoadOptions; throws InputError("<command line>", ...) on a malformed value.
  LoadOptions to_load_options() const;
};

}  // namespace dnntune::cli
