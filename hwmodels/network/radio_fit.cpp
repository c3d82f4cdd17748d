#include "hwmodels/network/radio_fit.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "traces/common/error.h"

namespace dnntune::hw {

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  // The 5Gophers files are plain comma-separated numbers and words (no quoting).
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) {
    if (!field.empty() && field.back() == '\r') field.pop_back();
    fields.push_back(field);
  }
  return fields;
}

size_t column(const std::vector<std::string>& header, const std::string& name,
              const std::string& path) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) throw InputError(path, "line 1: missing column '" + name + "'");
  return static_cast<size_t>(it - header.begin());
}

double number(const std::string& text, const std::string& path, int line, const std::string& col) {
  try {
    size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  throw InputError(path, "line " + std::to_string(line) + ": column " + col +
                             ": expected a number, got '" + text + "'");
}

}  // namespace

RadioPowerFit fit_radio_power(const std::vector<PowerSample>& samples) {
  constexpr int kUnknowns = 3;
  if (samples.size() < kUnknowns)
    throw InputError("<fit>",
                     "need at least 3 power samples, got " + std::to_string(samples.size()));
  const auto n = static_cast<Eigen::Index>(samples.size());
  Eigen::MatrixXd design(n, kUnknowns);
  Eigen::VectorXd power(n);
  RadioPowerFit fit;
  for (Eigen::Index i = 0; i < n; ++i) {
    const PowerSample& s = samples[static_cast<size_t>(i)];
    design.row(i) << s.uplink_mbps, s.downlink_mbps, 1.0;
    power(i) = s.power_mW;
    fit.max_uplink_mbps = std::max(fit.max_uplink_mbps, s.uplink_mbps);
    fit.max_downlink_mbps = std::max(fit.max_downlink_mbps, s.downlink_mbps);
  }
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(design);
  if (qr.rank() < kUnknowns)
    throw InputError("<fit>",
                     "power samples do not determine alpha_up, alpha_down and beta "
                     "(need traffic in both directions and some variation)");
  const Eigen::VectorXd x = qr.solve(power);
  const Eigen::VectorXd residual = design * x - power;
  fit.alpha_up_mW_per_Mbps = x(0);
  fit.alpha_down_mW_per_Mbps = x(1);
  fit.beta_mW = x(2);
  fit.samples = samples.size();
  fit.rmse_mW = std::sqrt(residual.squaredNorm() / static_cast<double>(n));
  const double sst = (power.array() - power.mean()).square().sum();
  fit.r_squared = sst > 0 ? 1.0 - residual.squaredNorm() / sst : 1.0;
  return fit;
}

std::vector<PowerSample> load_5gophers_power_csv(const std::string& path,
                                                 const std::string& power_column) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open 5Gophers power CSV");
  std::string line;
  if (!std::getline(in, line)) throw InputError(path, "empty file (expected a CSV header)");
  const std::vector<std::string> header = split_csv_line(line);
  const size_t status_col = column(header, "nrStatus", path);
  const size_t down_col = column(header, "downlink_Mbps", path);
  const size_t up_col = column(header, "uplink_Mbps", path);
  const size_t power_col = column(header, power_column, path);
  std::vector<PowerSample> samples;
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> fields = split_csv_line(line);
    if (fields.size() != header.size())
      throw InputError(path, "line " + std::to_string(line_number) + ": expected " +
                                 std::to_string(header.size()) + " fields, got " +
                                 std::to_string(fields.size()));
    if (fields[status_col] != "CONNECTED") continue;
    samples.push_back({number(fields[up_col], path, line_number, "uplink_Mbps"),
                       number(fields[down_col], path, line_number, "downlink_Mbps"),
                       number(fields[power_col], path, line_number, power_column)});
  }
  return samples;
}

}  // namespace dnntune::hw
