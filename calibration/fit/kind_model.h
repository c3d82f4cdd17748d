#pragma once
// Latency model of one layer kind, fitted on calibration kernels. Three forms compete per kind and
// k-fold cross-validation picks the one with the smallest relative error:
// - roofline: t = c0 + c1*MMACs + c2*MB_in + c3*MB_out + c4*MB_weights with every c >= 0
//   (non-negative least squares on relative residuals: the best of every support, exact);
// - loglinear: log t = b . log_features (ridge least squares, Eigen LDLT): a power law that
//   captures efficiency changing with size, kernel and channel counts;
// - loglinear_knn: loglinear plus the inverse-distance-weighted residual of the k nearest
//   calibration kernels in standardized log-feature space (a piecewise-local correction).
// Then a piecewise model competes with the best of them: one split on one feature (split_feature_
// names()), each side with its own best form. Engines switch algorithms at sizes: OpenCV 4.6 runs
// a 3x3 depthwise convolution on maps of 16x16 and below at ~1 GMAC/s and from 18x18 at 7-17
// GMAC/s (measured, 1 thread); no smooth law fits that step and neighbours across it mislead.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "calibration/fit/features.h"
#include "calibration/fit/knn_index.h"

namespace dnntune::calib {

struct Sample {
  LayerFeatures features;
  double latency_ms = 0;
};

struct FitStats {
  int samples = 0;
  double cv_mape_pct = 0;                                // of the chosen form
  double train_mape_pct = 0;                             // chosen form refitted on all samples
  std::map<std::string, double> candidates_cv_mape_pct;  // every form tried
};

struct KindModel {
  std::string form;               // "roofline" | "loglinear" | "loglinear_knn" | "split"
  std::vector<double> roofline;   // 5 non-negative coefficients (see above)
  std::vector<double> loglinear;  // one per log feature (possibly fewer: reduced feature set)
  // The unit of the size features of the log-linear and neighbour forms (features.h
  // size_unit_for): profiles without the key were fitted in millions.
  double size_unit = kDefaultSizeUnit;
  int knn_k = 0;
  std::vector<double> knn_scale;                // per log feature (without the constant) divisor
  std::vector<std::vector<double>> knn_points;  // standardized log features of the kernels
  std::vector<double> knn_residuals;            // log(t) - loglinear(x) of each kernel
  std::shared_ptr<const KnnIndex> knn_index;    // over knn_points (fit and profile load)
  // form "split": children[0] predicts where split_feature_value(f, split_feature) is below
  // split_threshold, children[1] elsewhere.
  int split_feature = -1;
  double split_threshold = 0;
  std::vector<KindModel> children;
  FitStats stats;

  // Contract: >= 0 for any features; finite.
  double predict_ms(const LayerFeatures& f) const;
};

struct FitOptions {
  int folds = 5;
  int knn_k = 3;
  double ridge_lambda = 1e-2;
  // Piecewise: tried with at least this many kernels on either side; kept when it cross-validates
  // below the best single form. 12, not 20: on the Xeon VM the fit keeps 56-66 depthwise
  // 3x3 kernels (the EPYC: 100-430), and with mobilenet_v2 held out fewer than 20 lay on the
  // small-map side, so Conv.dw lost its split and the model's 14x14 depthwise layers were predicted
  // 9x fast (run BE: -25.7 % held out; refitted with 12: +12.3 %, mnasnet1_0 -9.9 -> -0.8 %, and
  // at 2 threads mobilenet_v3_small -10.1 -> +0.7 %; run BD's figures within 3 points).
  // A kind with fewer than 4 x min_split_side kernels may split with sides of a quarter of them,
  // at least 4 (a short calibration: a 50 s one kept 10-16 depthwise 3x3 kernels, and without the
  // split every single form cross-validated them at 50-400 %).
  bool allow_split = true;
  int min_split_side = 12;
};

// Fits every form, cross-validates, returns the best refitted on all samples. Needs >= 1 sample.
KindModel fit_kind_model(const std::vector<Sample>& samples, const FitOptions& options = {});

// Fits one named form (used by cross-validation and tests).
KindModel fit_form(const std::string& form, const std::vector<Sample>& samples,
                   const FitOptions& options);

// Indexes knn_points (knn_index.h); without an index predict_ms scans every point.
void build_knn_index(KindModel& model);

// Mean absolute percentage error of `model` on `samples`, in percent.
double mape_pct(const KindModel& model, const std::vector<Sample>& samples);

}  // namespace dnntune::calib
