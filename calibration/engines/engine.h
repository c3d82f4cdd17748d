#pragma once
// Inference engines that run an ONNX model on this machine and report per-node and end-to-end
// times. Calibration kernels and whole models go through the same interface, so an engine whose
// traces are imported from a device (a later issue) plugs in beside OpenCV DNN.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace dnntune::calib {

// One forward pass.
struct RunTiming {
  double total_ms = 0;  // wall clock of the whole forward pass
  double cpu_ms = -1;   // CPU time of the process during the pass (all threads); < 0 unknown
  // Time per ONNX node name. Nodes the engine fused into a neighbour report 0; every node of the
  // model that the engine executes appears (nodes the engine folded away at import too, with 0).
  std::map<std::string, double> node_ms;
};

// Contract: a LoadedModel is one model prepared by an engine; run() executes one forward pass on
// fixed random inputs and returns its timing. run() may be called any number of times.
class LoadedModel {
 public:
  virtual ~LoadedModel() = default;
  virtual RunTiming run() = 0;
};

// Contract: load() takes a model whose stripped weights may lack payloads (the engine fills them
// with random values and may rescale what it filled, never real weights) and either returns a
// runnable model or throws InputError(source, message) naming the node the engine rejected. Engines
// are not thread-safe.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string name() const = 0;     // "opencv"
  virtual std::string version() const = 0;  // "4.6.0"
  virtual int threads() const = 0;
  virtual std::unique_ptr<LoadedModel> load(const onnx::ModelProto& model,
                                            const std::string& source) = 0;
};

struct EngineOptions {
  int threads = 1;
};

// Registry of engines by name (engine_registry.cpp, one function-local static list); throws
// InputError("<command line>", ...) listing the known ones.
std::unique_ptr<Engine> make_engine(const std::string& name, const EngineOptions& options);
std::vector<std::string> engine_names();

}  // namespace dnntune::calib
