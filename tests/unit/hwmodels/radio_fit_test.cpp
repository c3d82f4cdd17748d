// Least-squares fit of P = alpha_up * up + alpha_down * down + beta, on synthetic data with a
// known answer, and the 5Gophers CSV reader on broken input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "hwmodels/network/radio_fit.h"
#include "traces/common/error.h"

namespace dnntune::hw {
namespace {

using ::testing::HasSubstr;

TEST(RadioFit, RecoversExactCoefficients) {
  std::vector<PowerSample> samples;
  for (int i = 0; i < 50; ++i) {
    const double up = (i % 7) * 3.0, down = (i % 11) * 40.0 + i;
    samples.push_back({up, down, 400.0 * up + 50.0 * down + 1200.0});
  }
  const RadioPowerFit fit = fit_radio_power(samples);
  EXPECT_NEAR(fit.alpha_up_mW_per_Mbps, 400, 1e-8);
  EXPECT_NEAR(fit.alpha_down_mW_per_Mbps, 50, 1e-8);
  EXPECT_NEAR(fit.beta_mW, 1200, 1e-7);
  EXPECT_NEAR(fit.rmse_mW, 0, 1e-7);
  EXPECT_NEAR(fit.r_squared, 1, 1e-12);
  EXPECT_EQ(fit.samples, 50u);
}

TEST(RadioFit, NoiseGivesTheExpectedResidual) {
  // +-100 mW alternating noise is orthogonal to nothing in particular; RMSE must be ~100.
  std::vector<PowerSample> samples;
  for (int i = 0; i < 400; ++i) {
    const double up = (i % 5) * 2.0, down = (i % 13) * 30.0;
    samples.push_back({up, down, 300.0 * up + 20.0 * down + 900.0 + (i % 2 ? 100.0 : -100.0)});
  }
  const RadioPowerFit fit = fit_radio_power(samples);
  EXPECT_NEAR(fit.rmse_mW, 100, 5);
  EXPECT_NEAR(fit.alpha_down_mW_per_Mbps, 20, 0.5);
}

TEST(RadioFit, RankDeficientDataIsAnError) {
  std::vector<PowerSample> downlink_only;
  for (int i = 0; i < 10; ++i) downlink_only.push_back({0, i * 10.0, 1000 + i * 5.0});
  EXPECT_THROW(fit_radio_power(downlink_only), InputError);
  EXPECT_THROW(fit_radio_power({{1, 2, 3}}), InputError);
}

std::string csv_error(const std::string& text) {
  const std::string path = ::testing::TempDir() + "/dnntune_power.csv";
  std::ofstream(path) << text;
  try {
    load_5gophers_power_csv(path);
  } catch (const InputError& e) {
    std::remove(path.c_str());
    return e.what();
  }
  std::remove(path.c_str());
  return "<no error>";
}

TEST(RadioFit, CsvReaderRejectsBrokenInput) {
  const std::string header = "Timestamp,nrStatus,downlink_Mbps,uplink_Mbps,hardware_power\n";
  EXPECT_THAT(csv_error("Timestamp,nrStatus,downlink_Mbps\n"), HasSubstr("missing column"));
  EXPECT_THAT(csv_error(header + "1,CONNECTED,10,x,500\n"),
              HasSubstr("line 2: column uplink_Mbps"));
  EXPECT_THAT(csv_error(header + "1,CONNECTED,10\n"), HasSubstr("line 2: expected 5 fields"));
  EXPECT_THAT(csv_error(""), HasSubstr("empty file"));
  EXPECT_EQ(csv_error(header + "1,CONNECTED,10,1,500\n2,NONE,1,1,1\n"), "<no error>");
}

}  // namespace
}  // namespace dnntune::hw
