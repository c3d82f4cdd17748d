#pragma once
// Exact k-nearest-neighbour search over the calibration kernels of one kind, in the standardized
// log-feature space of the neighbour latency model (kind_model.h). predict runs it once per layer,
// so a 1,000-layer model makes 1,000 searches (the target: the whole predict under 1 ms).
#include <cstddef>
#include <memory>
#include <vector>

#include "calibration/fit/features.h"

namespace dnntune::calib {

inline constexpr size_t kKnnDim = kLogFeatures - 1;  // the log features less the constant
inline constexpr int kMaxNeighbours = 16;

struct Neighbours {
  int found = 0;                 // min(k, number of points)
  double d2[kMaxNeighbours];     // squared distances, ascending
  size_t index[kMaxNeighbours];  // the points' positions in the vector the index was built on
};

struct KnnIndex;  // knn_index.cpp

// Null when `points` is empty or a point does not have kKnnDim coordinates.
std::shared_ptr<const KnnIndex> build_knn_index(const std::vector<std::vector<double>>& points);

// Contract: the min(k, kMaxNeighbours) points nearest to z (kKnnDim coordinates) in Euclidean
// distance, ascending; of equal distances, the lower index first. Exactly what nearest_by_scan
// returns on the same points, for any z. No allocation.
void nearest(const KnnIndex& index, const double* z, int k, Neighbours& out);

// The search's inner kernel: nearest() takes AVX2 where the CPU has it (checked once), the
// portable one elsewhere. Both run the same search and return the same neighbours; tests run each.
enum class KnnKernel { kPortable, kAvx2 };
bool knn_kernel_available(KnnKernel kernel);
// nearest() with that kernel (the portable one where `kernel` is not available).
void nearest_with(KnnKernel kernel, const KnnIndex& index, const double* z, int k, Neighbours& out);

// The same by a scan of every point (points of kKnnDim coordinates): the reference.
void nearest_by_scan(const std::vector<std::vector<double>>& points, const double* z, int k,
                     Neighbours& out);

}  // namespace dnntune::calib
