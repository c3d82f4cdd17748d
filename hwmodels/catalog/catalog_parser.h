#pragma once
// Parsers for the catalog schema (documented in hwmodels/README.md). The embedded catalog and
// user device files (`--device my_phone.yaml`) go through the same code.
#include <string>

#include "hwmodels/device/device_spec.h"
#include "hwmodels/network/link.h"

namespace dnntune::hw {

// Contract: returns a fully validated DeviceSpec or throws InputError(file, ...) naming the key,
// its line and, for unknown keys, the allowed ones. Validation: known role and processor kinds,
// unique processor names, at least one peak > 0, bandwidth and memory > 0, an efficiency map with
// a "default" entry and every value in (0, 1].
DeviceSpec parse_device_yaml(const std::string& text, const std::string& file);

// Same contract for a network preset (hwmodels/catalog/network/*.yaml): rates > 0, radio model.
LinkSpec parse_network_preset_yaml(const std::string& text, const std::string& file);

// Reads a file from disk and parses it; throws InputError(path, ...) when unreadable.
DeviceSpec load_device_file(const std::string& path);

}  // namespace dnntune::hw
