#include "hwmodels/catalog/catalog_parser.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "hwmodels/catalog/yaml_fields.h"
#include "traces/common/error.h"

namespace dnntune::hw {

namespace {

constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;

const std::vector<std::string> kDeviceKeys = {
    "name", "role", "description", "idle_power_W", "price_usd_per_hour", "sources", "processors"};
const std::vector<std::string> kProcessorKeys = {"name",
                                                 "kind",
                                                 "model",
                                                 "peak_gflops_fp32",
                                                 "peak_gflops_fp16",
                                                 "peak_gops_int8",
                                                 "memory_bandwidth_GBps",
                                                 "memory_GiB",
                                                 "active_power_W",
                                                 "idle_power_W",
                                                 "layer_overhead_ms",
                                                 "efficiency",
                                                 "unsupported_ops",
                                                 "source"};
const std::vector<std::string> kPresetKeys = {"name",   "uplink_mbps", "downlink_mbps",
                                              "rtt_ms", "radio",       "sources"};
const std::vector<std::string> kRadioKeys = {"technology",
                                             "alpha_up_mW_per_Mbps",
                                             "alpha_down_mW_per_Mbps",
                                             "beta_mW",
                                             "promotion_s",
                                             "promotion_W",
                                             "tail_states",
                                             "source"};
const std::vector<std::string> kTailKeys = {"name", "duration_s", "power_W"};

void check_name(const yaml::Reader& reader, const YAML::Node& node, const std::string& name,
                const std::string& where) {
  static const std::regex kValid("[a-z0-9][a-z0-9_.-]*");
  if (!std::regex_match(name, kValid))
    reader.fail(node, where + ".name",
                "'" + name + "' must be lower-case letters, digits, '_', '-' or '.'");
}

DeviceRole parse_role(const yaml::Reader& reader, const YAML::Node& map, const std::string& text) {
  for (DeviceRole role : {DeviceRole::kMobile, DeviceRole::kBoard, DeviceRole::kCloud})
    if (device_role_name(role) == text) return role;
  reader.fail(map["role"], "role", "unknown role '" + text + "'; allowed: mobile, board, cloud");
}

ProcessorKind parse_kind(const yaml::Reader& reader, const YAML::Node& node,
                         const std::string& where, const std::string& text) {
  for (ProcessorKind kind :
       {ProcessorKind::kCpu, ProcessorKind::kGpu, ProcessorKind::kNpu, ProcessorKind::kDsp})
    if (processor_kind_name(kind) == text) return kind;
  reader.fail(node, where + ".kind", "unknown kind '" + text + "'; allowed: cpu, gpu, npu, dsp");
}

ProcessorSpec parse_processor(const yaml::Reader& reader, const YAML::Node& node,
                              const std::string& where) {
  reader.check_keys(node, kProcessorKeys, where);
  ProcessorSpec p;
  p.name = reader.text(node, "name", where, true);
  check_name(reader, node, p.name, where);
  p.kind = parse_kind(reader, node["kind"], where, reader.text(node, "kind", where, true));
  p.model = reader.text(node, "model", where, true);
  p.peak_gflops_fp32 = reader.number(node, "peak_gflops_fp32", where, false);
  p.peak_gflops_fp16 = reader.number(node, "peak_gflops_fp16", where, false);
  p.peak_gops_int8 = reader.number(node, "peak_gops_int8", where, false);
  if (p.peak_gflops_fp32 <= 0 && p.peak_gflops_fp16 <= 0 && p.peak_gops_int8 <= 0)
    reader.fail(node, where,
                "needs at least one of peak_gflops_fp32, peak_gflops_fp16, peak_gops_int8 > 0");
  p.memory_bandwidth_GBps = reader.number(node, "memory_bandwidth_GBps", where, true);
  const double memory_GiB = reader.number(node, "memory_GiB", where, true);
  if (p.memory_bandwidth_GBps <= 0 || memory_GiB <= 0)
    reader.fail(node, where, "memory_bandwidth_GBps and memory_GiB must be > 0");
  p.memory_bytes = static_cast<int64_t>(memory_GiB * kBytesPerGiB);
  p.active_power_W = reader.number(node, "active_power_W", where, true);
  p.idle_power_W = reader.number(node, "idle_power_W", where, false);
  p.layer_overhead_ms = reader.number(node, "layer_overhead_ms", where, false);
  p.unsupported_ops = reader.text_list(node, "unsupported_ops", where);
  p.source = reader.text(node, "source", where, true);

  const YAML::Node efficiency = node["efficiency"];
  const std::string eff_where = where + ".efficiency";
  if (!efficiency) reader.fail(node, where, "missing key 'efficiency' (needs at least 'default')");
  reader.require_map(efficiency, eff_where);
  for (const auto& item : efficiency) {
    const std::string kind = item.first.as<std::string>();
    const double value = reader.number(efficiency, kind, eff_where, true);
    if (value <= 0 || value > 1)
      reader.fail(item.second, eff_where + "." + kind,
                  "must be in (0, 1], got " + item.second.as<std::string>());
    p.efficiency[kind] = value;
  }
  if (!p.efficiency.count("default"))
    reader.fail(efficiency, eff_where, "needs a 'default' entry for layer kinds not listed");
  return p;
}

}  // namespace

DeviceSpec parse_device_yaml(const std::string& text, const std::string& file) {
  const yaml::Reader reader(file);
  const YAML::Node root = reader.load(text);
  reader.check_keys(root, kDeviceKeys, "device");
  DeviceSpec d;
  d.name = reader.text(root, "name", "device", true);
  check_name(reader, root, d.name, "device");
  d.role = parse_role(reader, root, reader.text(root, "role", "device", true));
  d.description = reader.text(root, "description", "device", true);
  d.idle_power_W = reader.number(root, "idle_power_W", "device", false);
  d.price_usd_per_hour = reader.number(root, "price_usd_per_hour", "device", false);
  d.sources = reader.text_list(root, "sources", "device");
  const YAML::Node processors = root["processors"];
  if (!processors || !processors.IsSequence() || processors.size() == 0)
    reader.fail(root, "device", "'processors' must be a non-empty list");
  std::set<std::string> seen;
  for (size_t i = 0; i < processors.size(); ++i) {
    const std::string where = "processors[" + std::to_string(i) + "]";
    ProcessorSpec p = parse_processor(reader, processors[i], where);
    if (!seen.insert(p.name).second)
      reader.fail(processors[i], where, "duplicate processor name '" + p.name + "'");
    d.processors.push_back(std::move(p));
  }
  return d;
}

LinkSpec parse_network_preset_yaml(const std::string& text, const std::string& file) {
  const yaml::Reader reader(file);
  const YAML::Node root = reader.load(text);
  reader.check_keys(root, kPresetKeys, "preset");
  LinkSpec link;
  link.name = reader.text(root, "name", "preset", true);
  check_name(reader, root, link.name, "preset");
  link.uplink_mbps = reader.number(root, "uplink_mbps", "preset", true);
  link.downlink_mbps = reader.number(root, "downlink_mbps", "preset", true);
  if (link.uplink_mbps <= 0 || link.downlink_mbps <= 0)
    reader.fail(root, "preset", "uplink_mbps and downlink_mbps must be > 0");
  link.rtt_ms = reader.number(root, "rtt_ms", "preset", true);
  link.sources = reader.text_list(root, "sources", "preset");

  const YAML::Node radio = root["radio"];
  if (!radio) reader.fail(root, "preset", "missing key 'radio'");
  reader.check_keys(radio, kRadioKeys, "radio");
  RadioPowerModel& r = link.radio;
  r.technology = reader.text(radio, "technology", "radio", true);
  r.alpha_up_mW_per_Mbps = reader.number(radio, "alpha_up_mW_per_Mbps", "radio", true);
  r.alpha_down_mW_per_Mbps = reader.number(radio, "alpha_down_mW_per_Mbps", "radio", true);
  r.beta_mW = reader.number(radio, "beta_mW", "radio", true);
  r.promotion_s = reader.number(radio, "promotion_s", "radio", false);
  r.promotion_W = reader.number(radio, "promotion_W", "radio", false);
  r.source = reader.text(radio, "source", "radio", true);
  const YAML::Node tails = radio["tail_states"];
  if (tails) {
    if (!tails.IsSequence()) reader.fail(tails, "radio.tail_states", "expected a list");
    for (size_t i = 0; i < tails.size(); ++i) {
      const std::string where = "radio.tail_states[" + std::to_string(i) + "]";
      reader.check_keys(tails[i], kTailKeys, where);
      r.tail_states.push_back({reader.text(tails[i], "name", where, true),
                               reader.number(tails[i], "duration_s", where, true),
                               reader.number(tails[i], "power_W", where, true)});
    }
  }
  return link;
}

DeviceSpec load_device_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open device file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_device_yaml(text.str(), path);
}

}  // namespace dnntune::hw
