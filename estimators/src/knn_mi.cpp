#include "itbound/estimators/knn_mi.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "itbound/error.hpp"
#include "itbound/estimators/detail/uninitialised.hpp"
#include "radix_sort.hpp"

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
std::size_t gallop(std::span<const double> s, std::size_t begin, std::size_t end, std::size_t hint, Pred pred) {
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

// First index in [begin, end] where `pred` (true, then false along the sorted range) turns false. A fixed
// number of steps for a given length, each an arithmetic select: no branch depends on the data.
template <class Pred>
std::size_t partition_point_branchless(std::span<const double> s, std::size_t begin, std::size_t end, Pred pred) {
  if (begin == end) return begin;
  std::size_t base = begin, len = end - begin;  // pred holds below base; the answer is in [base, base + len]
  while (len > 1) {
    const std::size_t half = len / 2;
    base += half * static_cast<std::size_t>(pred(s[base + half - 1]));
    len -= half;
  }
  return base + static_cast<std::size_t>(pred(s[base]));
}

// The edge of a window near a guess: the first index in [begin, end) where `pred` turns false (it is false
// at end, or end is the range's end). Within `slack` of the guess (checked) by a branch-free search, else
// by galloping from it; either way exact.
template <class Pred>
std::size_t edge_near(std::span<const double> s, std::size_t begin, std::size_t end, std::size_t guess,
                      std::size_t slack, Pred pred) {
  guess = std::clamp(guess, begin, end);
  const std::size_t a = guess > begin + slack ? guess - slack : begin;
  const std::size_t b = std::min(end, guess + slack);
  if ((a == begin || pred(s[a - 1])) && (b == end || !pred(s[b]))) return partition_point_branchless(s, a, b, pred);
  return gallop(s, begin, end, guess, pred);
}

// sum_i f(#{j : |s_j - s_i| <= r_i}) over sorted values s with radii r; the count includes i itself. The
// float differences themselves are compared (fl(v - t) is monotone in t), so the count matches a tree
// that tests fabs(t - v) <= r. Each window edge is searched near a guess from the density of the 64
// points around i (the answer does not depend on the guess; consecutive points do not wait on each other).
template <class F>
double window_sum_sorted(std::span<const double> s, std::span<const double> r, F f) {
  const std::size_t n = s.size();
  double sum = 0.0;
  for (std::size_t p = 0; p < n; ++p) {
    const double vp = s[p], rp = r[p];
    const std::size_t a = p > 32 ? p - 32 : 0, b = std::min(n - 1, p + 32);
    const double span = s[b] - s[a];
    const double reach_f = span > 0.0 ? static_cast<double>(b - a) * rp / span : 0.0;
    const auto reach = static_cast<std::size_t>(std::min(reach_f, static_cast<double>(n)));
    // The guess is off by about the count's Poisson noise, sqrt(reach): search 2 sqrt(reach) + 8 around it.
    const auto slack = static_cast<std::size_t>(2.0 * std::sqrt(reach_f) + 8.0);
    const std::size_t lo = edge_near(s, 0, p, p > reach ? p - reach : 0, slack, [=](double t) { return vp - t > rp; });
    const std::size_t hi = edge_near(s, p + 1, n, p + 1 + reach, slack, [=](double t) { return t - vp <= rp; });
    sum += f(static_cast<std::int64_t>(hi - lo));
  }
  return sum;
}

// Scratch memory of the k-NN estimators, kept per thread between calls: a call resizes what it needs (new
// elements left uninitialised), so repeated calls neither allocate nor zero or fault in fresh pages. The largest
// call's buffers (72 bytes per sample) stay allocated until the thread ends.
struct Pair {
  double a, b;
};
template <class T>
using Buffer = std::vector<T, estimators::detail::Uninitialised<T>>;
struct YRank {
  double y;
  std::size_t rank;
};
struct Scratch {
  Buffer<Pair> pairs, spare;        // records being sorted (radix_sort's two buffers)
  Buffer<double> x, r, sx, sy, x_lo, x_hi;  // kth_distances' results and strips (sx, sy: then window_sum's)
  Buffer<YRank> strip;
  Buffer<std::size_t> rank, cursor, pass, order;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

template <class T>
std::span<T> sized(Buffer<T>& b, std::size_t n) {
  if (b.size() < n) b.resize(n);
  return {b.data(), n};
}

// window_sum_sorted over the first n (value, radius) records of s.pairs, in any order (the values and radii
// unzipped into s.sx and s.sy: kth_distances is done with them).
template <class F>
double window_sum(Scratch& s, std::size_t n, F f) {
  estimators::radix_sort(s.pairs, n, s.spare, [](const Pair& p) { return p.a; });
  const auto values = sized(s.sx, n), radii = sized(s.sy, n);
  for (std::size_t p = 0; p < n; ++p) values[p] = s.pairs[p].a, radii[p] = s.pairs[p].b;
  return window_sum_sorted(values, radii, f);
}

// Every point's max-norm distance to its k-th nearest other point (ties at distance 0 count), with the points in
// increasing x: their x in s.x and distances in s.r; in strip order (below) their x, y and position in x order in
// s.sx, s.sy, s.rank.
//
// Exact k-NN for one-dimensional x and y: the points sorted by x are cut into strips of consecutive points,
// each strip sorted by y. A query scans its own strip outward in y from itself, then the other strips in
// order of their x-distance from it, each outward in y from its y; a scan stops where the float distance
// along y reaches the current k-th distance, and the strips stop where the float distance along x does:
// float subtraction is monotone, so no point beyond can be closer (a tie cannot change the k-th distance).
// With strips of about sqrt(k N) / 2 points a query looks at a few strips and a few points in each: O(N log N)
// for the sorts, about linear for the queries on smooth densities.
void kth_distances(std::span<const double> x, std::span<const double> y, int k, Scratch& sc) {
  const std::size_t n = x.size(), kk = static_cast<std::size_t>(k);
  const auto out_x = sized(sc.x, n), out_r = sized(sc.r, n);
  const auto sx = sized(sc.sx, n), sy = sized(sc.sy, n);
  const auto rank = sized(sc.rank, n);
  const auto xy = sized(sc.pairs, n);
  for (std::size_t i = 0; i < n; ++i) xy[i] = {x[i], y[i]};
  estimators::radix_sort(sc.pairs, n, sc.spare, [](const Pair& p) { return p.a; });
  for (std::size_t g = 0; g < n; ++g) out_x[g] = xy[g].a;
  const auto width = static_cast<std::size_t>(
      std::clamp(0.5 * std::sqrt(static_cast<double>(kk) * static_cast<double>(n)), 16.0, 4096.0));
  const std::size_t strips = (n + width - 1) / width;
  const auto begin = [&](std::size_t t) { return t * width; };
  const auto end = [&](std::size_t t) { return std::min(n, (t + 1) * width); };
  const auto x_lo = sized(sc.x_lo, strips), x_hi = sized(sc.x_hi, strips);
  const auto strip = sized(sc.strip, width);
  for (std::size_t t = 0; t < strips; ++t) {
    x_lo[t] = out_x[begin(t)];
    x_hi[t] = out_x[end(t) - 1];
    const std::size_t b = begin(t), m = end(t) - b;
    for (std::size_t i = 0; i < m; ++i) strip[i] = {xy[b + i].b, b + i};
    std::sort(strip.begin(), strip.begin() + static_cast<std::ptrdiff_t>(m),
              [](const YRank& p, const YRank& q) { return p.y < q.y; });
    for (std::size_t i = 0; i < m; ++i) sx[b + i] = out_x[strip[i].rank], sy[b + i] = strip[i].y, rank[b + i] = strip[i].rank;
  }

  double best[64];  // the k smallest distances so far, ascending (k <= 64 here; larger k below)
  std::vector<double> best_large(kk > 64 ? kk : 0);
  double* const kth = kk > 64 ? best_large.data() : best;
  const auto offer = [&](double d) {
    if (d >= kth[kk - 1]) return;
    std::size_t j = kk - 1;
    while (j > 0 && kth[j - 1] > d) {
      kth[j] = kth[j - 1];
      --j;
    }
    kth[j] = d;
  };
  // Offers the points of [lo, hi) outward from `from` (upwards from it, downwards from from - 1), skipping
  // `self`, until the y distance alone reaches the current k-th distance.
  const auto scan = [&](std::size_t lo, std::size_t hi, std::size_t from, std::size_t self, double qx, double qy) {
    for (std::size_t j = from; j < hi; ++j) {
      const double dy = sy[j] - qy;
      if (dy >= kth[kk - 1]) break;
      if (j != self) offer(std::max(std::fabs(sx[j] - qx), dy));
    }
    for (std::size_t j = from; j-- > lo;) {
      const double dy = qy - sy[j];
      if (dy >= kth[kk - 1]) break;
      if (j != self) offer(std::max(std::fabs(sx[j] - qx), dy));
    }
  };
  // Per strip, the first index with y >= the query's: queries of one strip come in increasing y, so each
  // cursor only moves forward (galloping); `pass` marks which strip's queries set it.
  const auto cursor = sized(sc.cursor, strips), pass = sized(sc.pass, strips);
  std::fill(pass.begin(), pass.end(), strips);
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t s = 0; s < strips; ++s) {
    for (std::size_t a = begin(s); a < end(s); ++a) {
      const double qx = sx[a], qy = sy[a];
      std::fill(kth, kth + kk, inf);
      scan(begin(s), end(s), a, a, qx, qy);
      std::size_t left = s, right = s + 1;  // the next strips to visit are left - 1 and right
      while (true) {
        const double dl = left > 0 ? qx - x_hi[left - 1] : inf;
        const double dr = right < strips ? x_lo[right] - qx : inf;
        if (dl >= kth[kk - 1] && dr >= kth[kk - 1]) break;
        const std::size_t t = dl <= dr ? --left : right++;
        const std::size_t hint = pass[t] == s ? cursor[t] : begin(t);
        cursor[t] = gallop(sy, begin(t), end(t), hint, [=](double v) { return v < qy; });
        pass[t] = s;
        scan(begin(t), end(t), cursor[t], n, qx, qy);
      }
      out_r[rank[a]] = kth[kk - 1];
    }
  }
}

// digamma_int for window counts: a table for the small counts that dominate, the function above it.
struct DigammaCounts {
  std::vector<double> table;
  explicit DigammaCounts(std::size_t n) : table(std::min<std::size_t>(n, 8192) + 1) {
    for (std::size_t c = 1; c < table.size(); ++c) table[c] = digamma_int(static_cast<std::int64_t>(c));
  }
  double operator()(std::int64_t c) const {
    return static_cast<std::size_t>(c) < table.size() ? table[static_cast<std::size_t>(c)] : digamma_int(c);
  }
};

}  // namespace

double ksg_mi(std::span<const double> x, std::span<const double> y, int k) {
  check_pair(x, y, k);
  const std::size_t n = x.size();
  Scratch& sc = scratch();
  kth_distances(x, y, k, sc);
  const auto r = std::span(sc.r).first(n);
  for (std::size_t p = 0; p < n; ++p) r[p] = std::nextafter(r[p], 0.0);  // strictly inside eps_i (KSG eq. 8)
  for (std::size_t a = 0; a < n; ++a) sc.pairs[a] = {sc.sy[a], r[sc.rank[a]]};
  // The window counts include the point itself: n_x + 1 and n_y + 1.
  const DigammaCounts psi(n);
  const double sum = window_sum_sorted(std::span(sc.x).first(n), r, psi) + window_sum(sc, n, psi);
  return digamma_int(k) + digamma_int(static_cast<std::int64_t>(n)) - sum / static_cast<double>(n);
}

double ross_mi(std::span<const double> c, std::span<const std::int64_t> d, int k) {
  if (k < 1) fail("k", "must be at least 1, got " + std::to_string(k));
  if (d.size() != c.size())
    fail("d", "has " + std::to_string(d.size()) + " samples but c has " + std::to_string(c.size()));
  check_sample(c, "c");
  // Points grouped by label, each group sorted by value.
  Scratch& sc = scratch();
  const auto order = sized(sc.order, c.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return d[a] != d[b] ? d[a] < d[b] : c[a] < c[b]; });

  std::size_t kept = 0;  // (value, radius) of points whose label occurs more than once, in sc.pairs
  sized(sc.pairs, c.size());
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
        sc.pairs[kept++] = {c[order[p]], std::nextafter(dist, 0.0)};
      }
      sum_k += static_cast<double>(count) * digamma_int(static_cast<std::int64_t>(kk));
      sum_label += static_cast<double>(count) * digamma_int(static_cast<std::int64_t>(count));
    }
    g = e;
  }
  if (kept == 0) fail("d", "every label occurs only once: no neighbours with the same label");
  const auto n = static_cast<std::int64_t>(kept);
  const double sum_m = window_sum(sc, kept, digamma_int);  // m_i counts the point itself
  return digamma_int(n) + (sum_k - sum_label - sum_m) / static_cast<double>(n);
}

double mixed_ksg_mi(std::span<const double> x, std::span<const double> y, int k) {
  check_pair(x, y, k);
  const std::size_t n = x.size();
  Scratch& sc = scratch();
  kth_distances(x, y, k, sc);
  const auto r = std::span(sc.r).first(n);
  // Exact ties in the joint space (only where some rho_i is 0): the points sorted by (x, y), equal runs counted.
  std::vector<std::pair<double, double>> tied;
  if (std::find(r.begin(), r.end(), 0.0) != r.end()) {
    tied.resize(n);
    for (std::size_t i = 0; i < n; ++i) tied[i] = {x[i], y[i]};
    std::sort(tied.begin(), tied.end());
  }
  double sum_k = 0.0;
  for (std::size_t a = 0; a < n; ++a) {  // strip order
    const double ra = r[sc.rank[a]];
    std::int64_t ki = k;
    if (ra == 0.0) {
      const auto run = std::equal_range(tied.begin(), tied.end(), std::pair{sc.sx[a], sc.sy[a]});
      ki = (run.second - run.first) - 1;  // other points tied with this one; at least k since rho_i = 0
    }
    sum_k += digamma_int(ki);
    sc.pairs[a] = {sc.sy[a], ra};
  }
  const auto log_count = [](std::int64_t c) { return std::log(static_cast<double>(c)); };
  // The window counts include the point itself: n_x + 1 and n_y + 1.
  const double sum = sum_k - window_sum_sorted(std::span(sc.x).first(n), r, log_count) - window_sum(sc, n, log_count);
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
