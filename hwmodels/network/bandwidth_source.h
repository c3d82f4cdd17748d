#pragma once
// BandwidthSource implementations: a constant link and a throughput trace (Pensieve "cooked"
// format from ../shared/data/network: two whitespace-separated columns `time_s throughput_Mbps`).
#include <memory>
#include <string>
#include <vector>

#include "hwmodels/network/link.h"

namespace dnntune::hw {

class ConstantBandwidth : public BandwidthSource {
 public:
  ConstantBandwidth(double uplink_mbps, double downlink_mbps)
      : uplink_mbps_(uplink_mbps), downlink_mbps_(downlink_mbps) {}
  explicit ConstantBandwidth(const LinkSpec& link)
      : ConstantBandwidth(link.uplink_mbps, link.downlink_mbps) {}
  double uplink_mbps(double) const override { return uplink_mbps_; }
  double downlink_mbps(double) const override { return downlink_mbps_; }
  std::string describe() const override;

 private:
  double uplink_mbps_;
  double downlink_mbps_;
};

// A throughput time series: samples[i] holds from time_s[i] until time_s[i + 1].
struct BandwidthTrace {
  std::string name;  // file path
  std::vector<double> time_s;
  std::vector<double> mbps;
  double duration_s() const;  // last time + the median sample spacing (the last sample's hold)
};

// Contract: throws InputError(path, "line N: ...") for an unreadable file, a line that is not two
// numbers, a negative throughput or a time that does not increase; an empty trace is an error.
BandwidthTrace load_pensieve_trace(const std::string& path);

// Throughput at a time: the sample in force (piecewise constant), the trace repeating after its
// end, as Pensieve's simulator loops traces. The trace gives the downlink; the uplink is the
// downlink times `uplink_fraction` (traces record one direction; e.g. a preset's up/down ratio).
class TraceBandwidth : public BandwidthSource {
 public:
  TraceBandwidth(BandwidthTrace trace, double uplink_fraction);
  double uplink_mbps(double at_s) const override;
  double downlink_mbps(double at_s) const override;
  std::string describe() const override;

 private:
  BandwidthTrace trace_;
  double uplink_fraction_;
  double period_s_;
};

}  // namespace dnntune::hw
