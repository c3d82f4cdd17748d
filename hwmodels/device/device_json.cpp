#include "hwmodels/device/device_json.h"

namespace dnntune::hw {

namespace {
constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;
}

nlohmann::json processor_to_json(const ProcessorSpec& p) {
  return {{"name", p.name},
          {"kind", processor_kind_name(p.kind)},
          {"model", p.model},
          {"peak_gflops_fp32", p.peak_gflops_fp32},
          {"peak_gflops_fp16", p.peak_gflops_fp16},
          {"peak_gops_int8", p.peak_gops_int8},
          {"memory_bandwidth_GBps", p.memory_bandwidth_GBps},
          {"memory_bytes", p.memory_bytes},
          {"memory_GiB", static_cast<double>(p.memory_bytes) / kBytesPerGiB},
          {"active_power_W", p.active_power_W},
          {"idle_power_W", p.idle_power_W},
          {"layer_overhead_ms", p.layer_overhead_ms},
          {"efficiency", p.efficiency},
          {"unsupported_ops", p.unsupported_ops},
          {"source", p.source}};
}

nlohmann::json device_to_json(const DeviceSpec& d) {
  nlohmann::json processors = nlohmann::json::array();
  for (const ProcessorSpec& p : d.processors) processors.push_back(processor_to_json(p));
  return {{"name", d.name},
          {"role", device_role_name(d.role)},
          {"description", d.description},
          {"idle_power_W", d.idle_power_W},
          {"price_usd_per_hour", d.price_usd_per_hour},
          {"processors", processors},
          {"sources", d.sources}};
}

nlohmann::json link_to_json(const LinkSpec& link) {
  nlohmann::json tails = nlohmann::json::array();
  for (const auto& t : link.radio.tail_states)
    tails.push_back({{"name", t.name}, {"duration_s", t.duration_s}, {"power_W", t.power_W}});
  return {{"name", link.name},
          {"uplink_mbps", link.uplink_mbps},
          {"downlink_mbps", link.downlink_mbps},
          {"rtt_ms", link.rtt_ms},
          {"radio",
           {{"technology", link.radio.technology},
            {"alpha_up_mW_per_Mbps", link.radio.alpha_up_mW_per_Mbps},
            {"alpha_down_mW_per_Mbps", link.radio.alpha_down_mW_per_Mbps},
            {"beta_mW", link.radio.beta_mW},
            {"promotion_s", link.radio.promotion_s},
            {"promotion_W", link.radio.promotion_W},
            {"tail_states", tails},
            {"source", link.radio.source}}},
          {"sources", link.sources}};
}

}  // namespace dnntune::hw
