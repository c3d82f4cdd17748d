#pragma once
// The benchmark suite: the 13 models of the DNNTune study (Xia et al., ACM TACO 2019, Table 1)
// plus AlexNet, built with the ONNX protobuf API. A suite name works wherever a file path does.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "traces/onnx/onnx_builder.h"

namespace dnntune::zoo {

using WeightFill = dnntune::WeightFill;  // none: dims only, no payload (like ../shared/models)

struct ZooOptions {
  int64_t batch = 1;
  std::vector<int64_t> input_size;  // empty: the model's default (e.g. {224,224}, {35} tokens)
  WeightFill weights = WeightFill::kNone;
};

struct ZooEntry {
  std::string name;         // e.g. "resnet50"
  std::string description;  // one line
  std::string citation;     // the architecture's original paper
  int64_t table1_params;    // parameter count in DNNTune's Table 1
  // Contract: builds the model (opset 13, all shapes inferable); throws InputError(name, ...)
  // for options the model cannot take (batch < 1, a wrong --input-size).
  std::function<onnx::ModelProto(const ZooOptions&)> build;
  std::string default_input;  // e.g. "image 3x224x224", "20 token ids" (added after `build`)
};

// All suite models, in DNNTune's Table 1 order, AlexNet last. A function-local static registry.
const std::vector<ZooEntry>& registry();
// nullptr when `name` is not a suite model.
const ZooEntry* find(const std::string& name);
// "alexnet, deeplabv3, ..." for error messages.
std::string names_joined();

// Like find(name)->build(options), but an unknown name throws InputError(name, "unknown suite
// model; valid names: ...").
onnx::ModelProto build_model(const std::string& name, const ZooOptions& options = {});

// Parses "--input-size" text: "299x299" (images) or "35" (sequence length). Throws
// InputError("<command line>", ...) on anything else.
std::vector<int64_t> parse_input_size(const std::string& text);

}  // namespace dnntune::zoo
