#pragma once
// Strict reading of catalog YAML: every map is checked against its allowed keys, every value
// against its type, and each error names the file, the key path and the line.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace dnntune::hw::yaml {

// Contract: all functions throw InputError(file, "<where>: ...") with a 1-based line number
// and, for unknown keys, the list of allowed keys. `where` is a key path like "processors[1]".
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  // Parses `text`; a syntax error becomes InputError(file, "line N: ...").
  YAML::Node load(const std::string& text) const;

  void require_map(const YAML::Node& node, const std::string& where) const;
  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                  const std::string& where) const;

  std::string text(const YAML::Node& map, const std::string& key, const std::string& where,
                   bool required) const;
  // Non-negative number; absent and not required -> `fallback`.
  double number(const YAML::Node& map, const std::string& key, const std::string& where,
                bool required, double fallback = 0) const;
  std::vector<std::string> text_list(const YAML::Node& map, const std::string& key,
                                     const std::string& where) const;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& where,
                         const std::string& message) const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

}  // namespace dnntune::hw::yaml
