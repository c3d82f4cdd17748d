#include "calibration/power/rapl.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "traces/common/error.h"

namespace dnntune::calib {

std::optional<RaplCounter> RaplCounter::open(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return std::nullopt;
  RaplCounter c;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    // Package domains only ("intel-rapl:0"), not their sub-domains ("intel-rapl:0:0").
    if (name.rfind("intel-rapl:", 0) != 0 || name.find(':', 11) != std::string::npos) continue;
    const auto energy = entry.path() / "energy_uj";
    std::ifstream probe(energy);
    double uj = 0;
    if (!(probe >> uj)) continue;
    c.files_.push_back(energy.string());
    std::ifstream range(entry.path() / "max_energy_range_uj");
    double r = 0;
    if (range >> r) c.max_range_mJ_ += r / 1000.0;
  }
  if (c.files_.empty()) return std::nullopt;
  return c;
}

double RaplCounter::read_mJ() const {
  double total = 0;
  for (const auto& f : files_) {
    std::ifstream in(f);
    double uj = 0;
    in >> uj;
    total += uj / 1000.0;
  }
  return total;
}

double rapl_delta_mJ(double before_mJ, double after_mJ, double max_range_mJ) {
  return after_mJ >= before_mJ ? after_mJ - before_mJ : after_mJ + max_range_mJ - before_mJ;
}

double PowerLog::mean_power_W() const {
  if (time_s.size() < 2) return power_W.empty() ? 0 : power_W[0];
  double energy = 0;
  for (size_t i = 1; i < time_s.size(); ++i)
    energy += 0.5 * (power_W[i] + power_W[i - 1]) * (time_s[i] - time_s[i - 1]);
  return energy / (time_s.back() - time_s.front());
}

PowerLog read_power_log(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open the power log");
  PowerLog log;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (n == 1 && line.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos)
      continue;  // header
    std::istringstream fields(line);
    double t = 0, p = 0;
    char comma = 0;
    if (!(fields >> t >> comma >> p) || comma != ',')
      throw InputError(
          path, "line " + std::to_string(n) + ": expected 'time_s,power_W', got '" + line + "'");
    if (p < 0)
      throw InputError(
          path, "line " + std::to_string(n) + ": negative power " + std::to_string(p) + " W");
    if (!log.time_s.empty() && t <= log.time_s.back())
      throw InputError(path, "line " + std::to_string(n) + ": time " + std::to_string(t) +
                                 " s does not increase");
    log.time_s.push_back(t);
    log.power_W.push_back(p);
  }
  if (log.time_s.empty()) throw InputError(path, "the power log has no samples");
  return log;
}

}  // namespace dnntune::calib
