// dnntune devices list [--format table|json]
// dnntune devices show NAME [--format table|json]     (NAME may be a path to a device .yaml)
// dnntune devices networks [--format table|json]
// Everything printed comes from the embedded catalog the models read (hwmodels/catalog/).
#include <iostream>
#include <memory>
#include <sstream>

#include "experiments/cli/commands.h"
#include "experiments/cli/format.h"
#include "hwmodels/device/device_json.h"
#include "hwmodels/device/device_spec.h"
#include "hwmodels/network/link.h"

namespace dnntune::cli {

namespace {

constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;

struct DevicesArgs {
  std::string name;
  std::string format = "table";
};

std::string number_or_dash(double value, int decimals) {
  return value > 0 ? fixed(value, decimals) : "-";
}

// Up to 6 significant digits, no trailing zeros: 2.0275 stays 2.0275, 1634.07 stays 1634.07.
std::string plain(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string processor_summary(const hw::DeviceSpec& d) {
  std::string out;
  for (const auto& p : d.processors) {
    const std::string kind = hw::processor_kind_name(p.kind);
    out += (out.empty() ? "" : ", ") + (p.name == kind ? p.name : p.name + " (" + kind + ")");
  }
  return out;
}

void list_devices(const DevicesArgs& args) {
  const auto& catalog = hw::device_catalog();
  if (args.format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& d : catalog) all.push_back(hw::device_to_json(d));
    std::cout << all.dump(2) << "\n";
    return;
  }
  TextTable table({"name", "role", "processors", "max fp32 GFLOP/s", "price $/h", "description"},
                  {false, false, false, true, true, false});
  for (const auto& d : catalog) {
    double best = 0;
    for (const auto& p : d.processors) best = std::max(best, p.peak_gflops_fp32);
    table.add_row({d.name, hw::device_role_name(d.role), processor_summary(d),
                   number_or_dash(best, 1), number_or_dash(d.price_usd_per_hour, 3),
                   d.description});
  }
  table.print(std::cout);
  std::cout << "\n"
            << catalog.size()
            << " devices. `dnntune devices show NAME` prints one with its sources.\n";
}

void show_device(const DevicesArgs& args) {
  const hw::DeviceSpec& d = hw::find_device(args.name);
  if (args.format == "json") {
    std::cout << hw::device_to_json(d).dump(2) << "\n";
    return;
  }
  std::cout << d.name << " (" << hw::device_role_name(d.role) << "): " << d.description << "\n";
  std::cout << "idle power: " << fixed(d.idle_power_W, 3) << " W";
  if (d.price_usd_per_hour > 0) std::cout << ", price: $" << fixed(d.price_usd_per_hour, 3) << "/h";
  std::cout << "\n\n";
  TextTable table({"processor", "kind", "fp32 GFLOP/s", "fp16 GFLOP/s", "int8 GOP/s", "GB/s",
                   "memory GiB", "active W", "idle W", "overhead ms"},
                  {false, false, true, true, true, true, true, true, true, true});
  for (const auto& p : d.processors)
    table.add_row({p.name, hw::processor_kind_name(p.kind), number_or_dash(p.peak_gflops_fp32, 1),
                   number_or_dash(p.peak_gflops_fp16, 1), number_or_dash(p.peak_gops_int8, 1),
                   fixed(p.memory_bandwidth_GBps, 1),
                   fixed(static_cast<double>(p.memory_bytes) / kBytesPerGiB, 1),
                   fixed(p.active_power_W, 2), fixed(p.idle_power_W, 2),
                   fixed(p.layer_overhead_ms, 3)});
  table.print(std::cout);
  for (const auto& p : d.processors) {
    std::cout << "\n" << p.name << ": " << p.model << "\n  efficiency (fraction of peak):";
    for (const auto& [kind, value] : p.efficiency) std::cout << " " << kind << "=" << value;
    if (!p.unsupported_ops.empty()) {
      std::cout << "\n  unsupported ops:";
      for (const auto& op : p.unsupported_ops) std::cout << " " << op;
    }
    std::cout << "\n  source: " << p.source << "\n";
  }
  std::cout << "\nsources:\n";
  for (const auto& s : d.sources) std::cout << "  - " << s << "\n";
}

void list_networks(const DevicesArgs& args) {
  if (args.format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& name : hw::network_preset_names())
      all.push_back(hw::link_to_json(hw::find_network_preset(name)));
    std::cout << all.dump(2) << "\n";
    return;
  }
  TextTable table({"preset", "up Mbps", "down Mbps", "RTT ms", "alpha_up mW/Mbps",
                   "alpha_down mW/Mbps", "beta mW", "promotion", "tail"},
                  {false, true, true, true, true, true, true, false, false});
  for (const auto& name : hw::network_preset_names()) {
    const hw::LinkSpec link = hw::find_network_preset(name);
    const auto& r = link.radio;
    std::string tail;
    for (const auto& t : r.tail_states)
      tail += (tail.empty() ? "" : " + ") + t.name + " " + plain(t.duration_s) + " s @ " +
              plain(t.power_W) + " W";
    table.add_row({link.name, plain(link.uplink_mbps), plain(link.downlink_mbps),
                   plain(link.rtt_ms), plain(r.alpha_up_mW_per_Mbps),
                   plain(r.alpha_down_mW_per_Mbps), plain(r.beta_mW),
                   plain(r.promotion_s) + " s @ " + plain(r.promotion_W) + " W", tail});
  }
  table.print(std::cout);
}

void add_format(CLI::App& app, DevicesArgs& args) {
  app.add_option("--format", args.format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

}  // namespace

CommandDef devices_command() {
  return {"devices", "List the device catalog and network presets, or show one device",
          [](CLI::App& sub) {
            auto args = std::make_shared<DevicesArgs>();
            sub.require_subcommand(1);
            CLI::App* list = sub.add_subcommand("list", "One line per catalog device");
            add_format(*list, *args);
            list->callback([args] { list_devices(*args); });

            CLI::App* show = sub.add_subcommand("show", "All numbers of one device, with sources");
            show->add_option("NAME", args->name,
                             "Catalog device name (see `dnntune devices list`) or a device .yaml")
                ->required();
            add_format(*show, *args);
            show->callback([args] { show_device(*args); });

            CLI::App* networks = sub.add_subcommand(
                "networks", "Network presets (3g, lte, wifi, 5g) and radio models");
            add_format(*networks, *args);
            networks->callback([args] { list_networks(*args); });
          }};
}

}  // namespace dnntune::cli
