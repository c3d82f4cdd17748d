#pragma once
// Calibration trace: JSON Lines. Line 1 is the header
//   {"record":"header","format":"dnntune-calibration-trace","version":1,"host_cpu":..,"cores":..,
//    "engine":..,"engine_version":..,"threads":..,"date":..,"tool_version":..,"budget_s":..,
//    "load_avg_1m":..,"priors":[..],"excluded_models":[..],"rapl":bool,"timing":"wall"|"contention-corrected",
//    "reference_ms":..,"llc_bytes":..,"l2_bytes":..,"stream_weight_bytes":..,"stream_ms":..,
//    "core_to_core_ns":..}
// (the last six are optional: 0 or absent means unknown)
// then one record per measured kernel
//   {"record":"kernel","kind":..,"spec":{KernelSpec},"features":{LayerFeatures},
//    "shapes":{"input":[..],"output":[..],"weights":[[..]..]},"macs":..,"bytes":{"input":..,"output":..,"weight":..},
//    "median_ms":..,"p10_ms":..,"p90_ms":..,"total_median_ms":..,"repeats":..,"noisy":bool,"energy_mJ":..?,
//    "state_ratio":..?}   (state probe before/after the measurement, reference.h; >= 1.2: slow
//    state)
// and one record per fusion probe (paired kernels A, B and the fused AB)
//   {"record":"fusion_probe","anchor":"Conv","next":"Relu","a_ms":..,"b_ms":..,"ab_ms":..,"b_in_ab_ms":..}
// (b_in_ab_ms: the time the engine itself attributes to B's node inside AB; 0 = executed inside A)
// and one record per prior model run whole (optional)
//   {"record":"in_model","model":"resnet18","state_ratio":..,"layers":[{"key":..,"ms":..}]}
// median/p10/p90 are the engine's layer time (sum of per-node times); total_median_ms is the wall
// clock of the kernel's forward pass.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "calibration/fit/features.h"
#include "calibration/kernels/kernel_spec.h"

namespace dnntune::calib {

inline constexpr int kTraceVersion = 1;
inline constexpr const char* kTraceFormat = "dnntune-calibration-trace";

struct TraceHeader {
  std::string host_cpu;
  int cores = 0;
  std::string engine, engine_version;
  int threads = 1;
  std::string date;  // ISO 8601 UTC
  std::string tool_version;
  double budget_s = 0;
  double load_avg_1m = 0;                    // machine load when calibration started
  std::vector<std::string> priors;           // models whose layers seeded the sampling
  std::vector<std::string> excluded_models;  // models left out of the priors (leave-one-out)
  bool rapl = false;
  std::string timing = "wall";  // "wall" or "contention-corrected" (see MeasureOptions)
  std::string allocator;        // process_allocator() (host_info.h); "" in older traces
  double reference_ms = 0;  // reference kernel (reference.h), lowest of its measurements; 0 unknown
  double llc_bytes = 0;     // host last-level cache; 0 unknown
  double l2_bytes = 0;      // host level-2 cache (host_l2_bytes); 0 unknown
  // Stream probe (reference.h): weights read from memory per run, and its median time; 0 unknown.
  double stream_weight_bytes = 0, stream_ms = 0;
  // measure_core_to_core_ns() (host_info.h) when the calibration began; 0 unknown.
  double core_to_core_ns = 0;
};

struct KernelRecord {
  KernelSpec spec;
  LayerFeatures features;
  nlohmann::json shapes = nlohmann::json::object();
  double median_ms = 0, p10_ms = 0, p90_ms = 0, total_median_ms = 0;
  int repeats = 0;
  bool noisy = false;
  double energy_mJ = -1;  // < 0: not measured
  // Machine state around the kept measurement (reference.h StateProbe): 1 fast; 0 not probed.
  double state_ratio = 0;
};

struct FusionProbe {
  std::string anchor, next;
  double a_ms = 0, b_ms = 0, ab_ms = 0;
  double b_in_ab_ms = -1;  // < 0: the engine reports no per-node times
};

// A prior model run whole on the engine: each layer's time inside the model, keyed by the kernel
// that reproduces the layer alone. The fit learns from these how much slower a layer runs inside a
// model than alone (cold caches, the neighbours' data), per layer kind.
struct InModelRecord {
  std::string model;       // file stem
  double state_ratio = 0;  // machine state around the kept measurement (StateProbe); 0 unknown
  struct LayerTime {
    std::string key;  // KernelSpec::key of the layer's kernel
    double ms = 0;    // the layer's time inside the model (sum of its nodes' medians)
  };
  std::vector<LayerTime> layers;
};

struct Trace {
  TraceHeader header;
  std::vector<KernelRecord> kernels;
  std::vector<FusionProbe> fusion;
  std::vector<InModelRecord> in_model;
  uint64_t content_hash = 0;  // FNV-1a of the file bytes (provenance)
};

std::string header_to_line(const TraceHeader& h);
std::string kernel_to_line(const KernelRecord& r);
std::string in_model_to_line(const InModelRecord& r);
std::string fusion_to_line(const FusionProbe& p);

// Throws InputError(path, "line N: ...") for a missing header, a foreign or newer format, bad
// JSON, or a record lacking a key.
Trace read_trace(const std::string& path);
Trace parse_trace(const std::string& text, const std::string& source);

}  // namespace dnntune::calib
