#include "hwmodels/catalog/yaml_fields.h"

#include <algorithm>
#include <cmath>

#include "traces/common/error.h"

namespace dnntune::hw::yaml {

namespace {
std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}
std::string line_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? "line " + std::to_string(mark.line + 1) + ": " : "";
}
}  // namespace

YAML::Node Reader::load(const std::string& text) const {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file_, "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

void Reader::fail(const YAML::Node& node, const std::string& where,
                  const std::string& message) const {
  throw InputError(file_, line_of(node) + where + ": " + message);
}

void Reader::require_map(const YAML::Node& node, const std::string& where) const {
  if (!node.IsMap()) fail(node, where, "expected a map of key: value");
}

void Reader::check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                        const std::string& where) const {
  require_map(map, where);
  for (const auto& item : map) {
    const std::string key = item.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      fail(item.first, where, "unknown key '" + key + "'; allowed: " + joined(allowed));
  }
}

std::string Reader::text(const YAML::Node& map, const std::string& key, const std::string& where,
                         bool required) const {
  const YAML::Node node = map[key];
  if (!node) {
    if (required) fail(map, where, "missing key '" + key + "'");
    return "";
  }
  if (!node.IsScalar()) fail(node, where + "." + key, "expected a string");
  return node.as<std::string>();
}

double Reader::number(const YAML::Node& map, const std::string& key, const std::string& where,
                      bool required, double fallback) const {
  const YAML::Node node = map[key];
  if (!node) {
    if (required) fail(map, where, "missing key '" + key + "'");
    return fallback;
  }
  double value = 0;
  try {
    if (!node.IsScalar()) throw YAML::BadConversion(node.Mark());
    value = node.as<double>();
  } catch (const YAML::BadConversion&) {
    fail(node, where + "." + key, "expected a number, got '" + YAML::Dump(node) + "'");
  }
  if (!std::isfinite(value) || value < 0)
    fail(node, where + "." + key, "expected a finite number >= 0, got " + YAML::Dump(node));
  return value;
}

std::vector<std::string> Reader::text_list(const YAML::Node& map, const std::string& key,
                                           const std::string& where) const {
  std::vector<std::string> out;
  const YAML::Node node = map[key];
  if (!node) return out;
  if (!node.IsSequence()) fail(node, where + "." + key, "expected a list of strings");
  for (const auto& item : node) {
    if (!item.IsScalar()) fail(item, where + "." + key, "expected a string");
    out.push_back(item.as<std::string>());
  }
  return out;
}

}  // namespace dnntune::hw::yaml
