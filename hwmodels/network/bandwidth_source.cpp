#include "hwmodels/network/bandwidth_source.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "traces/common/error.h"

namespace dnntune::hw {

std::string ConstantBandwidth::describe() const {
  std::ostringstream out;
  out << "constant(up " << uplink_mbps_ << " Mbps, down " << downlink_mbps_ << " Mbps)";
  return out.str();
}

double BandwidthTrace::duration_s() const {
  if (time_s.empty()) return 0;
  std::vector<double> gaps;
  for (size_t i = 1; i < time_s.size(); ++i) gaps.push_back(time_s[i] - time_s[i - 1]);
  if (gaps.empty()) return time_s.back() + 1.0;  // one sample: hold it 1 s per period
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<long>(gaps.size() / 2), gaps.end());
  return time_s.back() + gaps[gaps.size() / 2];
}

BandwidthTrace load_pensieve_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open bandwidth trace");
  BandwidthTrace trace;
  trace.name = path;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream fields(line);
    double time_s = 0, mbps = 0;
    std::string extra;
    if (!(fields >> time_s >> mbps) || (fields >> extra))
      throw InputError(path, "line " + std::to_string(line_number) +
                                 ": expected two numbers 'time_s throughput_Mbps', got '" + line +
                                 "'");
    if (!std::isfinite(mbps) || mbps < 0)
      throw InputError(path, "line " + std::to_string(line_number) + ": negative throughput");
    if (!trace.time_s.empty() && !(time_s > trace.time_s.back()))
      throw InputError(path, "line " + std::to_string(line_number) + ": time " +
                                 std::to_string(time_s) + " s does not increase");
    trace.time_s.push_back(time_s);
    trace.mbps.push_back(mbps);
  }
  if (trace.time_s.empty()) throw InputError(path, "empty bandwidth trace");
  return trace;
}

TraceBandwidth::TraceBandwidth(BandwidthTrace trace, double uplink_fraction)
    : trace_(std::move(trace)), uplink_fraction_(uplink_fraction) {
  if (trace_.time_s.empty()) throw InputError(trace_.name, "empty bandwidth trace");
  if (!(uplink_fraction_ > 0)) throw InputError(trace_.name, "uplink fraction must be > 0");
  period_s_ = trace_.duration_s() - trace_.time_s.front();
}

double TraceBandwidth::downlink_mbps(double at_s) const {
  // Fold into one period, measured from the first sample's time.
  double t = trace_.time_s.front() + std::fmod(std::max(at_s, 0.0), period_s_);
  auto it = std::upper_bound(trace_.time_s.begin(), trace_.time_s.end(), t);
  const size_t index =
      it == trace_.time_s.begin() ? 0 : static_cast<size_t>(it - trace_.time_s.begin()) - 1;
  return trace_.mbps[index];
}

double TraceBandwidth::uplink_mbps(double at_s) const {
  return downlink_mbps(at_s) * uplink_fraction_;
}

std::string TraceBandwidth::describe() const {
  std::ostringstream out;
  out << "trace(" << trace_.name << ", " << trace_.time_s.size()
      << " samples, uplink = " << uplink_fraction_ << " x downlink)";
  return out.str();
}

}  // namespace dnntune::hw
