// Latency model forms recover known laws; cross-validation prefers the form that generated the
// data.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "calibration/fit/kind_model.h"

namespace dnntune::calib {
namespace {

LayerFeatures conv_like(double macs, double in_bytes, double out_bytes, double weight_bytes) {
  LayerFeatures f;
  f.kind = "Conv";
  f.macs = macs;
  f.input_bytes = in_bytes;
  f.output_bytes = out_bytes;
  f.weight_bytes = weight_bytes;
  return f;
}

TEST(KindModel, RooflineRecoversAdditiveLawWithNonNegativeCoefficients) {
  // t = 0.02 + 0.004*MMACs + 0.3*MB_in + 0 + 0.1*MB_w  (exact, no noise)
  std::vector<Sample> samples;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 40; ++i) {
    const auto f = conv_like(1e6 * (1 + 500 * u(rng)), 1e6 * (0.05 + 2 * u(rng)), 1e6 * u(rng),
                             1e6 * 3 * u(rng));
    const double t =
        0.02 + 0.004 * f.macs / 1e6 + 0.3 * f.input_bytes / 1e6 + 0.1 * f.weight_bytes / 1e6;
    samples.push_back({f, t});
  }
  const KindModel m = fit_form("roofline", samples, FitOptions{});
  ASSERT_EQ(m.roofline.size(), 5u);
  for (double c : m.roofline) EXPECT_GE(c, 0.0);
  EXPECT_NEAR(m.roofline[1], 0.004, 2e-4);
  EXPECT_NEAR(m.roofline[2], 0.3, 0.02);
  EXPECT_LT(m.roofline[3], 0.02);  // the law has no output term
  EXPECT_LT(mape_pct(m, samples), 1.0);
}

TEST(KindModel, LogLinearRecoversPowerLawAndCvChoosesIt) {
  // t = 0.05 * MMACs^0.7 (log-space linear; the additive roofline cannot bend like this)
  std::vector<Sample> samples;
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 60; ++i) {
    const double mmacs = std::exp(std::log(0.1) + u(rng) * std::log(1e4));
    auto f = conv_like(mmacs * 1e6, 1e5 * (1 + u(rng)), 1e5 * (1 + u(rng)), 1e5 * (1 + u(rng)));
    samples.push_back(
        {f, 0.05 * std::pow(std::log1p(mmacs), 0.0) * std::exp(0.7 * std::log1p(mmacs))});
  }
  const KindModel m = fit_kind_model(samples, FitOptions{});
  EXPECT_NE(m.form, "roofline");
  EXPECT_LT(m.stats.cv_mape_pct, 5.0);
  EXPECT_GT(m.stats.candidates_cv_mape_pct.at("roofline"), m.stats.cv_mape_pct);
  EXPECT_EQ(m.stats.samples, 60);
}

TEST(KindModel, FewSamplesStillPredictPositive) {
  std::vector<Sample> samples = {{conv_like(2e6, 1e5, 1e5, 1e4), 0.5}};
  const KindModel m = fit_kind_model(samples, FitOptions{});
  EXPECT_NEAR(m.predict_ms(samples[0].features), 0.5, 0.05);
  EXPECT_GT(m.predict_ms(conv_like(4e6, 1e5, 1e5, 1e4)), 0.0);
}

TEST(KindModel, KnnCorrectsLocalDeviationFromTheGlobalLaw) {
  // A global power law with a local +40% bump for one kernel family (k=3 vs k=1): the neighbour
  // correction must reproduce the bump that a single log-linear law averages away.
  std::vector<Sample> samples;
  for (int i = 0; i < 30; ++i)
    for (double area : {1.0, 9.0}) {
      auto f = conv_like(1e6 * (1 + i), 1e5, 1e5, 1e4);
      f.kernel_area = area;
      f.out_channels = 8 + 8 * (i % 5);
      const double t = 0.01 * (1 + i) * (area == 9.0 && i >= 20 ? 1.4 : 1.0);
      samples.push_back({f, t});
    }
  const KindModel knn = fit_form("loglinear_knn", samples, FitOptions{});
  const KindModel lin = fit_form("loglinear", samples, FitOptions{});
  EXPECT_LT(mape_pct(knn, samples), mape_pct(lin, samples));
}

}  // namespace
}  // namespace dnntune::calib
