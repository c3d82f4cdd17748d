#include "experiments/cli/format.h"

#include <cmath>
#include <cstdio>

namespace dnntune::cli {

std::string with_separators(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string si(double value, int significant) {
  static const char* prefixes[] = {"", "k", "M", "G", "T", "P"};
  int p = 0;
  double v = value;
  while (std::fabs(v) >= 1000.0 && p < 5) {
    v /= 1000.0;
    ++p;
  }
  char buf[64];
  if (p == 0 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    const int integer_digits =
        std::fabs(v) < 1 ? 1 : static_cast<int>(std::floor(std::log10(std::fabs(v)))) + 1;
    std::snprintf(buf, sizeof buf, "%.*f%s", std::max(0, significant - integer_digits), v,
                  prefixes[p]);
  }
  return buf;
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

TextTable::TextTable(std::vector<std::string> headers, std::vector<bool> right_aligned)
    : headers_(std::move(headers)), right_(std::move(right_aligned)) {
  right_.resize(headers_.size(), false);
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::add_separator() {
  rows_.emplace_back();
}

void TextTable::print(std::ostream& out) const {
  std::vector<size_t> width(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) width[c] = headers_[c].size();
  for (const auto& r : rows_)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < headers_.size(); ++c) {
      const std::string& s = cells[c];
      const std::string pad(width[c] - s.size(), ' ');
      out << (c ? "  " : "") << (right_[c] ? pad + s : (c + 1 == headers_.size() ? s : s + pad));
    }
    out << '\n';
  };
  auto rule = [&] {
    size_t total = 0;
    for (size_t w : width) total += w;
    out << std::string(total + 2 * (width.size() - 1), '-') << '\n';
  };
  line(headers_);
  rule();
  for (const auto& r : rows_) r.empty() ? rule() : line(r);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace dnntune::cli
