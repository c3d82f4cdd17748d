#include "hwmodels/network/link.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "hwmodels/catalog/catalog_parser.h"
#include "hwmodels/catalog/embedded_catalog.h"
#include "traces/common/error.h"

namespace dnntune::hw {

namespace {

constexpr double kBitsPerByte = 8;
constexpr double kBitsPerMbit = 1e6;
constexpr double kMsPerS = 1e3;
// mW * ms = 1e-6 J = 1e-3 mJ; W * s = 1e3 mJ.
constexpr double kMilliJoulePerMilliWattMs = 1e-3;
constexpr double kMilliJoulePerWattS = 1e3;

double transfer_ms(int64_t bytes, double mbps) {
  if (bytes <= 0) return 0;
  if (mbps <= 0) return std::numeric_limits<double>::infinity();
  return static_cast<double>(bytes) * kBitsPerByte / (mbps * kBitsPerMbit) * kMsPerS;
}

// Energy of the tail states played for `gap_s` seconds (the whole tail when gap_s is larger).
double tail_mJ(const RadioPowerModel& radio, double gap_s) {
  double energy = 0;
  double left_s = gap_s;
  for (const auto& state : radio.tail_states) {
    const double in_state_s = std::min(left_s, state.duration_s);
    energy += in_state_s * state.power_W * kMilliJoulePerWattS;
    left_s -= in_state_s;
    if (left_s <= 0) break;
  }
  return energy;
}

double total_tail_s(const RadioPowerModel& radio) {
  double total = 0;
  for (const auto& state : radio.tail_states) total += state.duration_s;
  return total;
}

std::vector<LinkSpec> load_presets() {
  std::vector<LinkSpec> presets;
  for (const EmbeddedFile& file : embedded_catalog_files()) {
    const std::string path = file.path;
    if (path.rfind("network/", 0) != 0) continue;
    presets.push_back(parse_network_preset_yaml(file.text, "hwmodels/catalog/" + path));
  }
  return presets;
}

const std::vector<LinkSpec>& presets() {
  static const std::vector<LinkSpec> all = load_presets();
  return all;
}

}  // namespace

double LinkSpec::upload_ms(int64_t bytes) const {
  return transfer_ms(bytes, uplink_mbps);
}
double LinkSpec::download_ms(int64_t bytes) const {
  return transfer_ms(bytes, downlink_mbps);
}

RadioEnergy radio_energy(const RadioPowerModel& radio,
                         const std::vector<RadioTransfer>& transfers) {
  RadioEnergy energy;
  if (transfers.empty()) return energy;
  std::vector<RadioTransfer> sorted = transfers;
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const RadioTransfer& a, const RadioTransfer& b) { return a.start_ms < b.start_ms; });
  const double promotion_mJ = radio.promotion_s * radio.promotion_W * kMilliJoulePerWattS;
  const double tail_s = total_tail_s(radio);
  energy.promotion_mJ = promotion_mJ;

  // alpha * throughput for every transfer; beta once per instant the radio is busy, so
  // overlapping transfers (uplink and downlink at once) do not pay the base power twice.
  double busy_end_ms = sorted.front().start_ms;
  bool first = true;
  for (const RadioTransfer& t : sorted) {
    const double alpha = t.uplink ? radio.alpha_up_mW_per_Mbps : radio.alpha_down_mW_per_Mbps;
    energy.transfer_mJ += alpha * t.throughput_mbps * t.duration_ms * kMilliJoulePerMilliWattMs;
    const double end_ms = t.start_ms + t.duration_ms;
    if (!first && t.start_ms > busy_end_ms) {
      const double gap_s = (t.start_ms - busy_end_ms) / kMsPerS;
      energy.tail_mJ += tail_mJ(radio, gap_s);
      if (gap_s > tail_s) energy.promotion_mJ += promotion_mJ;  // radio went idle: promote again
    }
    const double busy_from_ms = first ? t.start_ms : std::max(t.start_ms, busy_end_ms);
    if (end_ms > busy_from_ms)
      energy.transfer_mJ += radio.beta_mW * (end_ms - busy_from_ms) * kMilliJoulePerMilliWattMs;
    busy_end_ms = first ? end_ms : std::max(busy_end_ms, end_ms);
    first = false;
  }
  energy.tail_mJ += tail_mJ(radio, tail_s);
  return energy;
}

LinkSpec find_network_preset(const std::string& name) {
  // A user preset file (same schema as hwmodels/catalog/network/*.yaml) sets every field at once.
  const bool is_path = name.find('/') != std::string::npos ||
                       (name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0);
  if (is_path) {
    std::ifstream in(name, std::ios::binary);
    if (!in) throw InputError(name, "cannot open network preset file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_network_preset_yaml(text.str(), name);
  }
  for (const LinkSpec& preset : presets())
    if (preset.name == name) return preset;
  std::string known;
  for (const std::string& n : network_preset_names()) known += (known.empty() ? "" : ", ") + n;
  throw InputError(name, "unknown network preset; known: " + known + " (or a preset .yaml file)");
}

std::vector<std::string> network_preset_names() {
  std::vector<std::string> names;
  for (const LinkSpec& preset : presets()) names.push_back(preset.name);
  return names;
}

}  // namespace dnntune::hw
