#pragma once
// The catalog YAML files, compiled into the library by hwmodels/embed_catalog.cmake.
#include <string>
#include <vector>

namespace dnntune::hw {

struct EmbeddedFile {
  const char* path;  // relative to hwmodels/catalog/, e.g. "devices/v100.yaml"
  const char* text;
};

// Every hwmodels/catalog/**/*.yaml, sorted by path. Defined in the generated
// <build>/hwmodels/embedded_catalog_data.cpp.
const std::vector<EmbeddedFile>& embedded_catalog_files();

}  // namespace dnntune::hw
