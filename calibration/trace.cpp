#include "calibration/trace.h"

#include <fstream>
#include <sstream>

#include "traces/common/error.h"
#include "traces/common/fnv1a.h"

namespace dnntune::calib {

std::string header_to_line(const TraceHeader& h) {
  nlohmann::json j = {{"record", "header"},
                      {"format", kTraceFormat},
                      {"version", kTraceVersion},
                      {"host_cpu", h.host_cpu},
                      {"cores", h.cores},
                      {"engine", h.engine},
                      {"engine_version", h.engine_version},
                      {"threads", h.threads},
                      {"date", h.date},
                      {"tool_version", h.tool_version},
                      {"budget_s", h.budget_s},
                      {"load_avg_1m", h.load_avg_1m},
                      {"priors", h.priors},
                      {"excluded_models", h.excluded_models},
                      {"rapl", h.rapl},
                      {"timing", h.timing},
                      {"allocator", h.allocator},
                      {"reference_ms", h.reference_ms},
                      {"llc_bytes", h.llc_bytes},
                      {"l2_bytes", h.l2_bytes},
                      {"stream_weight_bytes", h.stream_weight_bytes},
                      {"stream_ms", h.stream_ms},
                      {"core_to_core_ns", h.core_to_core_ns}};
  return j.dump();
}

std::string kernel_to_line(const KernelRecord& r) {
  nlohmann::json j = {{"record", "kernel"},
                      {"kind", r.features.kind},
                      {"spec", spec_to_json(r.spec)},
                      {"features", features_to_json(r.features)},
                      {"shapes", r.shapes},
                      {"macs", r.features.macs},
                      {"bytes",
                       {{"input", r.features.input_bytes},
                        {"output", r.features.output_bytes},
                        {"weight", r.features.weight_bytes}}},
                      {"median_ms", r.median_ms},
                      {"p10_ms", r.p10_ms},
                      {"p90_ms", r.p90_ms},
                      {"total_median_ms", r.total_median_ms},
                      {"repeats", r.repeats},
                      {"noisy", r.noisy}};
  if (r.energy_mJ >= 0) j["energy_mJ"] = r.energy_mJ;
  if (r.state_ratio > 0) j["state_ratio"] = r.state_ratio;
  return j.dump();
}

std::string in_model_to_line(const InModelRecord& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : r.layers) layers.push_back({{"key", l.key}, {"ms", l.ms}});
  return nlohmann::json{{"record", "in_model"},
                        {"model", r.model},
                        {"state_ratio", r.state_ratio},
                        {"layers", layers}}
      .dump();
}

std::string fusion_to_line(const FusionProbe& p) {
  return nlohmann::json{{"record", "fusion_probe"},
                        {"anchor", p.anchor},
                        {"next", p.next},
                        {"a_ms", p.a_ms},
                        {"b_ms", p.b_ms},
                        {"ab_ms", p.ab_ms},
                        {"b_in_ab_ms", p.b_in_ab_ms}}
      .dump();
}

Trace parse_trace(const std::string& text, const std::string& source) {
  Trace trace;
  trace.content_hash = fnv1a64(text);
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = "line " + std::to_string(line_no) + ": ";
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError(source, where + "not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!j.is_object() || !j.contains("record") || !j.at("record").is_string())
      throw InputError(source, where + "record lacks key 'record'");
    const std::string kind = j.at("record").get<std::string>();
    try {
      if (!have_header) {
        if (kind != "header")
          throw InputError(source,
                           where + "the first record must be the header, got '" + kind + "'");
        if (j.value("format", std::string()) != kTraceFormat)
          throw InputError(source, where + "not a dnntune calibration trace (format '" +
                                       j.value("format", std::string()) + "')");
        const int version = j.value("version", 0);
        if (version != kTraceVersion)
          throw InputError(source, where + "trace version " + std::to_string(version) +
                                       " is not supported (this dnntune reads version " +
                                       std::to_string(kTraceVersion) + ")");
        auto& h = trace.header;
        h.host_cpu = j.at("host_cpu").get<std::string>();
        h.cores = j.at("cores").get<int>();
        h.engine = j.at("engine").get<std::string>();
        h.engine_version = j.at("engine_version").get<std::string>();
        h.threads = j.at("threads").get<int>();
        h.date = j.at("date").get<std::string>();
        h.tool_version = j.at("tool_version").get<std::string>();
        h.budget_s = j.value("budget_s", 0.0);
        h.load_avg_1m = j.value("load_avg_1m", 0.0);
        h.priors = j.value("priors", std::vector<std::string>{});
        h.excluded_models = j.value("excluded_models", std::vector<std::string>{});
        h.rapl = j.value("rapl", false);
        h.timing = j.value("timing", std::string("wall"));
        h.allocator = j.value("allocator", std::string());
        h.reference_ms = j.value("reference_ms", 0.0);
        h.llc_bytes = j.value("llc_bytes", 0.0);
        h.l2_bytes = j.value("l2_bytes", 0.0);
        h.stream_weight_bytes = j.value("stream_weight_bytes", 0.0);
        h.stream_ms = j.value("stream_ms", 0.0);
        h.core_to_core_ns = j.value("core_to_core_ns", 0.0);
        have_header = true;
      } else if (kind == "kernel") {
        KernelRecord r;
        if (!j.contains("spec")) throw InputError(source, where + "kernel record lacks key 'spec'");
        if (!j.contains("features"))
          throw InputError(source, where + "kernel record lacks key 'features'");
        try {
          r.spec = spec_from_json(j.at("spec"), source);
          r.features = features_from_json(j.at("features"), source);
          // Traces written before grouped convolutions and broadcast Muls had their own kinds read
          // as they would be written now (depthwise ones already had theirs).
          if (r.spec.op == "Conv" && r.spec.group > 1 &&
              (r.features.kind == "Conv" || r.features.kind == "Conv.1x1"))
            r.features.kind = kGroupedConvKind;
          if (r.spec.op == "Mul" && r.spec.broadcast && r.features.kind == "Mul")
            r.features.kind = kBroadcastMulKind;
        } catch (const InputError& e) {
          throw InputError(source, where + e.message());
        }
        r.shapes = j.value("shapes", nlohmann::json::object());
        for (const char* key : {"median_ms", "p10_ms", "p90_ms", "repeats"})
          if (!j.contains(key) || !j.at(key).is_number())
            throw InputError(source, where + "kernel record lacks numeric key '" + key + "'");
        r.median_ms = j.at("median_ms").get<double>();
        r.p10_ms = j.at("p10_ms").get<double>();
        r.p90_ms = j.at("p90_ms").get<double>();
        r.total_median_ms = j.value("total_median_ms", r.median_ms);
        r.repeats = j.at("repeats").get<int>();
        r.noisy = j.value("noisy", false);
        r.energy_mJ = j.value("energy_mJ", -1.0);
        r.state_ratio = j.value("state_ratio", 0.0);
        if (r.median_ms < 0) throw InputError(source, where + "negative median_ms");
        trace.kernels.push_back(std::move(r));
      } else if (kind == "fusion_probe") {
        FusionProbe p;
        p.anchor = j.at("anchor").get<std::string>();
        p.next = j.at("next").get<std::string>();
        p.a_ms = j.at("a_ms").get<double>();
        p.b_ms = j.at("b_ms").get<double>();
        p.ab_ms = j.at("ab_ms").get<double>();
        p.b_in_ab_ms = j.value("b_in_ab_ms", -1.0);
        trace.fusion.push_back(p);
      } else if (kind == "in_model") {
        InModelRecord r;
        r.model = j.at("model").get<std::string>();
        r.state_ratio = j.value("state_ratio", 0.0);
        for (const auto& l : j.at("layers")) {
          InModelRecord::LayerTime t{l.at("key").get<std::string>(), l.at("ms").get<double>()};
          if (t.ms < 0) throw InputError(source, where + "negative layer time in model " + r.model);
          r.layers.push_back(std::move(t));
        }
        trace.in_model.push_back(std::move(r));
      } else if (kind == "header") {
        throw InputError(source, where + "a second header record");
      } else {
        throw InputError(source, where + "unknown record '" + kind +
                                     "' (known: header, kernel, fusion_probe, in_model)");
      }
    } catch (const nlohmann::json::exception& e) {
      throw InputError(source, where + kind + " record has a missing or mistyped key (" +
                                   std::string(e.what()) + ")");
    }
  }
  if (!have_header) throw InputError(source, "empty trace: no header record");
  return trace;
}

Trace read_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the trace file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_trace(text.str(), path);
}

}  // namespace dnntune::calib
