#include "sim/scenario.h"

#include "hwmodels/latency/roofline_model.h"

#include <algorithm>
#include <stdexcept>

namespace dnntune::sim {

Scenario scenario_from_devices(const hw::DeviceSpec& mobile,
                               const std::vector<const hw::LayerLatencyModel*>& phone_models,
                               const hw::DeviceSpec& cloud,
                               const hw::LayerLatencyModel* cloud_model, const hw::LinkSpec& link) {
  if (phone_models.size() != mobile.processors.size())
    throw std::logic_error("scenario_from_devices: one latency model per phone processor");
  if (cloud.processors.empty() || cloud_model == nullptr)
    throw std::logic_error("scenario_from_devices: the cloud needs a processor and a model");
  Scenario s;
  s.mobile_name = mobile.name;
  s.cloud_name = cloud.name;
  double slowest_GBps = 0;
  for (size_t i = 0; i < mobile.processors.size(); ++i) {
    const hw::ProcessorSpec& p = mobile.processors[i];
    s.phone.push_back({p.name, phone_models[i], p.memory_bytes});
    if (p.memory_bandwidth_GBps > 0)
      slowest_GBps = slowest_GBps == 0 ? p.memory_bandwidth_GBps
                                       : std::min(slowest_GBps, p.memory_bandwidth_GBps);
  }
  // A copy reads and writes each byte once over the shared memory bus.
  s.copy_GBps = slowest_GBps / 2;
  s.cloud = {"cloud", cloud_model, cloud.processors.front().memory_bytes};
  s.phone_idle_power_W = mobile.idle_power_W;
  s.cloud_price_usd_per_hour = cloud.price_usd_per_hour;
  s.link = link;
  return s;
}

OwnedScenario roofline_scenario(const hw::DeviceSpec& mobile, const hw::DeviceSpec& cloud,
                                const hw::LinkSpec& link) {
  OwnedScenario owned;
  std::vector<const hw::LayerLatencyModel*> phone_models;
  for (const hw::ProcessorSpec& p : mobile.processors) {
    owned.models.push_back(hw::make_roofline_model(mobile, p));
    phone_models.push_back(owned.models.back().get());
  }
  if (cloud.processors.empty())
    throw std::logic_error("roofline_scenario: the cloud needs a processor");
  owned.models.push_back(hw::make_roofline_model(cloud, cloud.processors.front()));
  owned.scenario =
      scenario_from_devices(mobile, phone_models, cloud, owned.models.back().get(), link);
  return owned;
}

}  // namespace dnntune::sim
