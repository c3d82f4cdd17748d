#pragma once
// Command-line overrides of a network preset's fields, shared by every command that takes a
// link (`--network lte --uplink-mbps 3 --rtt-ms 120`).
#include <CLI/CLI.hpp>
#include <optional>

#include "hwmodels/network/link.h"

namespace dnntune::cli {

struct LinkOverrides {
  std::optional<double> uplink_mbps;
  std::optional<double> downlink_mbps;
  std::optional<double> rtt_ms;

  // Adds --uplink-mbps, --downlink-mbps (> 0) and --rtt-ms (>= 0) to `app`.
  void add_to(CLI::App& app);
  // Contract: returns `link` with the given fields replaced; a changed link is renamed
  // "<preset>+custom" and gets a source line naming the overrides, so outputs stay traceable.
  hw::LinkSpec apply(hw::LinkSpec link) const;
};

}  // namespace dnntune::cli
