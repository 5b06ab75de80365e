#include "itbound/estimators/knn_mi.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "itbound/error.hpp"

namespace itbound {

double digamma_int(std::int64_t n) {
  if (n < 1) fail("n", "digamma_int needs n >= 1, got " + std::to_string(n));
  // psi(n + 1) = psi(n) + 1/n upward to 20, then the asymptotic series (Abramowitz & Stegun 6.3.18),
  // whose first omitted term, 691/(32760 x^12), is below 1e-17 at x >= 20.
  double shift = 0.0;
  double x = static_cast<double>(n);
  while (x < 20.0) {
    shift -= 1.0 / x;
    x += 1.0;
  }
  const double x2 = 1.0 / (x * x);
  return shift + std::log(x) - 0.5 / x -
         x2 * (1.0 / 12.0 - x2 * (1.0 / 120.0 - x2 * (1.0 / 252.0 - x2 * (1.0 / 240.0 - x2 / 132.0))));
}

namespace {

void check_sample(std::span<const double> v, const char* field) {
  for (double e : v) require_finite(e, field);
}

void check_pair(std::span<const double> x, std::span<const double> y, int k) {
  if (k < 1) fail("k", "must be at least 1, got " + std::to_string(k));
  if (y.size() != x.size())
    fail("y", "has " + std::to_string(y.size()) + " samples but x has " + std::to_string(x.size()));
  if (x.size() <= static_cast<std::size_t>(k))
    fail("x", "needs more than k = " + std::to_string(k) + " samples, got " + std::to_string(x.size()));
  check_sample(x, "x");
  check_sample(y, "y");
}

// Number of entries s of `sorted` with |s - v| <= r, computed as the float differences themselves
// (fl(v - s) is monotone in s), so the count matches a tree that compares fabs(s - v) <= r.
std::int64_t count_within(const std::vector<double>& sorted, double v, double r) {
  const auto lo = std::partition_point(sorted.begin(), sorted.end(), [&](double s) { return v - s > r; });
  const auto hi = std::partition_point(lo, sorted.end(), [&](double s) { return s - v <= r; });
  return hi - lo;
}

std::vector<double> sorted_copy(std::span<const double> v) {
  std::vector<double> s(v.begin(), v.end());
  std::sort(s.begin(), s.end());
  return s;
}

// Static 2-d tree (implicit: median splits of index ranges, x and y alternating) for the max-norm
// distance of every point to its k-th nearest other point. Exact: a subtree is skipped only when the
// float distance to its splitting line is at least the current k-th distance, and every point beyond
// that line is at least that far (float subtraction is monotone).
class JointKnn {
public:
  JointKnn(std::span<const double> x, std::span<const double> y, int k)
      : pts_(x.size()), k_(static_cast<std::size_t>(k)), best_(k_) {
    for (std::size_t i = 0; i < x.size(); ++i) pts_[i] = {x[i], y[i], i};
    build(0, pts_.size(), 0, 0);
  }

  // eps[i]: max-norm distance from point i to its k-th nearest other point (ties at distance 0 count).
  std::vector<double> kth_distances() {
    std::vector<double> eps(pts_.size());
    for (std::size_t q = 0; q < pts_.size(); ++q) {  // tree order: neighbouring queries share cache lines
      std::fill(best_.begin(), best_.end(), std::numeric_limits<double>::infinity());
      self_ = q;
      search(0, pts_.size(), 0, 0, pts_[q].x, pts_[q].y);
      eps[pts_[q].index] = best_.back();
    }
    return eps;
  }

private:
  struct Point {
    double x, y;
    std::size_t index;
  };
  static constexpr std::size_t leaf_size = 12;

  static double coord(const Point& p, int dim) { return dim == 0 ? p.x : p.y; }

  // Node ids are implicit (children of `node` are 2 node + 1 and 2 node + 2); the split values are stored
  // because building the subtrees reorders the range and moves the median away from `mid`.
  void build(std::size_t lo, std::size_t hi, std::size_t node, int dim) {
    if (hi - lo <= leaf_size) return;
    const std::size_t mid = lo + (hi - lo) / 2;
    const auto first = pts_.begin();
    std::nth_element(first + static_cast<std::ptrdiff_t>(lo), first + static_cast<std::ptrdiff_t>(mid),
                     first + static_cast<std::ptrdiff_t>(hi),
                     [dim](const Point& a, const Point& b) { return coord(a, dim) < coord(b, dim); });
    if (node >= split_.size()) split_.resize(2 * node + 1);
    split_[node] = coord(pts_[mid], dim);
    build(lo, mid, 2 * node + 1, 1 - dim);
    build(mid, hi, 2 * node + 2, 1 - dim);
  }

  void offer(double d) {
    if (d >= best_.back()) return;
    std::size_t j = k_ - 1;
    while (j > 0 && best_[j - 1] > d) {
      best_[j] = best_[j - 1];
      --j;
    }
    best_[j] = d;
  }

  // Left subtree [lo, mid) has coordinates <= the split, right [mid, hi) >= it.
  void search(std::size_t lo, std::size_t hi, std::size_t node, int dim, double qx, double qy) {
    if (hi - lo <= leaf_size) {
      for (std::size_t j = lo; j < hi; ++j)
        if (j != self_) offer(std::max(std::fabs(pts_[j].x - qx), std::fabs(pts_[j].y - qy)));
      return;
    }
    const std::size_t mid = lo + (hi - lo) / 2;
    const double split = split_[node];
    const double q = dim == 0 ? qx : qy;
    if (q < split) {
      search(lo, mid, 2 * node + 1, 1 - dim, qx, qy);
      if (split - q < best_.back()) search(mid, hi, 2 * node + 2, 1 - dim, qx, qy);
    } else {
      search(mid, hi, 2 * node + 2, 1 - dim, qx, qy);
      if (q - split < best_.back()) search(lo, mid, 2 * node + 1, 1 - dim, qx, qy);
    }
  }

  std::vector<Point> pts_;
  std::vector<double> split_;
  std::size_t k_;
  std::vector<double> best_;  // the k smallest distances so far, ascending
  std::size_t self_ = 0;
};

}  // namespace

double ksg_mi(std::span<const double> x, std::span<const double> y, int k) {
  check_pair(x, y, k);
  const std::vector<double> eps = JointKnn(x, y, k).kth_distances();
  const std::vector<double> sx = sorted_copy(x), sy = sorted_copy(y);
  const std::size_t n = x.size();
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = std::nextafter(eps[i], 0.0);  // strictly inside eps_i (KSG eq. 8)
    // count_within includes the point itself: n_x + 1.
    sum += digamma_int(count_within(sx, x[i], r)) + digamma_int(count_within(sy, y[i], r));
  }
  return digamma_int(k) + digamma_int(static_cast<std::int64_t>(n)) - sum / static_cast<double>(n);
}

double ross_mi(std::span<const double> c, std::span<const std::int64_t> d, int k) {
  if (k < 1) fail("k", "must be at least 1, got " + std::to_string(k));
  if (d.size() != c.size())
    fail("d", "has " + std::to_string(d.size()) + " samples but c has " + std::to_string(c.size()));
  check_sample(c, "c");
  // Points grouped by label, each group sorted by value.
  std::vector<std::size_t> order(c.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return d[a] != d[b] ? d[a] < d[b] : c[a] < c[b]; });

  std::vector<double> kept;          // values of points whose label occurs more than once
  std::vector<double> radius;        // parallel to kept
  double sum_k = 0.0, sum_label = 0.0;
  for (std::size_t g = 0; g < order.size();) {
    std::size_t e = g;
    while (e < order.size() && d[order[e]] == d[order[g]]) ++e;
    const std::size_t count = e - g;
    if (count > 1) {
      const std::size_t kk = std::min(static_cast<std::size_t>(k), count - 1);
      for (std::size_t p = g; p < e; ++p) {
        // k-th nearest other value of the same label: merge outward from p.
        std::size_t left = p, right = p + 1;
        double dist = 0.0;
        for (std::size_t step = 0; step < kk; ++step) {
          const double dl = left > g ? c[order[p]] - c[order[left - 1]] : std::numeric_limits<double>::infinity();
          const double dr = right < e ? c[order[right]] - c[order[p]] : std::numeric_limits<double>::infinity();
          if (dl <= dr) {
            dist = dl;
            --left;
          } else {
            dist = dr;
            ++right;
          }
        }
        kept.push_back(c[order[p]]);
        radius.push_back(std::nextafter(dist, 0.0));
      }
      sum_k += static_cast<double>(count) * digamma_int(static_cast<std::int64_t>(kk));
      sum_label += static_cast<double>(count) * digamma_int(static_cast<std::int64_t>(count));
    }
    g = e;
  }
  if (kept.empty()) fail("d", "every label occurs only once: no neighbours with the same label");
  const std::vector<double> sorted = sorted_copy(kept);
  double sum_m = 0.0;
  for (std::size_t i = 0; i < kept.size(); ++i) sum_m += digamma_int(count_within(sorted, kept[i], radius[i]));
  const double n = static_cast<double>(kept.size());
  return digamma_int(static_cast<std::int64_t>(kept.size())) + (sum_k - sum_label - sum_m) / n;
}

double mixed_ksg_mi(std::span<const double> x, std::span<const double> y, int k) {
  check_pair(x, y, k);
  const std::size_t n = x.size();
  const std::vector<double> rho = JointKnn(x, y, k).kth_distances();
  const std::vector<double> sx = sorted_copy(x), sy = sorted_copy(y);
  // Exact ties in the joint space: sort the pairs and count equal runs.
  std::vector<std::pair<double, double>> pairs(n);
  for (std::size_t i = 0; i < n; ++i) pairs[i] = {x[i], y[i]};
  std::sort(pairs.begin(), pairs.end());
  const double log_n = std::log(static_cast<double>(n));
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t ki = k;
    if (rho[i] == 0.0) {
      const auto run = std::equal_range(pairs.begin(), pairs.end(), std::pair{x[i], y[i]});
      ki = (run.second - run.first) - 1;  // other points tied with i; at least k since rho_i = 0
    }
    // count_within includes the point itself: n_x + 1.
    sum += digamma_int(ki) - std::log(static_cast<double>(count_within(sx, x[i], rho[i]))) -
           std::log(static_cast<double>(count_within(sy, y[i], rho[i])));
  }
  return log_n + sum / static_cast<double>(n);
}

BinnedMi binned_mi(std::span<const double> x, std::span<const double> y, int bins_x, int bins_y) {
  check_pair(x, y, 1);
  if (bins_x < 1) fail("bins_x", "must be at least 1, got " + std::to_string(bins_x));
  if (bins_y < 1) fail("bins_y", "must be at least 1, got " + std::to_string(bins_y));
  const auto bin_of = [](std::span<const double> v, int bins) {
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    const double lo = *mn, width = (*mx - *mn) / bins;
    std::vector<std::int64_t> b(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      b[i] = width > 0.0 ? std::min<std::int64_t>(bins - 1, static_cast<std::int64_t>((v[i] - lo) / width)) : 0;
    return b;
  };
  const std::vector<std::int64_t> bx = bin_of(x, bins_x), by = bin_of(y, bins_y);
  std::vector<std::int64_t> joint(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) joint[i] = bx[i] * bins_y + by[i];
  const double n = static_cast<double>(x.size());
  // Plug-in entropy and occupied bins of a vector of codes: H = ln N - (1/N) sum c ln c.
  const auto entropy = [n](std::vector<std::int64_t> codes, std::int64_t& occupied) {
    std::sort(codes.begin(), codes.end());
    double s = 0.0;
    occupied = 0;
    for (std::size_t g = 0; g < codes.size();) {
      std::size_t e = g;
      while (e < codes.size() && codes[e] == codes[g]) ++e;
      const double cnt = static_cast<double>(e - g);
      s += cnt * std::log(cnt);
      ++occupied;
      g = e;
    }
    return std::log(n) - s / n;
  };
  BinnedMi r{};
  const double hx = entropy(bx, r.occupied_x), hy = entropy(by, r.occupied_y), hxy = entropy(joint, r.occupied_xy);
  r.plug_in = hx + hy - hxy;
  r.miller_madow = r.plug_in + static_cast<double>(r.occupied_x + r.occupied_y - r.occupied_xy - 1) / (2.0 * n);
  return r;
}

}  // namespace itbound
