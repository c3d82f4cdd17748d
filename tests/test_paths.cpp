#include "tests/test_paths.h"

#include <filesystem>

namespace dnntune::test {

std::string source_dir() {
  return DNNTUNE_SOURCE_DIR;
}

std::string shared_dir() {
  const auto p = std::filesystem::path(DNNTUNE_SOURCE_DIR).parent_path() / "shared";
  return std::filesystem::is_directory(p / "models") ? p.string() : std::string();
}

std::string test_data(const std::string& relative) {
  return (std::filesystem::path(DNNTUNE_SOURCE_DIR) / "tests" / "data" / relative).string();
}

}  // namespace dnntune::test
