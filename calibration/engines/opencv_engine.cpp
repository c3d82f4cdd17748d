#include "calibration/engines/opencv_engine.h"

#include <chrono>
#include <ctime>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <random>
#include <regex>
#include <set>

#include "calibration/engines/model_prep.h"
#include "traces/common/error.h"

namespace dnntune::calib {
namespace {

// OpenCV's importer names each layer after its node's first output (and adds helper layers
// named "<that>/suffix" for some ops). Returns output name -> node name for every node.
std::map<std::string, std::string> output_to_node(const onnx::GraphProto& graph) {
  std::map<std::string, std::string> map;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    const std::string node_name =
        node.name().empty() ? node.op_type() + "_" + std::to_string(i) : node.name();
    for (const auto& out : node.output()) map[out] = node_name;
  }
  return map;
}

// OpenCV 4.6 names layers and nodes in messages "onnx_node!<node name>".
std::string strip_prefix(const std::string& name) {
  static const std::string kPrefix = "onnx_node!";
  return name.compare(0, kPrefix.size(), kPrefix) == 0 ? name.substr(kPrefix.size()) : name;
}

std::string first_line(const std::string& text) {
  const auto pos = text.find('\n');
  return pos == std::string::npos ? text : text.substr(0, pos);
}

class OpenCvModel : public LoadedModel {
 public:
  OpenCvModel(cv::dnn::Net net, std::vector<std::string> layer_to_node,
              std::vector<std::string> all_nodes,
              std::vector<std::pair<std::string, cv::Mat>> inputs)
      : net_(std::move(net)),
        layer_to_node_(std::move(layer_to_node)),
        all_nodes_(std::move(all_nodes)),
        inputs_(std::move(inputs)) {
    out_names_ = net_.getUnconnectedOutLayersNames();
  }

  RunTiming run() override {
    for (auto& [name, blob] : inputs_) net_.setInput(blob, name);
    std::vector<cv::Mat> outs;
    timespec cpu0{}, cpu1{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
    const auto start = std::chrono::steady_clock::now();
    net_.forward(outs, out_names_);
    const auto stop = std::chrono::steady_clock::now();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
    RunTiming timing;
    timing.total_ms = std::chrono::duration<double, std::milli>(stop - start).count();
    timing.cpu_ms = (cpu1.tv_sec - cpu0.tv_sec) * 1e3 + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e6;
    for (const auto& node : all_nodes_) timing.node_ms[node] = 0;
    std::vector<double> ticks;
    net_.getPerfProfile(ticks);
    const double ms_per_tick = 1000.0 / cv::getTickFrequency();
    for (size_t i = 0; i < ticks.size() && i < layer_to_node_.size(); ++i)
      if (!layer_to_node_[i].empty()) timing.node_ms[layer_to_node_[i]] += ticks[i] * ms_per_tick;
    return timing;
  }

 private:
  cv::dnn::Net net_;
  std::vector<std::string> layer_to_node_;  // by OpenCV layer id - 1 ("" for gaps)
  std::vector<std::string> all_nodes_;
  std::vector<std::pair<std::string, cv::Mat>> inputs_;
  std::vector<std::string> out_names_;
};

// Imports `model`, turning the importer's failure into an error that names the rejected node.
cv::dnn::Net import_model(const onnx::ModelProto& model, const std::string& source) {
  std::string bytes;
  model.SerializeToString(&bytes);
  try {
    return cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  } catch (const cv::Exception& e) {
    // OpenCV's message names the node: "... Node [Gather@ai.onnx]:(onnx_node!Gather_0) parse error:
    // ..."
    const std::string what = e.what();
    std::smatch m;
    static const std::regex node_re(R"(Node \[([^\]]*)\]:\(([^)]*)\))");
    if (std::regex_search(what, m, node_re))
      throw InputError(source, "OpenCV DNN " + std::string(CV_VERSION) + " rejects node '" +
                                   strip_prefix(m[2].str()) + "' (" + m[1].str() +
                                   "): " + first_line(what.substr(m.position(0) + m.length(0))));
    throw InputError(source, "OpenCV DNN " + std::string(CV_VERSION) +
                                 " cannot import the model: " + first_line(e.err));
  }
}

// Fixed random inputs of the declared shapes (dynamic dims taken as 1), uniform in [0, 1) like
// a normalised image.
InputBlobs fixed_inputs(const onnx::ModelProto& model) {
  std::set<std::string> initializers;
  for (const auto& init : model.graph().initializer()) initializers.insert(init.name());
  InputBlobs inputs;
  cv::RNG rng(7);
  for (const auto& in : model.graph().input()) {
    if (initializers.count(in.name())) continue;
    std::vector<int> dims;
    for (const auto& d : in.type().tensor_type().shape().dim())
      dims.push_back(d.has_dim_value() && d.dim_value() > 0 ? static_cast<int>(d.dim_value()) : 1);
    if (dims.empty()) dims.push_back(1);
    cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F);
    rng.fill(blob, cv::RNG::UNIFORM, 0.0, 1.0);
    inputs.emplace_back(in.name(), blob);
  }
  return inputs;
}

}  // namespace

void OpenCvEngine::normalise_channels(const onnx::ModelProto& original, onnx::ModelProto& model,
                                      const std::set<std::string>& filled, const InputBlobs& inputs,
                                      const std::string& source) {
  const std::vector<ChannelLayer> layers = channel_layers(model, filled);
  // A kernel (one filled layer) is left as it is: its output over [0, 1) inputs already has
  // unit-range values (He-uniform weights give variance 2/3 plus a bias in [0.5, 1)), and a
  // statistics pass would double the cost of loading each of the thousands of kernels.
  if (layers.size() < 2) return;
  std::string key;
  original.SerializeToString(&key);
  const size_t hash = std::hash<std::string>{}(key);
  auto it = statistics_.find(hash);
  if (it == statistics_.end()) {
    try {
      it = statistics_.emplace(hash, measure_channel_statistics(model, layers, inputs)).first;
    } catch (const cv::Exception& e) {
      import_model(model, source);  // a model the importer rejects is reported as such
      throw InputError(source, "OpenCV DNN " + std::string(CV_VERSION) +
                                   " cannot run the channel-normalisation pass (in " + e.func +
                                   "): " + first_line(e.err));
    }
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    const ChannelStatistics& s = it->second[i];
    if (s.stddev.size() == static_cast<size_t>(layers[i].channels))
      fold_channel_statistics(model, layers[i], s.mean, s.stddev);
  }
}

OpenCvEngine::OpenCvEngine(int threads) : threads_(threads) {
  if (threads < 1)
    throw InputError("<command line>", "--threads must be >= 1, got " + std::to_string(threads));
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  cv::setNumThreads(threads);
}

std::string OpenCvEngine::version() const {
  return CV_VERSION;
}

std::unique_ptr<LoadedModel> OpenCvEngine::load(const onnx::ModelProto& original,
                                                const std::string& source) {
  cv::setNumThreads(threads_);
  onnx::ModelProto model = original;
  const std::set<std::string> filled = fill_stripped_weights(model);
  rewrite_clip_inputs_to_attributes(model);
  const InputBlobs inputs = fixed_inputs(model);
  normalise_channels(original, model, filled, inputs, source);
  cv::dnn::Net net = import_model(model, source);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);

  const auto out2node = output_to_node(model.graph());
  std::vector<std::string> all_nodes;
  for (const auto& [out, node] : out2node) all_nodes.push_back(node);
  std::sort(all_nodes.begin(), all_nodes.end());
  all_nodes.erase(std::unique(all_nodes.begin(), all_nodes.end()), all_nodes.end());

  std::map<std::string, std::string> name2node;  // node names and output names -> node name
  for (const auto& [out, node] : out2node) name2node[out] = node, name2node[node] = node;
  // getPerfProfile's timings are indexed by layer id - 1, and ids have gaps where the importer
  // dropped layers, so each name is placed at its own id (not at its position in the name list).
  std::vector<std::string> layer_to_node;
  for (const std::string& full_name : net.getLayerNames()) {
    const int id = net.getLayerId(full_name);
    if (id < 1) continue;
    std::string layer = full_name;
    // OpenCV 4.6 names a layer "onnx_node!<node name>" (the first output when the node is unnamed).
    static const std::string kPrefix = "onnx_node!";
    if (layer.compare(0, kPrefix.size(), kPrefix) == 0) layer = layer.substr(kPrefix.size());
    auto it = name2node.find(layer);
    // Helper layers: "<output>/suffix" or "<output>_suffix"; map them to the longest matching
    // output.
    std::string best;
    if (it != name2node.end())
      best = it->second;
    else {
      size_t best_len = 0;
      for (const auto& [out, node] : name2node)
        if (out.size() > best_len && layer.compare(0, out.size(), out) == 0)
          best = node, best_len = out.size();
    }
    if (layer_to_node.size() < static_cast<size_t>(id)) layer_to_node.resize(id);
    layer_to_node[id - 1] = best;
  }

  auto loaded = std::make_unique<OpenCvModel>(std::move(net), std::move(layer_to_node),
                                              std::move(all_nodes), std::move(inputs));
  try {
    loaded->run();  // the first pass finishes OpenCV's setup (layer fusion, allocation)
  } catch (const cv::Exception& e) {
    throw InputError(source, "OpenCV DNN " + std::string(CV_VERSION) +
                                 " fails to run the model (in " + e.func +
                                 "): " + first_line(e.err));
  }
  return loaded;
}

}  // namespace dnntune::calib
