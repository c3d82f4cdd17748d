#pragma once
// The analytical cost model: one inference of a LayerGraph under a placement (each layer on a
// phone processor or on the cloud) -> latency, time per resource, phone energy (compute, idle
// waiting, radio transfer/promotion/tail), bytes up and down, cloud cost, and the timeline of
// every compute span and transfer (what the SystemC simulator validates against).
//
// Execution semantics (single stream, as in DNNTune, Neurosurgeon and DADS: one thing happens at
// a time; overlap and contention are the SystemC simulator's job):
//  * Layers run one after another in a topological order that stays on the current side (phone
//    or cloud) while it can: a ready layer on the current side runs before any on the other side,
//    lowest index first. A placement whose phone part is a down-set therefore crosses the network
//    once up and once down.
//  * Crossing phone -> cloud sends ONE upload message holding every tensor on the phone that a
//    not yet executed cloud layer reads (a tensor read by several cloud layers is sent once):
//    duration bytes*8/uplink + rtt/2. Crossing cloud -> phone (and the end of the request, if the
//    last layer ran on the cloud) sends ONE download message holding every tensor the phone
//    still needs plus the model outputs not yet on the phone: rtt/2 + bytes*8/downlink.
//  * Model inputs and downloaded tensors sit in the phone's shared memory, readable by every
//    phone processor. A tensor made by one phone processor and read by another is copied once
//    per reading processor: bytes / Scenario::copy_GBps.
//  * Phone energy = sum of power_W * latency_ms of phone layers (compute)
//                 + phone_idle_power_W * (latency - phone compute time)   (idle waiting, copies)
//                 + hw::radio_energy over the request's transfers       (transfer+promotion+tail).
//  * Cloud cost = cloud_price_usd_per_hour * cloud compute time.
//  * Infeasible (an operator a processor cannot run, a part that does not fit a resource's
//    memory: weights of its layers + the largest layer's inputs+outputs) is a result with a
//    reason (status), never an exception.
#include <cstdint>
#include <string>
#include <vector>

#include "hwmodels/latency/eval_status.h"
#include "hwmodels/network/link.h"
#include "sim/cost_table.h"
#include "sim/scenario.h"
#include "traces/graph/layer_graph.h"

namespace dnntune::sim {

// resource_of_layer[i] = resource index (Scenario) of layer i.
struct Placement {
  std::vector<int> resource_of_layer;

  static Placement all_on(int layers, int resource);
  // Layers 0..split_after on phone processor `processor`, the rest on the cloud.
  // split_after = -1: all on the cloud; layers-1: all on the phone.
  static Placement split(int layers, int split_after, int processor, int cloud_index);
  // The split index if this placement is one (phone prefix on a single processor, rest on the
  // cloud), else kNotASplit.
  int split_after(const Scenario& scenario) const;
  static constexpr int kNotASplit = -2;
};

enum class SpanKind { kCompute, kUpload, kDownload, kCopy };
std::string span_kind_name(SpanKind kind);  // "compute", "upload", "download", "copy"

// One step of the request's timeline. Transfers: the radio is active for
// [radio_start_ms, radio_start_ms + radio_ms); duration_ms also holds the rtt/2 propagation.
struct Span {
  SpanKind kind = SpanKind::kCompute;
  int resource = -1;  // compute: where; copy: destination processor; transfers: the cloud index
  int layer = -1;     // compute: the layer; otherwise -1
  std::vector<int> tensors;  // transfers and copies: indices into LayerGraph::tensors
  int64_t bytes = 0;
  double start_ms = 0;
  double duration_ms = 0;
  double radio_start_ms = 0;
  double radio_ms = 0;
  double energy_mJ = 0;  // compute: power * time on the phone; 0 for cloud compute and transfers
};

struct PhoneEnergy {
  double compute_mJ = 0;
  double idle_mJ = 0;
  hw::RadioEnergy radio;
  double total_mJ() const { return compute_mJ + idle_mJ + radio.total_mJ(); }
};

struct InferenceCost {
  hw::EvalStatus status;
  double latency_ms = 0;
  std::vector<double> busy_ms;  // compute time per resource (Scenario indices)
  double uplink_ms = 0;         // radio time sending (no propagation)
  double downlink_ms = 0;
  double copy_ms = 0;
  int64_t upload_bytes = 0;
  int64_t download_bytes = 0;
  PhoneEnergy energy;
  double cloud_cost_usd = 0;
  std::vector<Span> timeline;  // filled when asked for (EvalDetail::kTimeline)
};

enum class EvalDetail { kTotals, kTimeline };

// Contract: `table` was built from `graph` and `scenario`; placement has one valid resource per
// layer (std::invalid_argument otherwise: a programming error, not user input).
InferenceCost evaluate_placement(const LayerGraph& graph, const Scenario& scenario,
                                 const CostTable& table, const Placement& placement,
                                 EvalDetail detail = EvalDetail::kTotals);

// Weights of the layers on each resource + the largest layer's activations, against the
// resource's memory. ok() when everything fits.
hw::EvalStatus check_memory(const LayerGraph& graph, const Scenario& scenario,
                            const Placement& placement);
// One resource's part: `weights` bytes of weights + the largest layer's `activations`.
hw::EvalStatus memory_status(const Resource& resource, int64_t weights, int64_t activations);

}  // namespace dnntune::sim
