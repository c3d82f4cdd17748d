// dnntune rank MODEL [--mobile DEVICE[,...]] [--cloud DEVICE] [--network PRESET[,...]]
//   [--objective latency|energy|cost|weighted] [--latency-weight W] [--format table|json]
//   [--plot FILE.png|.svg] [--profile PROFILE.yaml] [--input-shape ...] [--batch N]
// Ranks the deployment strategies of sim/strategies/strategies.h, best first, per network.
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "calibration/profile/device_profile.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/format.h"
#include "experiments/cli/link_options.h"
#include "experiments/cli/model_options.h"
#include "experiments/plots/split_figure.h"
#include "hwmodels/latency/roofline_model.h"
#include "sim/cost_table.h"
#include "sim/strategies/ranking_json.h"
#include "traces/common/error.h"

namespace dnntune::cli {

namespace {

// DNNTune's setting (Xia et al., TACO 2019): its three phones, its server, its networks.
const char* const kDnntunePhones = "redmi_note4x,oneplus3,oneplus5t";
const char* const kDnntuneCloud = "xeon_e5_2620v4";
const char* const kDnntuneNetworks = "3g,lte,wifi";

struct RankArgs {
  std::string model;
  std::string mobile = kDnntunePhones;
  std::string cloud = kDnntuneCloud;
  std::string networks = kDnntuneNetworks;
  std::string objective = "latency";
  double latency_weight = 0.5;
  std::string format = "table";
  std::string plot;
  std::string profile;
  ModelOptions model_options;
  LinkOverrides link_overrides;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  if (out.empty()) throw InputError("<command line>", "empty list '" + text + "'");
  return out;
}

std::string names_with_role(hw::DeviceRole role) {
  std::string names;
  for (const hw::DeviceSpec& d : hw::device_catalog())
    if (d.role == role) names += (names.empty() ? "" : ", ") + d.name;
  return names;
}

const hw::DeviceSpec& device_with_role(const std::string& name, bool cloud) {
  const hw::DeviceSpec& device = hw::find_device(name);  // lists every device when unknown
  const bool is_cloud = device.role == hw::DeviceRole::kCloud;
  if (cloud != is_cloud)
    throw InputError(
        name, std::string("is a ") + hw::device_role_name(device.role) + " device; " +
                  (cloud ? "--cloud takes one of: " + names_with_role(hw::DeviceRole::kCloud)
                         : "--mobile takes one of: " + names_with_role(hw::DeviceRole::kMobile) +
                               ", " + names_with_role(hw::DeviceRole::kBoard)));
  return device;
}

// A calibrated profile standing for one catalog processor. Where the profile measured no power
// (no RAPL counters, no meter log), the processor's declared active power is used instead.
class ProfileOnProcessor : public hw::LayerLatencyModel {
 public:
  ProfileOnProcessor(const calib::DeviceProfile& profile, const hw::DeviceSpec& device,
                     const hw::ProcessorSpec& p)
      : profile_(profile),
        declared_power_W_(p.active_power_W),
        name_(profile.describe() + " as " + device.name + "/" + p.name) {}
  hw::LayerEstimate estimate(const Layer& layer) const override {
    return with_power(profile_.estimate(layer));
  }
  hw::LayerEstimate estimate(const Layer& layer, const hw::ModelContext& context) const override {
    return with_power(profile_.estimate(layer, context));
  }
  std::string describe() const override { return name_; }

 private:
  hw::LayerEstimate with_power(hw::LayerEstimate e) const {
    if (e.power_W <= 0) e.power_W = declared_power_W_;
    return e;
  }
  calib::DeviceProfile profile_;
  double declared_power_W_;
  std::string name_;
};

// The latency model of every processor of `device`: the catalog's roofline model, except the
// processor whose kind matches a calibrated profile's processor_kind, which the profile replaces
// (a calibrated profile overrides the roofline model; hwmodels/README.md).
std::vector<std::unique_ptr<hw::LayerLatencyModel>> latency_models(
    const hw::DeviceSpec& device, const calib::DeviceProfile* profile) {
  std::vector<std::unique_ptr<hw::LayerLatencyModel>> models;
  bool profile_used = profile == nullptr;
  for (const hw::ProcessorSpec& p : device.processors) {
    if (!profile_used && hw::processor_kind_name(p.kind) == profile->processor_kind) {
      models.push_back(std::make_unique<ProfileOnProcessor>(*profile, device, p));
      profile_used = true;
    } else {
      models.push_back(hw::make_roofline_model(device, p));
    }
  }
  return models;
}

std::string ms_text(double ms) {
  return fixed(ms, ms < 10 ? 2 : 1);
}
std::string usd_text(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", usd);
  return buf;
}

void print_table(const LayerGraph& graph, const sim::Scenario& scenario,
                 const std::vector<sim::NetworkRanking>& networks, std::ostream& out) {
  for (const sim::NetworkRanking& n : networks) {
    out << graph.model_name << " on " << scenario.mobile_name << " + " << scenario.cloud_name
        << ", network " << n.network << ", objective "
        << sim::objective_name(n.ranking.objective.objective) << "\n";
    TextTable table({"rank", "strategy", "split_after", "layer", "latency_ms", "energy_mJ",
                     "upload_bytes", "cost_usd", "pareto"},
                    {true, false, true, false, true, true, true, true, false});
    int rank = 0;
    std::vector<std::string> reasons;
    for (const sim::StrategyResult& r : n.ranking.ranked) {
      const bool ok = r.cost.status.feasible;
      const bool split = r.split_after != sim::Placement::kNotASplit;
      std::string layer = "-";
      if (split && r.split_after >= 0) layer = graph.layer(static_cast<size_t>(r.split_after)).name;
      if (split && r.split_after < 0) layer = "(input)";
      if (!ok) {
        table.add_row({"-", r.strategy, split ? std::to_string(r.split_after) : "-", layer,
                       "infeasible", "-", "-", "-", ""});
        reasons.push_back(r.strategy + ": " + r.cost.status.reason);
        continue;
      }
      table.add_row({std::to_string(++rank), r.strategy,
                     split ? std::to_string(r.split_after) : "-", layer, ms_text(r.cost.latency_ms),
                     fixed(r.cost.energy.total_mJ(), 1), with_separators(r.cost.upload_bytes),
                     usd_text(r.cost.cloud_cost_usd), r.pareto ? "*" : ""});
    }
    table.print(out);
    for (const std::string& reason : reasons) out << "infeasible: " << reason << "\n";
    const sim::ScenarioRanking& k = n.ranking;
    if (!k.ranked.empty() && k.ranked.front().cost.status.feasible) {
      out << "best: " << k.ranked.front().strategy;
      if (k.speedup_vs_mobile > 0)
        out << "; vs mobile-only " << fixed(k.speedup_vs_mobile, 2) << "x faster, energy saving "
            << fixed(100 * k.energy_saving_vs_mobile, 1) << "%";
      if (k.speedup_vs_cloud > 0)
        out << "; vs cloud-only " << fixed(k.speedup_vs_cloud, 2) << "x faster, energy saving "
            << fixed(100 * k.energy_saving_vs_cloud, 1) << "%";
      out << "\n";
    }
    out << "\n";
  }
}

void run_rank(const RankArgs& args) {
  const sim::Objective objective = sim::parse_objective(args.objective);
  if (!(args.latency_weight >= 0 && args.latency_weight <= 1))
    throw InputError("<command line>", "--latency-weight must be in [0, 1]");
  const LayerGraph graph = load_layer_graph(args.model, args.model_options.to_load_options());
  for (const auto& w : graph.warnings)
    std::cerr << "dnntune: warning: " << args.model << ": " << w << "\n";
  // Resolve every name before any work, so a typo fails fast.
  const hw::DeviceSpec& cloud = device_with_role(args.cloud, true);
  std::vector<const hw::DeviceSpec*> phones;
  for (const std::string& name : split_list(args.mobile))
    phones.push_back(&device_with_role(name, false));
  std::vector<hw::LinkSpec> links;
  for (const std::string& name : split_list(args.networks))
    links.push_back(args.link_overrides.apply(hw::find_network_preset(name)));

  std::unique_ptr<calib::DeviceProfile> profile;
  if (!args.profile.empty())
    profile = std::make_unique<calib::DeviceProfile>(calib::read_profile(args.profile));
  for (const hw::DeviceSpec* phone : phones) {
    bool has_kind = false;
    for (const auto& p : phone->processors)
      has_kind =
          has_kind || (profile && hw::processor_kind_name(p.kind) == profile->processor_kind);
    if (profile && !has_kind)
      throw InputError(args.profile, "profile for a " + profile->processor_kind + " but " +
                                         phone->name + " has no processor of that kind");
  }
  const auto cloud_models = latency_models(cloud, nullptr);
  std::ostringstream text;
  bool plotted = false;
  for (const hw::DeviceSpec* phone : phones) {
    const auto phone_models = latency_models(*phone, profile.get());
    std::vector<const hw::LayerLatencyModel*> raw;
    for (const auto& m : phone_models) raw.push_back(m.get());
    sim::Scenario scenario =
        sim::scenario_from_devices(*phone, raw, cloud, cloud_models.front().get(), links.front());
    const sim::CostTable table = sim::CostTable::build(graph, scenario);  // link-independent
    std::vector<sim::NetworkRanking> rankings;
    std::vector<plots::SplitCurve> curves;
    int plot_processor = 0;
    for (const hw::LinkSpec& link : links) {
      scenario.link = link;
      rankings.push_back({link.name, sim::rank_strategies(graph, scenario, table, objective,
                                                          args.latency_weight)});
    }
    if (args.format == "json")
      text << sim::ranking_json(graph, scenario, rankings).dump() << "\n";
    else
      print_table(graph, scenario, rankings, text);
    if (!args.plot.empty() && !plotted) {
      // The figure shows the first phone, on the processor of its first network's best split.
      for (const sim::StrategyResult& r : rankings.front().ranking.ranked) {
        if (r.strategy.rfind("best-split:", 0) != 0) continue;
        for (size_t p = 0; p < scenario.phone.size(); ++p)
          if (r.strategy == "best-split:" + scenario.phone[p].name)
            plot_processor = static_cast<int>(p);
        break;
      }
      for (size_t i = 0; i < rankings.size(); ++i)
        curves.push_back({rankings[i].network, rankings[i].ranking.splits.at(plot_processor)});
      plots::write_split_figure(args.plot,
                                graph.model_name + " on " + phone->name + " (" +
                                    scenario.phone[plot_processor].name + ") + " + cloud.name,
                                graph, scenario, table, plot_processor, curves);
      plotted = true;
    }
  }
  std::cout << text.str();
}

}  // namespace

CommandDef rank_command() {
  return {"rank",
          "Rank deployment strategies (phone, cloud, splits, DAG cuts) by latency, energy or cost",
          [](CLI::App& sub) {
            auto args = std::make_shared<RankArgs>();
            sub.add_option("MODEL", args->model,
                           "ONNX file or suite model name (see `dnntune zoo list`)")
                ->required();
            sub.add_option("--mobile", args->mobile,
                           "Phone(s), comma-separated (see `dnntune devices list`)")
                ->capture_default_str();
            sub.add_option("--cloud", args->cloud, "Cloud device")->capture_default_str();
            sub.add_option("--network", args->networks, "Network preset(s), comma-separated")
                ->capture_default_str();
            sub.add_option("--objective", args->objective, "latency, energy, cost or weighted")
                ->capture_default_str();
            sub.add_option(
                   "--latency-weight", args->latency_weight,
                   "weighted objective: w * latency/latency_ref + (1-w) * energy/energy_ref")
                ->capture_default_str();
            sub.add_option("--format", args->format, "Output format")
                ->check(CLI::IsMember({"table", "json"}))
                ->capture_default_str();
            sub.add_option("--plot", args->plot, "Write the split figure to FILE.png or FILE.svg");
            sub.add_option("--profile", args->profile,
                           "Calibrated device profile (dnntune fit): replaces the roofline model "
                           "of the phone processor of its kind");
            args->model_options.add_to(sub);
            args->link_overrides.add_to(sub);
            sub.callback([args] { run_rank(*args); });
          }};
}

}  // namespace dnntune::cli
