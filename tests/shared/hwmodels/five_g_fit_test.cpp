// The 5g preset's radio constants are a least-squares fit to the 5Gophers measurements; this
// refits them from ../shared and compares with the catalog, and checks the preset's rates and
// RTTs against the medians of the 5Gophers Ookla speedtests they cite.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "hwmodels/network/link.h"
#include "hwmodels/network/radio_fit.h"
#include "tests/test_paths.h"

namespace dnntune::hw {
namespace {

std::string data_dir() {
  return test::shared_dir() + "/data/network/5gophers_measurements/";
}

// Catalog values are rounded to 4-5 significant digits: compare to 0.1 %.
constexpr double kRelTol = 1e-3;

TEST(FiveGFit, RefitMatchesTheCatalog) {
  DNNTUNE_REQUIRE_SHARED();
  const auto samples =
      load_5gophers_power_csv(data_dir() + "power_throughput_rsrp_mi-combined.csv");
  const RadioPowerFit fit = fit_radio_power(samples);
  const RadioPowerModel stored = find_network_preset("5g").radio;
  std::cout << "5g fit: n=" << fit.samples << " alpha_up=" << fit.alpha_up_mW_per_Mbps
            << " alpha_down=" << fit.alpha_down_mW_per_Mbps << " beta=" << fit.beta_mW
            << " mW, RMSE=" << fit.rmse_mW << " mW, R^2=" << fit.r_squared
            << ", max up/down=" << fit.max_uplink_mbps << "/" << fit.max_downlink_mbps << " Mbps\n";
  EXPECT_EQ(fit.samples, 5091u);  // the nrStatus=CONNECTED rows
  EXPECT_NEAR(fit.alpha_up_mW_per_Mbps, stored.alpha_up_mW_per_Mbps,
              kRelTol * stored.alpha_up_mW_per_Mbps);
  EXPECT_NEAR(fit.alpha_down_mW_per_Mbps, stored.alpha_down_mW_per_Mbps,
              kRelTol * stored.alpha_down_mW_per_Mbps);
  EXPECT_NEAR(fit.beta_mW, stored.beta_mW, kRelTol * stored.beta_mW);
  // The residuals quoted in 5g.yaml.
  EXPECT_NEAR(fit.rmse_mW, 1012, 1);
  EXPECT_NEAR(fit.r_squared, 0.51, 0.005);
}

// Minimal reader for the speedtest CSV: comma-separated, fields may be "quoted, with commas".
std::vector<std::string> split_quoted(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      fields.emplace_back();
    else if (c != '\r')
      fields.back() += c;
  }
  return fields;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

struct Medians {
  double up = 0, down = 0, rtt = 0;
  size_t runs = 0;
};

Medians speedtest_medians(const std::string& radio_type) {
  std::ifstream in(data_dir() + "dataset_speedtest_ookla.csv");
  std::string line;
  std::getline(in, line);
  const auto header = split_quoted(line);
  auto col = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const size_t type = col("radio_type"), up = col("uplink_Mbps"), down = col("downlink_Mbps"),
               rtt = col("latency_ms");
  std::vector<double> ups, downs, rtts;
  while (std::getline(in, line)) {
    const auto f = split_quoted(line);
    if (f.size() != header.size() || f[type] != radio_type) continue;
    ups.push_back(std::stod(f[up]));
    downs.push_back(std::stod(f[down]));
    rtts.push_back(std::stod(f[rtt]));
  }
  return {median(ups), median(downs), median(rtts), rtts.size()};
}

TEST(FiveGFit, PresetRatesAreTheCitedSpeedtestMedians) {
  DNNTUNE_REQUIRE_SHARED();
  const Medians mmwave = speedtest_medians("5G-NSA-mmWave");
  EXPECT_EQ(mmwave.runs, 294u);
  const LinkSpec g5 = find_network_preset("5g");
  EXPECT_NEAR(g5.uplink_mbps, mmwave.up, 0.01);
  EXPECT_NEAR(g5.downlink_mbps, mmwave.down, 0.01);
  EXPECT_NEAR(g5.rtt_ms, mmwave.rtt, 1e-9);
  const Medians lte = speedtest_medians("4G-LTE");
  EXPECT_EQ(lte.runs, 144u);
  EXPECT_NEAR(find_network_preset("lte").rtt_ms, lte.rtt, 1e-9);
}

}  // namespace
}  // namespace dnntune::hw
