// Measured error of the efficiency-transfer method (hwmodels/README.md): calibrate one scale on
// the per-kind CPU efficiencies of a device with measurements (OnePlus 5T / Snapdragon 835),
// pass the scaled efficiencies to the roofline model of other CPUs through the calibrated-
// efficiency hook, and compare whole-model latencies with benchncnn measurements
// (../shared/data/measurements/ncnn_benchncnn/benchncnn_parsed.csv).
//
// benchncnn runs use a subset of the cores (e.g. the 4 big cores), so the peak used here is the
// peak of those cores, derived exactly as in the catalog comments (cores x GHz x FLOPs/cycle).
// ncnn computes in fp16 on ARMv8.2+ cores (Dimensity 9300) and in fp32 on ARMv8.0.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "hwmodels/device/device_spec.h"
#include "hwmodels/latency/roofline_model.h"
#include "tests/test_paths.h"
#include "traces/onnx/model_loader.h"

namespace dnntune::hw {
namespace {

struct BenchRun {
  const char* device;       // catalog name
  const char* setting;      // what benchncnn ran
  double used_peak_gflops;  // peak of the cores benchncnn used, at `precision`
  Precision precision;
  double measured_ms[3];  // squeezenet (v1.1), mobilenet_v2, resnet18: avg_ms
};

const char* const kModels[3] = {"squeezenet1_1", "mobilenet_v2", "resnet18"};

// benchncnn_parsed.csv rows (run_id) and the peak of the cores used (GHz x FLOPs/cycle x cores):
const BenchRun kCalibration = {"oneplus5t",
                               "SD835, 4 big cores (run 23)",
                               4 * 2.45 * 8,
                               Precision::kFp32,
                               {29.77, 29.41, 75.63}};
const BenchRun kTargets[] = {
    {"kirin970",
     "Kirin 970, 4 big cores (run 20)",
     4 * 2.36 * 8,
     Precision::kFp32,
     {25.83, 24.49, 73.45}},
    {"oneplus3",
     "SD821 (OnePlus 3 has SD820), 4 cores (run 31)",
     (2 * 2.35 + 2 * 2.19) * 8,
     Precision::kFp32,
     {18.78, 22.38, 44.88}},
    {"jetson_tx2",
     "TX2 NX CPU, 6 cores (run 109)",
     6 * 2.0 * 8,
     Precision::kFp32,
     {21.43, 24.10, 68.50}},
    {"dimensity9300",
     "Dimensity 9300, 8 cores, fp16 (run 211)",
     505.6 * 2,
     Precision::kFp16,
     {2.01, 2.89, 5.61}},
};

double predict_ms(const LayerGraph& graph, const BenchRun& run, double scale) {
  const DeviceSpec& device = find_device(run.device);
  ProcessorSpec cpu = device.processor("cpu");
  cpu.peak_gflops_fp32 = run.precision == Precision::kFp32 ? run.used_peak_gflops : 0;
  cpu.peak_gflops_fp16 = run.precision == Precision::kFp16 ? run.used_peak_gflops : 0;
  RooflineOptions options;
  options.precision = run.precision;
  // The calibrated profile of the same processor kind: the OnePlus 5T CPU's efficiencies, scaled.
  for (const auto& [kind, value] : find_device(kCalibration.device).processor("cpu").efficiency)
    options.efficiency_overrides[kind] = value * scale;
  const auto model = make_roofline_model(device, cpu, options);
  double total = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    const LayerEstimate e = model->estimate(graph.layer(i));
    EXPECT_TRUE(e.status.feasible) << e.status.reason;
    total += e.latency_ms;
  }
  return total;
}

// Geometric mean of predicted / measured over the three models.
double log_ratio(const std::vector<LayerGraph>& graphs, const BenchRun& run, double scale) {
  double sum = 0;
  for (size_t m = 0; m < graphs.size(); ++m)
    sum += std::log(predict_ms(graphs[m], run, scale) / run.measured_ms[m]);
  return sum / static_cast<double>(graphs.size());
}

TEST(EfficiencyTransfer, MeasuredErrorOnBenchncnn) {
  DNNTUNE_REQUIRE_SHARED();
  std::vector<LayerGraph> graphs;
  for (const char* name : kModels)
    graphs.push_back(load_layer_graph(test::shared_dir() + "/models/" + name + ".onnx"));

  // MobileNetV2 has 17 depthwise 3x3 convolutions; they must get the depthwise efficiency.
  int depthwise = 0;
  for (size_t i = 0; i < graphs[1].size(); ++i)
    depthwise += efficiency_kind(graphs[1].layer(i)) == "depthwise";
  EXPECT_EQ(depthwise, 17);

  // Calibrate: the scale s with geometric-mean ratio 1 on the calibration device (log_ratio falls
  // monotonically in s, so bisection in log space finds it).
  double lo = 1e-3, hi = 1e3;
  for (int i = 0; i < 200; ++i) {
    const double mid = std::sqrt(lo * hi);
    (log_ratio(graphs, kCalibration, mid) > 0 ? lo : hi) = mid;
  }
  const double scale = std::sqrt(lo * hi);
  std::printf("calibrated scale on %s: %.3f (Conv efficiency %.3f)\n", kCalibration.setting, scale,
              0.3 * scale);

  for (size_t m = 0; m < graphs.size(); ++m)
    std::printf("  fit on %s: %s measured %.2f ms, fitted %.2f ms\n", kCalibration.device,
                kModels[m], kCalibration.measured_ms[m],
                predict_ms(graphs[m], kCalibration, scale));
  double abs_err_transfer = 0, abs_err_prior = 0;
  int n = 0;
  std::printf("%-48s %-14s %9s %9s %7s %9s %7s\n", "target", "model", "meas ms", "xfer ms", "err %",
              "prior ms", "err %");
  for (const BenchRun& run : kTargets) {
    for (size_t m = 0; m < graphs.size(); ++m) {
      const double transferred = predict_ms(graphs[m], run, scale);
      const double prior = predict_ms(graphs[m], run, 1.0);
      const double err = 100 * (transferred / run.measured_ms[m] - 1);
      const double err_prior = 100 * (prior / run.measured_ms[m] - 1);
      std::printf("%-48s %-14s %9.2f %9.2f %+7.1f %9.2f %+7.1f\n", run.setting, kModels[m],
                  run.measured_ms[m], transferred, err, prior, err_prior);
      abs_err_transfer += std::fabs(err);
      abs_err_prior += std::fabs(err_prior);
      ++n;
    }
  }
  std::printf("mean absolute error: transferred %.1f %%, uncalibrated prior %.1f %% (%d runs)\n",
              abs_err_transfer / n, abs_err_prior / n, n);
  // The calibration must at least fit its own device, and transfer must not be worse than the
  // uncalibrated prior.
  EXPECT_NEAR(log_ratio(graphs, kCalibration, scale), 0, 1e-6);
  EXPECT_LE(abs_err_transfer, abs_err_prior);
}

}  // namespace
}  // namespace dnntune::hw
