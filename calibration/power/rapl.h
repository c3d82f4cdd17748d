#pragma once
// Energy counters of Linux's powercap interface (Intel RAPL, also used for AMD since Linux 5.8):
// /sys/class/powercap/intel-rapl:N/energy_uj. Where they are absent (VMs, most ARM boards) the
// profile falls back to declared active/idle power, or to a power log from an external meter.
#include <optional>
#include <string>
#include <vector>

namespace dnntune::calib {

class RaplCounter {
 public:
  // nullopt when no readable package counter exists under `root`.
  static std::optional<RaplCounter> open(const std::string& root = "/sys/class/powercap");
  // Cumulative package energy in millijoules (wrap-around handled by the caller's deltas).
  double read_mJ() const;
  double max_range_mJ() const { return max_range_mJ_; }

 private:
  std::vector<std::string> files_;
  double max_range_mJ_ = 0;
};

// Energy between two readings, accounting for one counter wrap.
double rapl_delta_mJ(double before_mJ, double after_mJ, double max_range_mJ);

// An external meter's log: CSV lines "time_s,power_W" (a header line is allowed). Throws
// InputError(path, "line N: ...") on malformed lines, non-increasing time or negative power.
struct PowerLog {
  std::vector<double> time_s, power_W;
  double mean_power_W() const;  // time-weighted (trapezoid)
};
PowerLog read_power_log(const std::string& path);

}  // namespace dnntune::calib
