#pragma once
// The latency model of an uncalibrated catalog device: a per-layer roofline.
//
//   ops        = layer.flops (or 2 * layer.macs when flops is 0)
//   bytes      = (input_bytes + output_bytes + weight_bytes) * bytes_per_element(precision) / 4
//   compute_ms = ops / (peak(precision) * efficiency(kind)) ,  memory_ms = bytes / bandwidth
//   latency_ms = max(compute_ms, memory_ms) + processor.layer_overhead_ms
//   power_W    = processor.active_power_W
//
// efficiency(kind) is the fraction of peak a layer kind reaches ("Conv", "Gemm", "depthwise",
// ..., falling back to "default"). The catalog holds uncalibrated priors; a calibrated profile of
// the same processor kind transfers to this device by passing its per-kind efficiencies in
// RooflineOptions::efficiency_overrides (hwmodels/README.md, "Calibrated efficiencies").
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "hwmodels/device/device_spec.h"
#include "hwmodels/latency/layer_latency_model.h"

namespace dnntune::hw {

enum class Precision { kFp32, kFp16, kInt8 };
std::string precision_name(Precision precision);  // "fp32", "fp16", "int8"
// Throws InputError("<command line>", "unknown precision 'x'; known: fp32, fp16, int8").
Precision parse_precision(const std::string& name);
int64_t precision_bytes(Precision precision);  // 4, 2, 1
// Peak in GFLOP/s (GOP/s for int8) at `precision`; 0 when the processor lacks it.
double peak_gops(const ProcessorSpec& processor, Precision precision);
// The first precision the processor has, in the order fp32, fp16, int8 (an NPU may be fp16 only).
Precision native_precision(const ProcessorSpec& processor);

struct RooflineOptions {
  std::optional<Precision> precision;  // unset: native_precision(processor)
  // Calibrated per-kind efficiencies; each key replaces the catalog's entry of the same kind
  // (a "default" key replaces the catalog default). Values must be finite and > 0; values above
  // 1 are allowed (Winograd/FFT convolutions do fewer arithmetic operations than layer.flops).
  std::map<std::string, double> efficiency_overrides;
  std::string calibrated_from;  // shown by describe(), e.g. "profile(host-opencv-1t)"
};

// The layer kind used to look up efficiency: "depthwise" for a Conv whose group equals its input
// channels (> 1), otherwise layer.kind.
std::string efficiency_kind(const Layer& layer);

// Contract: never throws from estimate(); throws InputError(device.name, ...) here for an invalid
// override. An explicit precision the processor lacks makes every estimate infeasible.
std::unique_ptr<LayerLatencyModel> make_roofline_model(const DeviceSpec& device,
                                                       const ProcessorSpec& processor,
                                                       const RooflineOptions& options = {});
// Shorthand for the calibrated-efficiency hook.
std::unique_ptr<LayerLatencyModel> make_roofline_model(
    const DeviceSpec& device, const ProcessorSpec& processor,
    const std::map<std::string, double>& efficiency_overrides);

}  // namespace dnntune::hw
