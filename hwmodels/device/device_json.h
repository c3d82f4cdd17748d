#pragma once
// JSON form of catalog declarations, for `dnntune devices ... --format json` and for provenance
// blocks of other outputs. Keys mirror the YAML schema (memory in bytes and GiB).
#include <nlohmann/json.hpp>

#include "hwmodels/device/device_spec.h"
#include "hwmodels/network/link.h"

namespace dnntune::hw {

nlohmann::json processor_to_json(const ProcessorSpec& processor);
nlohmann::json device_to_json(const DeviceSpec& device);
nlohmann::json link_to_json(const LinkSpec& link);

}  // namespace dnntune::hw
