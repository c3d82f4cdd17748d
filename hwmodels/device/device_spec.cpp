#include "hwmodels/device/device_spec.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string_view>

#include "hwmodels/catalog/catalog_parser.h"
#include "hwmodels/catalog/embedded_catalog.h"
#include "traces/common/error.h"

namespace dnntune::hw {

namespace {

constexpr std::string_view kDeviceDir = "devices/";

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool looks_like_path(const std::string& name) {
  return name.find('/') != std::string::npos || ends_with(name, ".yaml") || ends_with(name, ".yml");
}

std::vector<DeviceSpec> load_embedded_devices() {
  std::vector<DeviceSpec> devices;
  std::set<std::string> names;
  for (const EmbeddedFile& file : embedded_catalog_files()) {
    const std::string path = file.path;
    if (path.rfind(kDeviceDir, 0) != 0) continue;
    const std::string label = "hwmodels/catalog/" + path;
    DeviceSpec device = parse_device_yaml(file.text, label);
    if (!names.insert(device.name).second)
      throw InputError(label, "duplicate device name '" + device.name + "'");
    devices.push_back(std::move(device));
  }
  // Phones first, then boards, then cloud servers; by file name within a role.
  std::stable_sort(devices.begin(), devices.end(), [](const DeviceSpec& a, const DeviceSpec& b) {
    return static_cast<int>(a.role) < static_cast<int>(b.role);
  });
  return devices;
}

}  // namespace

std::string processor_kind_name(ProcessorKind kind) {
  switch (kind) {
    case ProcessorKind::kCpu:
      return "cpu";
    case ProcessorKind::kGpu:
      return "gpu";
    case ProcessorKind::kNpu:
      return "npu";
    case ProcessorKind::kDsp:
      return "dsp";
  }
  return "unknown";
}

std::string device_role_name(DeviceRole role) {
  switch (role) {
    case DeviceRole::kMobile:
      return "mobile";
    case DeviceRole::kBoard:
      return "board";
    case DeviceRole::kCloud:
      return "cloud";
  }
  return "unknown";
}

const ProcessorSpec& DeviceSpec::processor(const std::string& processor_name) const {
  std::vector<std::string> known;
  for (const ProcessorSpec& p : processors) {
    if (p.name == processor_name) return p;
    known.push_back(p.name);
  }
  throw InputError(name, "unknown processor '" + processor_name + "'; known: " + joined(known));
}

const std::vector<DeviceSpec>& device_catalog() {
  // Parsed once; a malformed embedded file is a build-time bug, reported as InputError naming it.
  static const std::vector<DeviceSpec> catalog = load_embedded_devices();
  return catalog;
}

std::vector<std::string> device_names() {
  std::vector<std::string> names;
  for (const DeviceSpec& d : device_catalog()) names.push_back(d.name);
  return names;
}

const DeviceSpec& find_device(const std::string& name) {
  if (looks_like_path(name)) {
    // std::map nodes are stable, so references handed out stay valid for the process lifetime.
    static std::map<std::string, DeviceSpec> user_devices;
    static std::mutex mutex;
    const std::lock_guard<std::mutex> lock(mutex);
    auto it = user_devices.find(name);
    if (it == user_devices.end()) it = user_devices.emplace(name, load_device_file(name)).first;
    return it->second;
  }
  for (const DeviceSpec& d : device_catalog())
    if (d.name == name) return d;
  throw InputError(name, "unknown device; known: " + joined(device_names()) +
                             " (or a path to a device .yaml file)");
}

}  // namespace dnntune::hw
