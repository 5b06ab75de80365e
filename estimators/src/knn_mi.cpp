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

// First index in [begin, end) where `pred` (true, then false along the sorted range) turns false,
// found by galloping from `hint`: O(log distance) when consecutive searches land close together.
template <class Pred>
std::size_t gallop(const std::vector<double>& s, std::size_t begin, std::size_t end, std::size_t hint, Pred pred) {
  hint = std::clamp(hint, begin, end);
  const auto at = [&](std::size_t i) { return s.begin() + static_cast<std::ptrdiff_t>(i); };
  std::size_t step = 1;
  if (hint < end && pred(s[hint])) {
    std::size_t true_end = hint + 1, probe = hint + 1;  // every index below true_end is true
    while (probe < end && pred(s[probe])) {
      true_end = probe + 1;
      step *= 2;
      probe = true_end + step - 1;
    }
    return static_cast<std::size_t>(std::partition_point(at(true_end), at(std::min(probe, end)), pred) - s.begin());
  }
  std::size_t false_begin = hint;  // every index from false_begin on is false
  while (false_begin > begin) {
    const std::size_t probe = false_begin - begin > step ? false_begin - step : begin;
    if (pred(s[probe]))
      return static_cast<std::size_t>(std::partition_point(at(probe + 1), at(false_begin), pred) - s.begin());
    false_begin = probe;
    step *= 2;
  }
  return begin;
}

// sum_i f(#{j : |v_j - v_i| <= r_i}) over the pairs (v_i, r_i); the count includes i itself. The float
// differences themselves are compared (fl(v - s) is monotone in s), so the count matches a tree that
// tests fabs(s - v) <= r. Points are visited in sorted order; each window edge is galloped from a guess
// made with the local density of the previous window (the answer does not depend on the guess).
template <class F>
double window_sum(std::vector<std::pair<double, double>> vr, F f) {
  std::sort(vr.begin(), vr.end());
  const std::size_t n = vr.size();
  std::vector<double> s(n);
  for (std::size_t p = 0; p < n; ++p) s[p] = vr[p].first;
  double sum = 0.0;
  std::size_t lo = 0, hi = 0;
  double density = 0.0;  // points per unit length near the previous point: predicts the next window edges
  for (std::size_t p = 0; p < n; ++p) {
    const auto [vp, rp] = vr[p];
    const auto reach = static_cast<std::size_t>(std::min(density * rp, static_cast<double>(n)));
    lo = gallop(s, 0, p + 1, p > reach ? p - reach : 0, [=](double t) { return vp - t > rp; });
    hi = gallop(s, p + 1, n, p + 1 + reach, [=](double t) { return t - vp <= rp; });
    if (rp > 0.0) density = static_cast<double>(hi - lo) / (2.0 * rp);
    sum += f(static_cast<std::int64_t>(hi - lo));
  }
  return sum;
}

struct JointSample {
  double x, y;
  double r;  // max-norm distance to the k-th nearest other point
};

// Static 2-d tree (implicit: median splits of index ranges, x and y alternating) for the max-norm
// distance of every point to its k-th nearest other point. Exact: a subtree is skipped only when the
// float distance to its splitting line is at least the current k-th distance, and every point beyond
// that line is at least that far (float subtraction is monotone).
class JointKnn {
public:
  JointKnn(std::span<const double> x, std::span<const double> y, int k)
      : pts_(x.size()), k_(static_cast<std::size_t>(k)), best_(k_) {
    for (std::size_t i = 0; i < x.size(); ++i) pts_[i] = {x[i], y[i]};
    build(0, pts_.size(), 0, 0);
  }

  // Every point with its distance to the k-th nearest other point (ties at distance 0 count), in tree
  // order: neighbouring queries share cache lines, and the callers only sum over points.
  std::vector<JointSample> kth_distances() {
    std::vector<JointSample> out(pts_.size());
    solve_leaves(0, pts_.size(), out);
    return out;
  }

private:
  struct Point {
    double x, y;
  };
  static constexpr std::size_t leaf_size = 12;

  static double coord(const Point& p, int dim) { return dim == 0 ? p.x : p.y; }

  // Node ids are implicit (children of `node` are 2 node + 1 and 2 node + 2); the split values are stored
  // because building the subtrees reorders the range and moves the median away from `mid`.
  void build(std::size_t lo, std::size_t hi, std::size_t node, int dim) {
    if (hi - lo <= leaf_size) return;
    const std::size_t mid = lo + (hi - lo) / 2;
    const auto first = pts_.begin();
    const auto b = first + static_cast<std::ptrdiff_t>(lo), m = first + static_cast<std::ptrdiff_t>(mid),
               e = first + static_cast<std::ptrdiff_t>(hi);
    if (dim == 0) std::nth_element(b, m, e, [](const Point& p, const Point& q) { return p.x < q.x; });
    else std::nth_element(b, m, e, [](const Point& p, const Point& q) { return p.y < q.y; });
    if (node >= split_.size()) split_.resize(2 * node + 1);
    split_[node] = coord(pts_[mid], dim);
    build(lo, mid, 2 * node + 1, 1 - dim);
    build(mid, hi, 2 * node + 2, 1 - dim);
  }

  // Each query starts from the points of its own leaf, which gives a tight first k-th distance, then
  // searches the tree from the root skipping that leaf (every other point is offered exactly once).
  void solve_leaves(std::size_t lo, std::size_t hi, std::vector<JointSample>& out) {
    if (hi - lo > leaf_size) {
      const std::size_t mid = lo + (hi - lo) / 2;
      solve_leaves(lo, mid, out);
      solve_leaves(mid, hi, out);
      return;
    }
    leaf_lo_ = lo;
    for (std::size_t q = lo; q < hi; ++q) {
      std::fill(best_.begin(), best_.end(), std::numeric_limits<double>::infinity());
      const double qx = pts_[q].x, qy = pts_[q].y;
      for (std::size_t j = lo; j < hi; ++j)
        if (j != q) offer(std::max(std::fabs(pts_[j].x - qx), std::fabs(pts_[j].y - qy)));
      search(0, pts_.size(), 0, 0, qx, qy);
      out[q] = {qx, qy, best_.back()};
    }
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
      if (lo != leaf_lo_)
        for (std::size_t j = lo; j < hi; ++j) offer(std::max(std::fabs(pts_[j].x - qx), std::fabs(pts_[j].y - qy)));
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
  std::size_t leaf_lo_ = 0;  // first index of the query's own leaf
};

}  // namespace

double ksg_mi(std::span<const double> x, std::span<const double> y, int k) {
  check_pair(x, y, k);
  const std::size_t n = x.size();
  std::vector<std::pair<double, double>> xr(n), yr(n);
  for (std::size_t p = 0; const JointSample& s : JointKnn(x, y, k).kth_distances()) {
    const double r = std::nextafter(s.r, 0.0);  // strictly inside eps_i (KSG eq. 8)
    xr[p] = {s.x, r};
    yr[p++] = {s.y, r};
  }
  // The window counts include the point itself: n_x + 1 and n_y + 1.
  const double sum = window_sum(std::move(xr), digamma_int) + window_sum(std::move(yr), digamma_int);
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

  std::vector<std::pair<double, double>> kept;  // (value, radius) of points whose label occurs more than once
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
        kept.emplace_back(c[order[p]], std::nextafter(dist, 0.0));
      }
      sum_k += static_cast<double>(count) * digamma_int(static_cast<std::int64_t>(kk));
      sum_label += static_cast<double>(count) * digamma_int(static_cast<std::int64_t>(count));
    }
    g = e;
  }
  if (kept.empty()) fail("d", "every label occurs only once: no neighbours with the same label");
  const std::int64_t n = static_cast<std::int64_t>(kept.size());
  const double sum_m = window_sum(std::move(kept), digamma_int);  // m_i counts the point itself
  return digamma_int(n) + (sum_k - sum_label - sum_m) / static_cast<double>(n);
}

double mixed_ksg_mi(std::span<const double> x, std::span<const double> y, int k) {
  check_pair(x, y, k);
  const std::size_t n = x.size();
  const std::vector<JointSample> pts = JointKnn(x, y, k).kth_distances();
  // Exact ties in the joint space: sort the pairs and count equal runs.
  std::vector<std::pair<double, double>> pairs(n);
  for (std::size_t i = 0; i < n; ++i) pairs[i] = {x[i], y[i]};
  std::sort(pairs.begin(), pairs.end());
  std::vector<std::pair<double, double>> xr(n), yr(n);
  double sum_k = 0.0;
  for (std::size_t p = 0; p < n; ++p) {
    const JointSample& s = pts[p];
    std::int64_t ki = k;
    if (s.r == 0.0) {
      const auto run = std::equal_range(pairs.begin(), pairs.end(), std::pair{s.x, s.y});
      ki = (run.second - run.first) - 1;  // other points tied with this one; at least k since rho_i = 0
    }
    sum_k += digamma_int(ki);
    xr[p] = {s.x, s.r};
    yr[p] = {s.y, s.r};
  }
  const auto log_count = [](std::int64_t c) { return std::log(static_cast<double>(c)); };
  // The window counts include the point itself: n_x + 1 and n_y + 1.
  const double sum = sum_k - window_sum(std::move(xr), log_count) - window_sum(std::move(yr), log_count);
  return std::log(static_cast<double>(n)) + sum / static_cast<double>(n);
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
