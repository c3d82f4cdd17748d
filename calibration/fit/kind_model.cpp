#include "calibration/fit/kind_model.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

namespace dnntune::calib {

namespace {

std::vector<double> roofline_inputs(const LayerFeatures& f) {
  return {1.0, f.macs / 1e6, f.input_bytes / 1e6, f.output_bytes / 1e6, f.weight_bytes / 1e6};
}

// Non-negative least squares on relative residuals: minimise sum_i ((x_i . c - y_i) / y_i)^2 over
// c >= 0. The optimum's non-zero coefficients are the unconstrained least-squares solution on
// that support (its KKT conditions), so trying every support of the 5 coefficients (31 small QR
// solves) and keeping the best non-negative solution is exact. It replaced Levenberg-Marquardt on
// c = p^2, which stalled from poor starts: run BI's 10 Gemm kernels (2 threads) trained at 401 %
// relative error, and the support search finds the global optimum of the same objective.
std::vector<double> fit_roofline(const std::vector<Sample>& samples) {
  const int n = static_cast<int>(samples.size());
  constexpr int kTerms = 5;
  Eigen::MatrixXd xw(n, kTerms);  // each row divided by its latency: relative residuals
  for (int i = 0; i < n; ++i) {
    const auto in = roofline_inputs(samples[i].features);
    const double y = std::max(samples[i].latency_ms, 1e-6);
    for (int j = 0; j < kTerms; ++j) xw(i, j) = in[j] / y;
  }
  std::vector<double> best(kTerms, 0.0);
  if (n < kTerms) {
    // Too few kernels for five coefficients: one scale on the dominant cost, the mean ratio.
    const bool compute = samples[0].features.macs > 0;
    double ratio_sum = 0;
    for (int i = 0; i < n; ++i) {
      const double cost = compute ? xw(i, 1) : xw(i, 2) + xw(i, 3);  // cost / latency
      ratio_sum += cost > 0 ? 1.0 / cost : 0;
    }
    const double scale = ratio_sum / n;
    if (scale == 0) {
      double mean = 0;
      for (const auto& s : samples) mean += std::max(s.latency_ms, 1e-6) / n;
      best[0] = mean;
    } else if (compute) {
      best[1] = scale;
    } else {
      best[2] = best[3] = scale;
    }
    return best;
  }
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
  double best_cost = static_cast<double>(n);  // c = 0: every relative residual is -1
  for (unsigned support = 1; support < (1u << kTerms); ++support) {
    std::vector<int> cols;
    for (int j = 0; j < kTerms; ++j)
      if (support & (1u << j)) cols.push_back(j);
    Eigen::MatrixXd a(n, static_cast<int>(cols.size()));
    for (size_t c = 0; c < cols.size(); ++c) a.col(static_cast<int>(c)) = xw.col(cols[c]);
    const Eigen::VectorXd c = a.colPivHouseholderQr().solve(ones);
    if (!c.allFinite() || (c.array() < 0).any()) continue;
    const double cost = (a * c - ones).squaredNorm();
    if (cost < best_cost * (1 - 1e-12)) {
      best_cost = cost;
      std::fill(best.begin(), best.end(), 0.0);
      for (size_t k = 0; k < cols.size(); ++k) best[cols[k]] = c(static_cast<int>(k));
    }
  }
  return best;
}

std::vector<double> fit_loglinear(const std::vector<Sample>& samples, double lambda,
                                  double size_unit) {
  const int n = static_cast<int>(samples.size());
  const int full = static_cast<int>(regression_feature_count());
  // Reduced set (constant + MACs + bytes) when there are too few kernels for every feature.
  const int dim = n >= 3 * full ? full : std::min(full, std::max(1, n >= 10 ? 5 : n >= 3 ? 2 : 1));
  Eigen::MatrixXd x(n, dim);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    const auto lf = regression_features(samples[i].features, size_unit);
    for (int j = 0; j < dim; ++j) x(i, j) = lf[j];
    y(i) = std::log(std::max(samples[i].latency_ms, 1e-6));
  }
  if (dim == 2) {  // slope on log MACs, or on log input size when the kind has no MACs
    bool macs = false;
    for (const auto& s : samples) macs |= s.features.macs > 0;
    if (!macs)
      for (int i = 0; i < n; ++i) x(i, 1) = log_features(samples[i].features, size_unit)[2];
  }
  Eigen::MatrixXd a = x.transpose() * x;
  for (int j = 1; j < dim; ++j) a(j, j) += lambda * n;
  Eigen::VectorXd b = a.ldlt().solve(x.transpose() * y);
  std::vector<double> coef(b.data(), b.data() + dim);
  if (dim == 2) {
    bool macs = false;
    for (const auto& s : samples) macs |= s.features.macs > 0;
    if (!macs) coef = {coef[0], 0.0, coef[1]};
  }
  return coef;
}

// log(measured) - log(predicted) of one kernel, both floored away from 0.
double log_residual(const KindModel& model, const Sample& s) {
  return std::log(std::max(s.latency_ms, 1e-6)) -
         std::log(std::max(model.predict_ms(s.features), 1e-9));
}

std::vector<double> standardized(const std::vector<double>& lf, const std::vector<double>& scale) {
  std::vector<double> z(scale.size());
  for (size_t j = 0; j < scale.size(); ++j) z[j] = lf[j + 1] / scale[j];
  return z;
}

}  // namespace

double KindModel::predict_ms(const LayerFeatures& f) const {
  if (children.size() == 2)
    return children[split_feature_value(f, split_feature) < split_threshold ? 0 : 1].predict_ms(f);
  double t = 0;
  if (form == std::string_view("roofline")) {
    const double in[5] = {1.0, f.macs / 1e6, f.input_bytes / 1e6, f.output_bytes / 1e6,
                          f.weight_bytes / 1e6};
    for (size_t j = 0; j < 5 && j < roofline.size(); ++j) t += roofline[j] * in[j];
  } else {
    // Hot path of predict (a 1,000-layer model in < 1 ms): no allocations.
    double x[kRegressionFeatures];
    regression_features_into(f, x, size_unit);
    double log_t = 0;
    for (size_t j = 0; j < loglinear.size() && j < kRegressionFeatures; ++j)
      log_t += loglinear[j] * x[j];
    if (form == std::string_view("loglinear_knn") && !knn_points.empty() && knn_k > 0) {
      const int k = std::min(knn_k, kMaxNeighbours);
      double z[kKnnDim];
      for (size_t j = 0; j < kKnnDim; ++j) z[j] = x[j + 1] / knn_scale[j];
      Neighbours near;
      if (knn_index)
        nearest(*knn_index, z, k, near);
      else
        nearest_by_scan(knn_points, z, k, near);
      double wsum = 0, rsum = 0;
      for (int n = 0; n < near.found; ++n) {
        const double w = 1.0 / (std::sqrt(near.d2[n]) + 0.05);
        wsum += w;
        rsum += w * knn_residuals[near.index[n]];
      }
      // Far from every kernel the correction fades out (distance in standard deviations).
      const double fade = near.found ? 1.0 / (1.0 + near.d2[0]) : 0.0;
      if (wsum > 0) log_t += fade * rsum / wsum;
    }
    t = std::exp(std::min(log_t, 50.0));
  }
  return std::isfinite(t) && t > 0 ? t : 0.0;
}

void build_knn_index(KindModel& m) {
  m.knn_index = build_knn_index(m.knn_points);
}

KindModel fit_form(const std::string& form, const std::vector<Sample>& samples,
                   const FitOptions& options) {
  KindModel m;
  m.form = form;
  if (form == "roofline") {
    m.roofline = fit_roofline(samples);
    return m;
  }
  m.size_unit = size_unit_for(samples.front().features.kind);
  m.loglinear = fit_loglinear(samples, options.ridge_lambda, m.size_unit);
  if (form == "loglinear_knn") {
    const size_t dim = log_feature_names().size() - 1;
    m.knn_k = options.knn_k;
    m.knn_scale.assign(dim, 1.0);
    std::vector<std::vector<double>> lf;  // each sample's log features, computed once
    lf.reserve(samples.size());
    for (const auto& s : samples) lf.push_back(log_features(s.features, m.size_unit));
    for (size_t j = 0; j < dim; ++j) {
      double mean = 0, sq = 0;
      for (const auto& x : lf) mean += x[j + 1];
      mean /= samples.size();
      for (const auto& x : lf) sq += std::pow(x[j + 1] - mean, 2);
      const double sd = std::sqrt(sq / samples.size());
      m.knn_scale[j] = sd > 1e-3 ? sd : 1.0;
    }
    KindModel base = m;
    base.form = "loglinear";
    for (size_t i = 0; i < samples.size(); ++i) {
      m.knn_points.push_back(standardized(lf[i], m.knn_scale));
      m.knn_residuals.push_back(log_residual(base, samples[i]));
    }
    build_knn_index(m);
  }
  return m;
}

double mape_pct(const KindModel& model, const std::vector<Sample>& samples) {
  if (samples.empty()) return 0;
  double sum = 0;
  for (const auto& s : samples)
    sum += std::abs(model.predict_ms(s.features) - s.latency_ms) / std::max(s.latency_ms, 1e-6);
  return 100.0 * sum / samples.size();
}

namespace {

// The smallest side a split keeps on a kind with few kernels (min_split_side below).
constexpr int kMinSplitSideFloor = 4;

// Sum of squared log residuals of a log-linear fit: how well one smooth law explains `samples`.
double loglinear_sse(const std::vector<Sample>& samples, const FitOptions& options) {
  const KindModel m = fit_form("loglinear", samples, options);
  double sse = 0;
  for (const auto& s : samples) sse += std::pow(log_residual(m, s), 2);
  return sse;
}

struct SplitChoice {
  int feature = -1;
  double threshold = 0;
  double sse = 0;
};

// The samples below and at-or-above `threshold` of split feature `feature`.
std::pair<std::vector<Sample>, std::vector<Sample>> partition(const std::vector<Sample>& samples,
                                                              int feature, double threshold) {
  std::pair<std::vector<Sample>, std::vector<Sample>> sides;
  for (const auto& s : samples)
    (split_feature_value(s.features, feature) < threshold ? sides.first : sides.second)
        .push_back(s);
  return sides;
}

// The fewest kernels either side of a split may hold: options.min_split_side, less where the kind
// has fewer than four times that many (a quarter of them, at least kMinSplitSideFloor).
int min_split_side(int n, const FitOptions& options) {
  return std::clamp(n / 4, std::min(kMinSplitSideFloor, options.min_split_side),
                    options.min_split_side);
}

// The split (feature, threshold midway between two kernels' values, each side >= min_split_side)
// whose two log-linear fits leave the smallest squared log residual. Per feature the threshold is
// found as a regression tree would: the one that best separates the residuals of one log-linear
// fit over all kernels (prefix sums over every boundary between distinct values); then the
// features' best thresholds compete with a log-linear fit on each side.
SplitChoice best_split(const std::vector<Sample>& samples, const FitOptions& options) {
  SplitChoice best;
  const int n = static_cast<int>(samples.size());
  const int min_side = min_split_side(n, options);
  const KindModel global = fit_form("loglinear", samples, options);
  std::vector<double> residual(n);
  for (int i = 0; i < n; ++i) {
    residual[i] = log_residual(global, samples[i]);
    best.sse += residual[i] * residual[i];
  }
  for (int feature = 0; feature < static_cast<int>(split_feature_names().size()); ++feature) {
    std::vector<std::pair<double, double>> by_value(n);  // (feature value, residual)
    for (int i = 0; i < n; ++i)
      by_value[i] = {split_feature_value(samples[i].features, feature), residual[i]};
    std::sort(by_value.begin(), by_value.end());
    double total = 0;
    for (const auto& v : by_value) total += v.second;
    double left = 0, best_score = -1, threshold = 0;
    for (int i = 1; i < n; ++i) {
      left += by_value[i - 1].second;
      if (i < min_side || n - i < min_side || by_value[i - 1].first == by_value[i].first) continue;
      // Between-group sum of squares: what a step at this boundary explains of the residuals.
      const double right = total - left;
      const double score = left * left / i + right * right / (n - i) - total * total / n;
      if (score > best_score) {
        best_score = score;
        threshold = 0.5 * (by_value[i - 1].first + by_value[i].first);
      }
    }
    if (best_score < 0) continue;
    const auto [below, above] = partition(samples, feature, threshold);
    const double sse = loglinear_sse(below, options) + loglinear_sse(above, options);
    if (sse < best.sse) best = {feature, threshold, sse};
  }
  return best;
}

KindModel fit_split(const std::vector<Sample>& samples, const SplitChoice& split,
                    const FitOptions& options) {
  FitOptions child = options;
  child.allow_split = false;
  const auto [below, above] = partition(samples, split.feature, split.threshold);
  KindModel m;
  m.form = "split";
  m.split_feature = split.feature;
  m.split_threshold = split.threshold;
  // A side a cross-validation fold left empty predicts from every kernel of the fold.
  m.children.push_back(fit_kind_model(below.empty() ? samples : below, child));
  m.children.push_back(fit_kind_model(above.empty() ? samples : above, child));
  return m;
}

// k-fold cross-validated MAPE (percent) of the model `fit` makes from each fold's training kernels.
template <class Fit>
double cross_validated_mape_pct(const std::vector<Sample>& samples, int folds, const Fit& fit) {
  const int n = static_cast<int>(samples.size());
  double err_sum = 0;
  for (int k = 0; k < folds; ++k) {
    std::vector<Sample> train, test;
    for (int i = 0; i < n; ++i) ((i * 7919 + 13) % folds == k ? test : train).push_back(samples[i]);
    if (train.empty() || test.empty()) continue;
    err_sum += mape_pct(fit(train), test) * test.size();
  }
  return err_sum / n;
}

KindModel with_stats(KindModel m, const std::vector<Sample>& samples, const std::string& chosen,
                     const std::map<std::string, double>& cv) {
  m.stats.samples = static_cast<int>(samples.size());
  m.stats.cv_mape_pct = cv.at(chosen);
  m.stats.train_mape_pct = mape_pct(m, samples);
  m.stats.candidates_cv_mape_pct = cv;
  return m;
}

}  // namespace

KindModel fit_kind_model(const std::vector<Sample>& samples, const FitOptions& options) {
  const std::vector<std::string> forms = {"roofline", "loglinear", "loglinear_knn"};
  const int n = static_cast<int>(samples.size());
  const int folds = std::min(options.folds, n);
  std::map<std::string, double> cv;
  for (const auto& form : forms)
    cv[form] = folds < 2 ? 0.0 : cross_validated_mape_pct(samples, folds, [&](const auto& train) {
      return fit_form(form, train, options);
    });
  std::string best = "roofline";
  for (const auto& form : forms)
    if (cv[form] < cv[best] - 1e-9) best = form;
  // Piecewise: the split is chosen on all kernels (log-linear residuals), then cross-validated
  // like the single forms, each fold fitting both sides afresh.
  if (options.allow_split && folds >= 2 && n >= 2 * min_split_side(n, options)) {
    const SplitChoice split = best_split(samples, options);
    if (split.feature >= 0) {
      cv["split"] = cross_validated_mape_pct(
          samples, folds, [&](const auto& train) { return fit_split(train, split, options); });
      if (cv["split"] < cv[best] - 1e-9)
        return with_stats(fit_split(samples, split, options), samples, "split", cv);
    }
  }
  return with_stats(fit_form(best, samples, options), samples, best, cv);
}

}  // namespace dnntune::calib
