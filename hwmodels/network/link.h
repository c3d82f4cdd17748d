#pragma once
// A network link between the phone and the cloud, and the phone radio's energy model.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dnntune::hw {

// Power while transferring: P = alpha * throughput + beta (Huang et al., MobiSys 2012, as
// tabulated in JointDNN Table 3), plus the radio state machine charged per request.
struct RadioPowerModel {
  std::string technology;  // "3g", "lte", "wifi", "5g"
  double alpha_up_mW_per_Mbps = 0;
  double alpha_down_mW_per_Mbps = 0;
  double beta_mW = 0;
  double promotion_s = 0;  // idle -> connected before the first byte moves
  double promotion_W = 0;
  // After the last byte: the radio stays in high-power tail states before going idle.
  // tail_states are applied in order (e.g. LTE: inactivity then DRX; 3G: DCH then FACH).
  struct TailState {
    std::string name;
    double duration_s = 0;
    double power_W = 0;
  };
  std::vector<TailState> tail_states;
  std::string source;
};

// Contract: a BandwidthSource gives the link's throughput at a time (seconds since the start of
// the scenario). Constant now; traces from ../shared/data/network plug in through the same
// interface.
class BandwidthSource {
 public:
  virtual ~BandwidthSource() = default;
  virtual double uplink_mbps(double at_s) const = 0;
  virtual double downlink_mbps(double at_s) const = 0;
  virtual std::string describe() const = 0;
};

struct LinkSpec {
  std::string name;  // preset name or "custom"
  double uplink_mbps = 0;
  double downlink_mbps = 0;
  double rtt_ms = 0;
  RadioPowerModel radio;
  std::vector<std::string> sources;

  double upload_ms(int64_t bytes) const;  // bytes * 8 / (uplink_mbps * 1e6) * 1e3
  double download_ms(int64_t bytes) const;
};

// One transfer interval on the radio, in ms since the start of the request.
struct RadioTransfer {
  double start_ms = 0;
  double duration_ms = 0;
  bool uplink = true;
  double throughput_mbps = 0;
};

// Phone radio energy for one request, split as the cost model reports it.
struct RadioEnergy {
  double transfer_mJ = 0;   // alpha * throughput + beta during transfers
  double promotion_mJ = 0;  // idle -> connected
  double tail_mJ = 0;       // tail states after (and high-power gaps between) transfers
  double total_mJ() const { return transfer_mJ + promotion_mJ + tail_mJ; }
};

// Plays the radio state machine over the request's transfers (sorted by start): a promotion
// before the first, tail power in gaps (until the tail expires; then a new promotion), and the
// full tail after the last. Zero transfers -> zero energy.
RadioEnergy radio_energy(const RadioPowerModel& radio, const std::vector<RadioTransfer>& transfers);

// Presets "3g", "lte", "wifi", "5g", each with its sources; throws InputError listing the valid
// ones.
LinkSpec find_network_preset(const std::string& name);
std::vector<std::string> network_preset_names();

}  // namespace dnntune::hw
