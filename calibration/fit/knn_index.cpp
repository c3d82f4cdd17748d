#include "calibration/fit/knn_index.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

// AVX2 search kernels on x86-64 with GCC or Clang; elsewhere the portable one alone.
#if defined(__x86_64__) && defined(__GNUC__)
#define DNNTUNE_KNN_AVX2 1
#include <immintrin.h>
#else
#define DNNTUNE_KNN_AVX2 0
#endif

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
// benchmark's 640-kernel Conv model a search visits 16 of 80 blocks and measures 3 points in
// double (a full AVX-512 scan of all 80, tried, took 1.2x as long as the previous search). The
// search itself is in knn_search.inc, compiled once portable and once for AVX2.
struct KnnIndex {
  static constexpr size_t kLanes = 8;
  size_t n = 0, blocks = 0;
  double axis[kKnnDim] = {};
  double max_abs = 0;            // largest coordinate magnitude (sets the float margin)
  unsigned last_block_mask = 0;  // the last block's lanes that hold points
  std::vector<double> proj;      // ascending, padded with +inf to blocks * kLanes
  std::vector<double> starts;    // each block's first projection, padded with +inf to 4k entries
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

// Three interleaved sums, not one chain of nine dependent additions: the search measures its
// candidates with this and nearest_by_scan measures every point with it, so both round alike.
double squared_distance(const double* p, const double* z) {
  static_assert(kKnnDim % 3 == 0);
  double sum[3] = {0, 0, 0};
  for (size_t j = 0; j < kKnnDim; ++j) {
    const double diff = p[j] - z[j];
    sum[j % 3] += diff * diff;
  }
  return (sum[0] + sum[1]) + sum[2];
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
  index->starts.assign((index->blocks + 3) / 4 * 4, std::numeric_limits<double>::infinity());
  for (size_t b = 0; b < index->blocks; ++b) index->starts[b] = sorted[b * kLanes].first;
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

namespace {

namespace portable {

// Eight float lanes as two GCC vectors of four (SSE2 on x86-64; no wider type crosses a function
// boundary, which would change the ABI without AVX).
typedef float Quad __attribute__((vector_size(4 * sizeof(float))));
struct Lanes {
  Quad lo, hi;
};
static_assert(KnnIndex::kLanes == 8);

inline Lanes lanes_inf() {
  const float inf = std::numeric_limits<float>::infinity();
  return {Quad{inf, inf, inf, inf}, Quad{inf, inf, inf, inf}};
}

// Single-precision squared distances of one block's lanes to zf.
inline Lanes lanes_d2(const float* block, const float* zf) {
  Quad acc[2][3] = {};  // three chains of additions per half, not one of nine
  for (size_t j = 0; j < kKnnDim; ++j) {
    Quad lo, hi;
    std::memcpy(&lo, block + j * KnnIndex::kLanes, sizeof lo);
    std::memcpy(&hi, block + j * KnnIndex::kLanes + 4, sizeof hi);
    lo -= zf[j];
    hi -= zf[j];
    acc[0][j % 3] += lo * lo;
    acc[1][j % 3] += hi * hi;
  }
  return {acc[0][0] + (acc[0][1] + acc[0][2]), acc[1][0] + (acc[1][1] + acc[1][2])};
}

inline Lanes lanes_min(Lanes a, Lanes b) {
  return {a.lo < b.lo ? a.lo : b.lo, a.hi < b.hi ? a.hi : b.hi};
}
inline Lanes lanes_max(Lanes a, Lanes b) {
  return {a.lo < b.lo ? b.lo : a.lo, a.hi < b.hi ? b.hi : a.hi};
}
inline void store_lanes(float* to, Lanes v) {
  std::memcpy(to, &v.lo, sizeof v.lo);
  std::memcpy(to + 4, &v.hi, sizeof v.hi);
}

// The mask of the lanes of d2 (kLanes distances) at most `bound`.
inline unsigned lanes_within(const float* d2, float bound) {
  unsigned mask = 0;
  for (size_t i = 0; i < KnnIndex::kLanes; ++i) mask |= static_cast<unsigned>(d2[i] <= bound) << i;
  return mask;
}

// The k-th smallest of the k ascending vectors' values together (every value at most it, in
// whichever lane, is counted).
inline float kth_smallest(const Lanes* top, int k) {
  float kth[kMaxNeighbours];
  for (int p = 0; p < k; ++p) kth[p] = std::numeric_limits<float>::infinity();
  for (int p = 0; p < k; ++p) {
    float values[KnnIndex::kLanes];
    store_lanes(values, top[p]);
    for (float x : values)
      for (int r = 0; r < k; ++r) {  // insert x, keeping kth ascending
        const float low = std::min(kth[r], x);
        x = std::max(kth[r], x);
        kth[r] = low;
      }
  }
  return kth[k - 1];
}

// How many of the blocks' first projections are below q.
inline size_t blocks_starting_below(const double* starts, size_t count, double q) {
  size_t below = 0;
  for (size_t b = 0; b < count; ++b) below += starts[b] < q ? 1 : 0;
  return below;
}

#include "calibration/fit/knn_search.inc"

}  // namespace portable

#if DNNTUNE_KNN_AVX2
#pragma GCC push_options
#pragma GCC target("avx2")
namespace avx2 {

// As the portable helpers, 8 lanes per instruction. No FMA: the double distances of the final
// pass must round exactly as nearest_by_scan's.
using Lanes = __m256;
static_assert(KnnIndex::kLanes == 8 && kKnnDim % 3 == 0);

inline Lanes lanes_inf() {
  return _mm256_set1_ps(std::numeric_limits<float>::infinity());
}

inline Lanes lanes_d2(const float* block, const float* zf) {
  __m256 acc[3] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  for (size_t j = 0; j < kKnnDim; ++j) {
    const __m256 diff =
        _mm256_sub_ps(_mm256_loadu_ps(block + j * KnnIndex::kLanes), _mm256_set1_ps(zf[j]));
    acc[j % 3] = _mm256_add_ps(acc[j % 3], _mm256_mul_ps(diff, diff));
  }
  return _mm256_add_ps(acc[0], _mm256_add_ps(acc[1], acc[2]));
}

inline Lanes lanes_min(Lanes a, Lanes b) {
  return _mm256_min_ps(a, b);
}
inline Lanes lanes_max(Lanes a, Lanes b) {
  return _mm256_max_ps(a, b);
}
inline void store_lanes(float* to, Lanes v) {
  _mm256_storeu_ps(to, v);
}

inline unsigned lanes_within(const float* d2, float bound) {
  return static_cast<unsigned>(
      _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(d2), _mm256_set1_ps(bound), _CMP_LE_OQ)));
}

// Takes the smallest value across the lanes, and every lane holding it moves its next value up,
// until k values are taken: k rounds of a few instructions, no scalar chain.
inline float kth_smallest(const Lanes* top, int k) {
  __m256 t[kMaxNeighbours];
  for (int p = 0; p < k; ++p) t[p] = top[p];
  const __m256 inf = lanes_inf();
  for (int taken = 0;;) {
    __m256 m = _mm256_min_ps(t[0], _mm256_permute2f128_ps(t[0], t[0], 1));
    m = _mm256_min_ps(m, _mm256_shuffle_ps(m, m, _MM_SHUFFLE(1, 0, 3, 2)));
    m = _mm256_min_ps(m, _mm256_shuffle_ps(m, m, _MM_SHUFFLE(2, 3, 0, 1)));
    const __m256 at_min = _mm256_cmp_ps(t[0], m, _CMP_EQ_OQ);
    const int lanes = _mm256_movemask_ps(at_min);
    if (lanes == 0) return std::numeric_limits<float>::infinity();  // NaN distances: no bound
    taken += __builtin_popcount(static_cast<unsigned>(lanes));
    if (taken >= k) return _mm256_cvtss_f32(m);
    for (int p = 0; p + 1 < k; ++p) t[p] = _mm256_blendv_ps(t[p], t[p + 1], at_min);
    t[k - 1] = _mm256_blendv_ps(t[k - 1], inf, at_min);
  }
}

inline size_t blocks_starting_below(const double* starts, size_t count, double q) {
  const __m256d qv = _mm256_set1_pd(q);
  size_t below = 0;
  for (size_t b = 0; b < count; b += 4)  // count is a multiple of 4 (padded with +inf)
    below += static_cast<size_t>(__builtin_popcount(static_cast<unsigned>(
        _mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(starts + b), qv, _CMP_LT_OQ)))));
  return below;
}

#include "calibration/fit/knn_search.inc"

}  // namespace avx2
#pragma GCC pop_options
#endif

}  // namespace

bool knn_kernel_available(KnnKernel kernel) {
  if (kernel == KnnKernel::kPortable) return true;
#if DNNTUNE_KNN_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2;
#else
  return false;
#endif
}

void nearest_with(KnnKernel kernel, const KnnIndex& index, const double* z, int k,
                  Neighbours& out) {
#if DNNTUNE_KNN_AVX2
  if (kernel == KnnKernel::kAvx2 && knn_kernel_available(kernel))
    return avx2::search(index, z, k, out);
#endif
  portable::search(index, z, k, out);
}

void nearest(const KnnIndex& index, const double* z, int k, Neighbours& out) {
  nearest_with(KnnKernel::kAvx2, index, z, k, out);  // the portable kernel where AVX2 is absent
}

void nearest_by_scan(const std::vector<std::vector<double>>& points, const double* z, int k,
                     Neighbours& out) {
  TopK exact(out, k);
  for (size_t i = 0; i < points.size(); ++i)
    if (points[i].size() == kKnnDim) exact.insert(squared_distance(points[i].data(), z), i);
}

}  // namespace dnntune::calib
