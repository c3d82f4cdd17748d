#pragma once
// Number formatting and plain-text tables for terminal output.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace dnntune::cli {

// 1234567 -> "1,234,567"
std::string with_separators(int64_t value);
// 1234567 -> "1.23M"; 999 -> "999"; SI prefixes k, M, G, T, P.
std::string si(double value, int significant = 3);
// Fixed decimals: fixed(3.14159, 2) -> "3.14".
std::string fixed(double value, int decimals);

// A column-aligned text table. Numbers are right-aligned, text left-aligned.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers, std::vector<bool> right_aligned = {});
  void add_row(std::vector<std::string> cells);
  void add_separator();
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;  // an empty row is a separator
};

// CSV field quoting per RFC 4180.
std::string csv_field(const std::string& text);

}  // namespace dnntune::cli
