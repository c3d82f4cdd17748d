#include "calibration/fit/knn_index.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace dnntune::calib {

// The points sorted by their projection on their first principal axis, in blocks of kLanes.
// The axis is a unit vector, so |proj(p) - proj(z)| <= |p - z|: a search visits the blocks
// outwards from the query's projection and stops once the gap in projection alone exceeds the
// k-th distance found. A block's distances are computed at once in single precision, only to
// pass over the points that cannot be among the k nearest (with a margin ten times the float
// rounding); the few that may be are measured in double, so the result is exactly a full scan's.
//
// Why this and not a k-d tree: a Conv kind holds a few hundred kernels in 9 dimensions. OpenCV
// FLANN's KDTreeSingleIndex (approximate, eps 0.5) took 43 % of a 1,000-layer predict on the Xeon
// VM; a vectorised scan of every point cost more, and walking the sorted points one at a time
// mispredicted its way to as much. The log features of kernels are strongly correlated (MACs,
// bytes, channels and map grow together), so one axis carries most of their spread: on the
// benchmark's 640-kernel Conv model a search visits 12 of 80 blocks, keeps 15 float candidates and
// measures 3 of them in double.
struct KnnIndex {
  static constexpr size_t kLanes = 8;
  size_t n = 0, blocks = 0;
  double axis[kKnnDim] = {};
  double max_abs = 0;            // largest coordinate magnitude (sets the float margin)
  unsigned last_block_mask = 0;  // the last block's lanes that hold points
  std::vector<double> proj;      // ascending, padded with +inf to blocks * kLanes
  std::vector<uint32_t> order;   // each sorted point's position in the input
  std::vector<double> rows;      // the sorted points in double, kKnnDim each
  // Block b, coordinate j, lane i at lanes[(b * kKnnDim + j) * kLanes + i]; padding lanes sit far
  // from every query.
  std::vector<float> lanes;
};

namespace {

// Keeps the k smallest (squared distance, index) pairs, ascending, the lower index first on ties.
class TopK {
 public:
  TopK(Neighbours& out, int k) : out_(out), k_(std::clamp(k, 0, kMaxNeighbours)) { out_.found = 0; }
  int k() const { return k_; }
  void insert(double d2, size_t i) {
    auto before = [&](int n) { return d2 < out_.d2[n] || (d2 == out_.d2[n] && i < out_.index[n]); };
    if (k_ == 0 || (out_.found == k_ && !before(k_ - 1))) return;
    int pos = out_.found < k_ ? out_.found++ : k_ - 1;
    for (; pos > 0 && before(pos - 1); --pos) {
      out_.d2[pos] = out_.d2[pos - 1];
      out_.index[pos] = out_.index[pos - 1];
    }
    out_.d2[pos] = d2;
    out_.index[pos] = i;
  }

 private:
  Neighbours& out_;
  int k_;
};

double squared_distance(const double* p, const double* z) {
  double d2 = 0;
  for (size_t j = 0; j < kKnnDim; ++j) {
    const double diff = p[j] - z[j];
    d2 += diff * diff;
  }
  return d2;
}

// Single-precision squared distances of one block's lanes to z into d2, and the mask of the lanes
// within `limit`. GCC vector types: the AVX2 clone (chosen at load time where the CPU has it)
// takes 8 lanes per instruction, the default clone 4.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("avx2", "default")))
#endif
unsigned
block_within(const float* block, const float* z, float limit, float* d2) {
  typedef float lanes_t __attribute__((vector_size(KnnIndex::kLanes * sizeof(float))));
  lanes_t acc[3] = {};  // three chains of additions, not one of nine
  for (size_t j = 0; j < kKnnDim; ++j) {
    lanes_t c;
    std::memcpy(&c, block + j * KnnIndex::kLanes, sizeof c);
    const lanes_t diff = c - z[j];
    acc[j % 3] += diff * diff;
  }
  acc[0] += acc[1] + acc[2];
  std::memcpy(d2, &acc[0], sizeof acc[0]);
  unsigned mask = 0;
  for (size_t i = 0; i < KnnIndex::kLanes; ++i)
    mask |= static_cast<unsigned>(acc[0][i] <= limit) << i;
  return mask;
}

}  // namespace

std::shared_ptr<const KnnIndex> build_knn_index(const std::vector<std::vector<double>>& points) {
  const size_t n = points.size();
  if (n == 0 || n > std::numeric_limits<uint32_t>::max()) return nullptr;
  Eigen::MatrixXd x(n, kKnnDim);
  for (size_t i = 0; i < n; ++i) {
    if (points[i].size() != kKnnDim) return nullptr;
    for (size_t j = 0; j < kKnnDim; ++j) x(i, j) = points[i][j];
  }
  if (!x.allFinite()) return nullptr;
  auto index = std::make_shared<KnnIndex>();
  const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> pca(centred.transpose() * centred);
  // Eigenvalues ascending: the last vector is the axis of largest spread.
  Eigen::VectorXd axis = pca.info() == Eigen::Success
                             ? Eigen::VectorXd(pca.eigenvectors().col(kKnnDim - 1))
                             : Eigen::VectorXd::Unit(kKnnDim, 0);
  axis.normalize();
  for (size_t j = 0; j < kKnnDim; ++j) index->axis[j] = axis(j);
  index->max_abs = x.cwiseAbs().maxCoeff();
  std::vector<std::pair<double, uint32_t>> sorted(n);
  for (size_t i = 0; i < n; ++i) sorted[i] = {x.row(i).dot(axis), static_cast<uint32_t>(i)};
  std::sort(sorted.begin(), sorted.end());
  constexpr size_t kLanes = KnnIndex::kLanes;
  index->n = n;
  index->blocks = (n + kLanes - 1) / kLanes;
  index->last_block_mask = (1u << (n - (index->blocks - 1) * kLanes)) - 1;
  index->proj.assign(index->blocks * kLanes, std::numeric_limits<double>::infinity());
  index->order.resize(n);
  index->rows.resize(n * kKnnDim);
  index->lanes.assign(index->blocks * kLanes * kKnnDim, 1e18f);  // (1e18)^2 * 9 < FLT_MAX
  for (size_t s = 0; s < n; ++s) {
    const auto& p = points[sorted[s].second];
    index->proj[s] = sorted[s].first;
    index->order[s] = sorted[s].second;
    for (size_t j = 0; j < kKnnDim; ++j) {
      index->rows[s * kKnnDim + j] = p[j];
      index->lanes[((s / kLanes) * kKnnDim + j) * kLanes + s % kLanes] = static_cast<float>(p[j]);
    }
  }
  return index;
}

void nearest(const KnnIndex& index, const double* z, int k, Neighbours& out) {
  TopK exact(out, k);
  k = exact.k();
  if (k == 0 || index.n == 0) return;
  constexpr size_t kLanes = KnnIndex::kLanes;
  float zf[kKnnDim];
  double q = 0, magnitude = index.max_abs;
  for (size_t j = 0; j < kKnnDim; ++j) {
    q += index.axis[j] * z[j];
    zf[j] = static_cast<float>(z[j]);
    magnitude = std::max(magnitude, std::abs(z[j]));
  }
  // Float and double distances differ by the coordinates' rounding, at most e = 6e-7 * magnitude
  // in distance, and the sum's, a relative 1e-6: |f - d| <= 2 e sqrt(d) + e^2 + 1e-6 d
  // <= 1.01e-4 d + 1e4 e^2 (as 2 e sqrt(d) <= 1e-4 d + 1e4 e^2). A point within the limit below
  // of the k-th float distance found may be among the k nearest; no other can. Ten times e, and
  // ten times the relative terms, for margin.
  const double e = 6e-6 * magnitude, slack = 1e4 * e * e;
  float kth[kMaxNeighbours];  // the k smallest float distances so far, ascending
  int floats = 0;
  double limit = std::numeric_limits<double>::infinity();  // squared distance
  // Points within the limit when visited, measured in double at the end (or when full).
  struct Candidate {
    uint32_t sorted;
    float d2;
  };
  constexpr int kMaxCandidates = 64;
  Candidate candidates[kMaxCandidates];
  int count = 0;
  auto measure = [&](const Candidate& c) {
    exact.insert(squared_distance(index.rows.data() + c.sorted * kKnnDim, z),
                 index.order[c.sorted]);
  };
  auto visit = [&](size_t block) {
    float d2[kLanes];
    unsigned mask = block_within(index.lanes.data() + block * kKnnDim * kLanes, zf,
                                 static_cast<float>(limit), d2);
    if (block == index.blocks - 1) mask &= index.last_block_mask;
    bool closer = false;
    for (; mask != 0; mask &= mask - 1) {
      const unsigned lane = static_cast<unsigned>(__builtin_ctz(mask));
      if (count == kMaxCandidates) {
        for (int c = 0; c < count; ++c) measure(candidates[c]);
        count = 0;
      }
      const float d = d2[lane];
      candidates[count++] = {static_cast<uint32_t>(block * kLanes + lane), d};
      int pos = floats;
      if (floats == k) {
        if (!(d < kth[k - 1])) continue;
        pos = k - 1;
      } else {
        ++floats;
      }
      for (; pos > 0 && kth[pos - 1] > d; --pos) kth[pos] = kth[pos - 1];
      kth[pos] = d;
      closer = true;
    }
    if (closer && floats == k) limit = (kth[k - 1] + slack) * (1 + 2e-3) + slack;
  };
  const size_t at =
      std::lower_bound(index.proj.begin(), index.proj.begin() + index.n, q) - index.proj.begin();
  const size_t first = std::min(at / kLanes, index.blocks - 1);
  visit(first);
  ptrdiff_t left = static_cast<ptrdiff_t>(first) - 1;  // blocks (left, right) visited
  size_t right = first + 1;
  while (left >= 0 || right < index.blocks) {
    const double gap_left = left >= 0 ? q - index.proj[left * kLanes + kLanes - 1] : HUGE_VAL;
    const double gap_right = right < index.blocks ? index.proj[right * kLanes] - q : HUGE_VAL;
    const double gap = std::min(gap_left, gap_right);
    if (gap * gap > limit) break;  // every point not visited is farther than the limit
    if (gap_left <= gap_right)
      visit(static_cast<size_t>(left--));
    else
      visit(right++);
  }
  for (int c = 0; c < count; ++c)
    if (candidates[c].d2 <= limit) measure(candidates[c]);
}

void nearest_by_scan(const std::vector<std::vector<double>>& points, const double* z, int k,
                     Neighbours& out) {
  TopK exact(out, k);
  for (size_t i = 0; i < points.size(); ++i)
    if (points[i].size() == kKnnDim) exact.insert(squared_distance(points[i].data(), z), i);
}

}  // namespace dnntune::calib
