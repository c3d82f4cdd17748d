#include "hwmodels/latency/roofline_model.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "traces/common/error.h"

namespace dnntune::hw {

namespace {

constexpr double kGiga = 1e9;
constexpr double kMsPerS = 1e3;
constexpr int64_t kModelBytesPerElement = 4;  // layer byte counts come from fp32 ONNX exports
constexpr double kBytesPerMB = 1e6;

std::string format_mb(double bytes) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << bytes / kBytesPerMB << " MB";
  return out.str();
}

class RooflineModel : public LayerLatencyModel {
 public:
  RooflineModel(const DeviceSpec& device, const ProcessorSpec& processor,
                const RooflineOptions& options)
      : device_name_(device.name),
        processor_(processor),
        precision_(options.precision.value_or(native_precision(processor))),
        efficiency_(processor.efficiency),
        calibrated_from_(options.calibrated_from) {
    for (const auto& [kind, value] : options.efficiency_overrides) {
      if (!std::isfinite(value) || value <= 0)
        throw InputError(device.name, "calibrated efficiency for '" + kind +
                                          "' must be finite and > 0, got " + std::to_string(value));
      efficiency_[kind] = value;
    }
  }

  LayerEstimate estimate(const Layer& layer) const override {
    LayerEstimate out;
    const std::string where = device_name_ + "/" + processor_.name;
    const double peak = peak_gops(processor_, precision_);
    if (peak <= 0) {
      out.status = EvalStatus::infeasible(where + " has no " + precision_name(precision_) +
                                          " peak in the catalog");
      return out;
    }
    for (const std::string& op : layer.ops) {
      if (std::find(processor_.unsupported_ops.begin(), processor_.unsupported_ops.end(), op) !=
          processor_.unsupported_ops.end()) {
        out.status = EvalStatus::infeasible("operator " + op + " (layer " + layer.name +
                                            ") is not supported by " + where);
        return out;
      }
    }
    const double scale = static_cast<double>(precision_bytes(precision_)) / kModelBytesPerElement;
    const double working_bytes =
        static_cast<double>(layer.input_bytes + layer.output_bytes + layer.weight_bytes) * scale;
    if (working_bytes > static_cast<double>(processor_.memory_bytes)) {
      out.status = EvalStatus::infeasible("layer " + layer.name + " needs " +
                                          format_mb(working_bytes) + ", more than " + where +
                                          " memory " + format_mb(processor_.memory_bytes));
      return out;
    }
    const double ops =
        layer.flops > 0 ? static_cast<double>(layer.flops) : 2.0 * static_cast<double>(layer.macs);
    const double compute_ms = ops / (peak * kGiga * efficiency(layer)) * kMsPerS;
    const double memory_ms = working_bytes / (processor_.memory_bandwidth_GBps * kGiga) * kMsPerS;
    out.latency_ms = std::max(compute_ms, memory_ms) + processor_.layer_overhead_ms;
    out.power_W = processor_.active_power_W;
    return out;
  }

  std::string describe() const override {
    std::string text =
        "roofline(" + device_name_ + "/" + processor_.name + ", " + precision_name(precision_);
    if (!calibrated_from_.empty()) text += ", efficiencies from " + calibrated_from_;
    return text + ")";
  }

 private:
  double efficiency(const Layer& layer) const {
    auto it = efficiency_.find(efficiency_kind(layer));
    if (it == efficiency_.end()) it = efficiency_.find("default");
    return it == efficiency_.end() ? 1.0 : it->second;  // the parser guarantees "default"
  }

  std::string device_name_;
  ProcessorSpec processor_;
  Precision precision_;
  std::map<std::string, double> efficiency_;
  std::string calibrated_from_;
};

}  // namespace

std::string precision_name(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return "fp32";
    case Precision::kFp16:
      return "fp16";
    case Precision::kInt8:
      return "int8";
  }
  return "unknown";
}

Precision parse_precision(const std::string& name) {
  for (Precision p : {Precision::kFp32, Precision::kFp16, Precision::kInt8})
    if (precision_name(p) == name) return p;
  throw InputError("<command line>", "unknown precision '" + name + "'; known: fp32, fp16, int8");
}

int64_t precision_bytes(Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return 4;
    case Precision::kFp16:
      return 2;
    case Precision::kInt8:
      return 1;
  }
  return 4;
}

double peak_gops(const ProcessorSpec& processor, Precision precision) {
  switch (precision) {
    case Precision::kFp32:
      return processor.peak_gflops_fp32;
    case Precision::kFp16:
      return processor.peak_gflops_fp16;
    case Precision::kInt8:
      return processor.peak_gops_int8;
  }
  return 0;
}

Precision native_precision(const ProcessorSpec& processor) {
  for (Precision p : {Precision::kFp32, Precision::kFp16, Precision::kInt8})
    if (peak_gops(processor, p) > 0) return p;
  return Precision::kFp32;
}

std::string efficiency_kind(const Layer& layer) {
  if (layer.kind == "Conv" && !layer.inputs.empty() && layer.inputs.front().shape.size() >= 2 &&
      layer.attributes.contains("group")) {
    const auto& group = layer.attributes["group"];
    const int64_t channels = layer.inputs.front().shape[1];
    if (group.is_number_integer() && group.get<int64_t>() > 1 && group.get<int64_t>() == channels)
      return "depthwise";
  }
  return layer.kind;
}

std::unique_ptr<LayerLatencyModel> make_roofline_model(const DeviceSpec& device,
                                                       const ProcessorSpec& processor,
                                                       const RooflineOptions& options) {
  return std::make_unique<RooflineModel>(device, processor, options);
}

std::unique_ptr<LayerLatencyModel> make_roofline_model(
    const DeviceSpec& device, const ProcessorSpec& processor,
    const std::map<std::string, double>& efficiency_overrides) {
  RooflineOptions options;
  options.efficiency_overrides = efficiency_overrides;
  options.calibrated_from = "calibrated overrides";
  return make_roofline_model(device, processor, options);
}

}  // namespace dnntune::hw
