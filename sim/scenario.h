#pragma once
// What one inference runs on: the phone's processors (each with its latency model), the cloud,
// and the link between them. The analytical cost model (cost_model.h) and every strategy
// (sim/strategies/) read the same Scenario.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hwmodels/device/device_spec.h"
#include "hwmodels/latency/layer_latency_model.h"
#include "hwmodels/network/link.h"

namespace dnntune::sim {

// One place a layer can run. Models are not owned: the caller keeps them alive.
struct Resource {
  std::string name;  // "cpu", "gpu", "npu" or "cloud"
  const hw::LayerLatencyModel* model = nullptr;
  int64_t memory_bytes = 0;  // 0 = unlimited
};

// Contract: phone holds at least one processor; cloud.model is set. Resource index r in
// [0, phone.size()) is a phone processor, r == phone.size() is the cloud (see cloud_index()).
struct Scenario {
  std::string mobile_name;  // device names, for outputs
  std::string cloud_name;
  std::vector<Resource> phone;
  Resource cloud;
  double phone_idle_power_W = 0;  // charged while the phone waits (not computing)
  double cloud_price_usd_per_hour = 0;
  // Copy bandwidth between two phone processors (a tensor made on the GPU read by the NPU).
  // scenario_from_devices derives it from the catalog: half the slower memory bandwidth
  // (a copy reads and writes every byte). 0 = copies are free.
  double copy_GBps = 0;
  hw::LinkSpec link;
  // The final result's bytes come back over the downlink. DNNTune's latency equation has no
  // download term; its reproduction sets this false (the return still costs rtt/2).
  bool charge_result_download = true;

  int cloud_index() const { return static_cast<int>(phone.size()); }
  int resource_count() const { return static_cast<int>(phone.size()) + 1; }
  bool is_cloud(int resource) const { return resource == cloud_index(); }
  const Resource& resource(int r) const { return is_cloud(r) ? cloud : phone.at(r); }
  // bytes -> ms on the phone's inter-processor copy path.
  double copy_ms(int64_t bytes) const {
    return copy_GBps > 0 ? static_cast<double>(bytes) / (copy_GBps * 1e9) * 1e3 : 0.0;
  }
};

// Builds a scenario from catalog devices. `phone_models` holds one model per processor of
// `mobile` (same order); the cloud runs on its first processor. Memory limits, idle power,
// price and the copy bandwidth come from the catalog entries.
Scenario scenario_from_devices(const hw::DeviceSpec& mobile,
                               const std::vector<const hw::LayerLatencyModel*>& phone_models,
                               const hw::DeviceSpec& cloud,
                               const hw::LayerLatencyModel* cloud_model, const hw::LinkSpec& link);

// A scenario that owns its latency models: the catalog roofline model of every phone processor
// and of the cloud's first processor (what `dnntune rank` uses without a calibrated profile).
struct OwnedScenario {
  std::vector<std::unique_ptr<hw::LayerLatencyModel>> models;  // pointees outlive moves
  Scenario scenario;
};
OwnedScenario roofline_scenario(const hw::DeviceSpec& mobile, const hw::DeviceSpec& cloud,
                                const hw::LinkSpec& link);

}  // namespace dnntune::sim
