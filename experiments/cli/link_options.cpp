#include "experiments/cli/link_options.h"

#include <sstream>

namespace dnntune::cli {

void LinkOverrides::add_to(CLI::App& app) {
  app.add_option("--uplink-mbps", uplink_mbps, "Override the preset's uplink rate (Mbit/s)")
      ->check(CLI::PositiveNumber);
  app.add_option("--downlink-mbps", downlink_mbps, "Override the preset's downlink rate (Mbit/s)")
      ->check(CLI::PositiveNumber);
  app.add_option("--rtt-ms", rtt_ms, "Override the preset's round-trip time (ms)")
      ->check(CLI::NonNegativeNumber);
}

hw::LinkSpec LinkOverrides::apply(hw::LinkSpec link) const {
  std::ostringstream changed;
  if (uplink_mbps) {
    link.uplink_mbps = *uplink_mbps;
    changed << " uplink_mbps=" << *uplink_mbps;
  }
  if (downlink_mbps) {
    link.downlink_mbps = *downlink_mbps;
    changed << " downlink_mbps=" << *downlink_mbps;
  }
  if (rtt_ms) {
    link.rtt_ms = *rtt_ms;
    changed << " rtt_ms=" << *rtt_ms;
  }
  if (!changed.str().empty()) {
    link.name += "+custom";
    link.sources.push_back("command-line overrides:" + changed.str());
  }
  return link;
}

}  // namespace dnntune::cli
