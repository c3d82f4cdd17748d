#pragma once
// Declarations of devices (phones, boards, AI chips, cloud servers) and their processors. The
// catalog (hwmodels/catalog/*.yaml, embedded at build time) is the only place device numbers live,
// each with its source cited beside it. `dnntune devices list|show` print these same declarations.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dnntune::hw {

enum class ProcessorKind { kCpu, kGpu, kNpu, kDsp };
std::string processor_kind_name(ProcessorKind kind);  // "cpu", "gpu", "npu", "dsp"

enum class DeviceRole { kMobile, kBoard, kCloud };
std::string device_role_name(DeviceRole role);  // "mobile", "board", "cloud"

struct ProcessorSpec {
  std::string name;  // unique within its device: "cpu", "gpu", "npu"
  ProcessorKind kind = ProcessorKind::kCpu;
  std::string model;  // "Kryo 280 (4x2.45 GHz + 4x1.9 GHz)"
  double peak_gflops_fp32 = 0;
  double peak_gflops_fp16 = 0;
  double peak_gops_int8 = 0;
  double memory_bandwidth_GBps = 0;
  int64_t memory_bytes = 0;  // what a model's weights + activations must fit in
  double active_power_W = 0;
  double idle_power_W = 0;
  // Fraction of peak compute reached per layer kind ("Conv", "Gemm", "depthwise", "default", ...),
  // used by the roofline model of an uncalibrated device.
  std::map<std::string, double> efficiency;
  std::vector<std::string> unsupported_ops;  // ONNX op types this processor cannot run
  std::string source;                        // citation for the numbers above
  // Added for the roofline model (additive): fixed time per executed layer (kernel launch,
  // dispatch, synchronisation), charged on top of max(compute, memory).
  double layer_overhead_ms = 0;
};

struct DeviceSpec {
  std::string name;  // catalog key: "oneplus5t", "v100", ...
  DeviceRole role = DeviceRole::kMobile;
  std::string description;
  std::vector<ProcessorSpec> processors;
  double idle_power_W = 0;        // whole device while waiting (screen off)
  double price_usd_per_hour = 0;  // cloud entries
  std::vector<std::string> sources;

  // Throws InputError(name, ...) listing the processors when absent.
  const ProcessorSpec& processor(const std::string& processor_name) const;
};

// Function-local static registry built from the embedded catalog files.
const std::vector<DeviceSpec>& device_catalog();
// Throws InputError(name, "unknown device; known: ...") listing the valid names.
// A name containing '/' or ending in .yaml/.yml is read as a user device file in the catalog
// schema (hwmodels/README.md); it is parsed once and cached for the life of the process.
const DeviceSpec& find_device(const std::string& name);
// Catalog names in catalog order (for help and error messages).
std::vector<std::string> device_names();

}  // namespace dnntune::hw
