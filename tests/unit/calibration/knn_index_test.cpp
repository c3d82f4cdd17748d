// The neighbour index must return exactly what a scan of every point returns: the same points in
// the same order with the same squared distances, ties broken towards the lower index.
#include "calibration/fit/knn_index.h"

#include <gtest/gtest.h>

#include <random>

namespace dnntune::calib {
namespace {

// Points shaped like standardized kernel log features: strongly correlated coordinates (a common
// size factor) with independent noise, on an integer grid every few points so that duplicates
// and equal distances occur.
std::vector<std::vector<double>> kernel_like(size_t n, std::mt19937& rng) {
  std::normal_distribution<double> size(0, 2), noise(0, 0.5);
  std::vector<std::vector<double>> points(n, std::vector<double>(kKnnDim));
  for (size_t i = 0; i < n; ++i) {
    const double s = size(rng);
    for (size_t j = 0; j < kKnnDim; ++j) {
      points[i][j] = s * (j % 3 == 0 ? 1.0 : 0.5) + noise(rng);
      if (i % 4 == 0) points[i][j] = std::round(points[i][j]);
    }
  }
  for (size_t i = 5; i < n; i += 17) points[i] = points[i - 5];  // exact duplicates
  return points;
}

void expect_same(const Neighbours& a, const Neighbours& b, const std::string& what) {
  ASSERT_EQ(a.found, b.found) << what;
  for (int n = 0; n < a.found; ++n) {
    EXPECT_EQ(a.index[n], b.index[n]) << what << " neighbour " << n;
    EXPECT_EQ(a.d2[n], b.d2[n]) << what << " neighbour " << n;
  }
}

// Each search kernel this CPU runs (the portable one always, AVX2 where available).
std::vector<KnnKernel> kernels_here() {
  std::vector<KnnKernel> kernels = {KnnKernel::kPortable};
  if (knn_kernel_available(KnnKernel::kAvx2)) kernels.push_back(KnnKernel::kAvx2);
  return kernels;
}

TEST(KnnIndex, AgreesWithAFullScanExactly) {
  for (const KnnKernel kernel : kernels_here()) {
    std::mt19937 rng(11);
    for (size_t n : {1, 2, 7, 8, 9, 63, 64, 65, 600}) {
      const auto points = kernel_like(n, rng);
      const auto index = build_knn_index(points);
      ASSERT_TRUE(index) << n;
      std::vector<std::vector<double>> queries = kernel_like(200, rng);
      queries.insert(queries.end(), points.begin(), points.begin() + std::min<size_t>(n, 50));
      queries.push_back(std::vector<double>(kKnnDim, 1e3));   // far beyond every point
      queries.push_back(std::vector<double>(kKnnDim, -1e3));  // and before
      for (int k : {1, 3, 5, kMaxNeighbours, kMaxNeighbours + 4}) {
        for (size_t q = 0; q < queries.size(); ++q) {
          Neighbours fast, scan;
          nearest_with(kernel, *index, queries[q].data(), k, fast);
          nearest_by_scan(points, queries[q].data(), k, scan);
          EXPECT_EQ(fast.found, std::min<int>({k, kMaxNeighbours, static_cast<int>(n)}));
          expect_same(fast, scan,
                      "kernel " + std::to_string(static_cast<int>(kernel)) + " n " +
                          std::to_string(n) + " k " + std::to_string(k) + " query " +
                          std::to_string(q));
        }
      }
    }
  }
}

// Distances that differ below float resolution: which points are the k nearest is decided in
// double, so the float pass must keep every point its rounding could have misplaced.
TEST(KnnIndex, NearTiesAreDecidedInDouble) {
  std::mt19937 rng(3);
  std::normal_distribution<double> direction(0, 1);
  std::uniform_real_distribution<double> spread(0, 1);
  std::vector<std::vector<double>> points(300, std::vector<double>(kKnnDim));
  for (auto& p : points) {
    double norm = 0;
    for (auto& c : p) {
      c = direction(rng);
      norm += c * c;
    }
    // Squared distance to the origin 4 (1 + 1e-8 u): a few float ulps of spread in all.
    const double radius = 2 * std::sqrt(1 + 1e-8 * spread(rng));
    for (auto& c : p) c *= radius / std::sqrt(norm);
  }
  const auto index = build_knn_index(points);
  ASSERT_TRUE(index);
  const std::vector<double> origin(kKnnDim, 0.0);
  for (const KnnKernel kernel : kernels_here())
    for (int k : {1, 3, 8, kMaxNeighbours}) {
      Neighbours fast, scan;
      nearest_with(kernel, *index, origin.data(), k, fast);
      nearest_by_scan(points, origin.data(), k, scan);
      expect_same(fast, scan, "k " + std::to_string(k));
    }
}

TEST(KnnIndex, NearestTakesAvx2WhereTheCpuHasIt) {
  std::mt19937 rng(5);
  const auto points = kernel_like(300, rng);
  const auto index = build_knn_index(points);
  ASSERT_TRUE(index);
  const auto queries = kernel_like(50, rng);
  for (const auto& z : queries) {
    Neighbours chosen, portable;
    nearest(*index, z.data(), 3, chosen);
    nearest_with(KnnKernel::kPortable, *index, z.data(), 3, portable);
    expect_same(chosen, portable, "nearest against the portable kernel");
  }
#if defined(__x86_64__) && defined(__GNUC__)
  EXPECT_EQ(knn_kernel_available(KnnKernel::kAvx2), __builtin_cpu_supports("avx2") != 0);
#endif
}

TEST(KnnIndex, EqualDistancesGoToTheLowerIndex) {
  // Four points at distance 1 from the origin, listed out of order along the principal axis.
  std::vector<std::vector<double>> points(4, std::vector<double>(kKnnDim, 0.0));
  points[0][0] = 1;
  points[1][0] = -1;
  points[2][1] = 1;
  points[3][1] = -1;
  const auto index = build_knn_index(points);
  ASSERT_TRUE(index);
  const std::vector<double> origin(kKnnDim, 0.0);
  for (const KnnKernel kernel : kernels_here()) {
    Neighbours near;
    nearest_with(kernel, *index, origin.data(), 2, near);
    ASSERT_EQ(near.found, 2);
    EXPECT_EQ(near.index[0], 0u);
    EXPECT_EQ(near.index[1], 1u);
    EXPECT_EQ(near.d2[0], 1.0);
  }
}

TEST(KnnIndex, RefusesPointsItCannotIndex) {
  EXPECT_FALSE(build_knn_index({}));
  EXPECT_FALSE(build_knn_index({std::vector<double>(kKnnDim - 1, 0.0)}));
  std::vector<double> bad(kKnnDim, 0.0);
  bad[3] = std::nan("");
  EXPECT_FALSE(build_knn_index({bad}));
  Neighbours none;
  nearest_by_scan({}, std::vector<double>(kKnnDim, 0.0).data(), 3, none);
  EXPECT_EQ(none.found, 0);
}

}  // namespace
}  // namespace dnntune::calib
