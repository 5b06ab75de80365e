#include "itbound/estimators/continuous_cmi.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "itbound/error.hpp"
#include "itbound/estimators/knn_mi.hpp"

namespace itbound::estimators {
namespace {

double clamp_mi(double raw) { return std::clamp(raw, 0.0, std::numbers::ln2); }

// Ross's estimator drops the points of a label seen once; with either label seen at most once nothing is
// left to compare, and its estimate (about 0) says nothing about I(X; U). Such estimates are undetermined:
// the bounds take the largest value I(X; U) can have, ln 2, and the share of them is reported.
template <class Labels>
bool determined(const Labels& u) {
  const auto ones = static_cast<std::size_t>(std::count(u.begin(), u.end(), 1));
  return ones >= 2 && u.size() - ones >= 2;
}

double clamped_for_bound(double raw, bool is_determined) { return is_determined ? clamp_mi(raw) : std::numbers::ln2; }

void check_k(int k) {
  if (k < 1) fail("k", "must be at least 1, got " + std::to_string(k));
}

// ross_mi on a pooled 1-d sample, 0 when no label occurs twice (ross_mi would have no neighbours).
double pooled_ross(const std::vector<double>& c, const std::vector<std::int64_t>& d, int k) {
  const auto ones = std::count(d.begin(), d.end(), 1);
  const auto zeros = static_cast<std::ptrdiff_t>(d.size()) - ones;
  if (ones < 2 && zeros < 2) return 0.0;
  return ross_mi(c, d, k);
}

// Rows (points of dimension dim) that equal another row exactly.
std::size_t tied_points(const std::vector<double>& x, std::size_t dim) {
  const std::size_t m = x.size() / dim;
  std::vector<std::size_t> order(m);
  for (std::size_t j = 0; j < m; ++j) order[j] = j;
  const auto row = [&](std::size_t j) { return x.begin() + static_cast<std::ptrdiff_t>(j * dim); };
  const auto equal = [&](std::size_t a, std::size_t b) { return std::equal(row(a), row(a + 1), row(b)); };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(row(a), row(a + 1), row(b), row(b + 1));
  });
  std::size_t tied = 0;
  for (std::size_t g = 0; g < m;) {
    std::size_t e = g + 1;
    while (e < m && equal(order[e], order[g])) ++e;
    if (e - g > 1) tied += e - g;
    g = e;
  }
  return tied;
}

// SplitMix64 (Steele, Lea & Flood 2014): a portable, seedable stream, so estimates repeat on every platform.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Tie-breaking as scikit-learn's mutual_info_classif does for continuous features: noise of scale
// 1e-10 max(1, mean |x_a|) on each coordinate a (uniform here, from a fixed seed), so tied points become
// distinct in a random order, far below the spacing of the untied values.
void break_ties(std::vector<double>& x, std::size_t dim, std::uint64_t seed) {
  const std::size_t m = x.size() / dim;
  for (std::size_t a = 0; a < dim; ++a) {
    double scale = 0.0;
    for (std::size_t j = 0; j < m; ++j) scale += std::fabs(x[j * dim + a]) / static_cast<double>(m);
    scale = 1e-10 * std::max(1.0, scale);
    for (std::size_t j = 0; j < m; ++j)
      x[j * dim + a] += scale * (static_cast<double>(splitmix64(seed) >> 11) * 0x1p-52 - 1.0);
  }
}

// Counts and breaks the ties of one estimation sample, then estimates; `term` accumulates the tie count.
struct TieCount {
  std::size_t tied = 0, points = 0;
  double fraction() const { return points ? static_cast<double>(tied) / static_cast<double>(points) : 0.0; }
};

template <class Estimate>
double estimate_untied(std::vector<double>& x, std::size_t dim, std::uint64_t seed, TieCount& count, Estimate estimate) {
  const std::size_t tied = tied_points(x, dim);
  count.tied += tied;
  count.points += x.size() / dim;
  if (tied > 0) break_ties(x, dim, seed);
  return estimate(x);
}

}  // namespace

double ross_mi_maxnorm(std::span<const double> x, std::size_t dim, std::span<const std::uint8_t> u, int k) {
  check_k(k);
  if (dim < 1) fail("dim", "must be at least 1");
  const std::size_t m = u.size();
  if (x.size() != m * dim)
    fail("x", "has " + std::to_string(x.size()) + " values, expected " + std::to_string(m) + " points of dimension " +
                  std::to_string(dim));
  for (double v : x) require_finite(v, "x");
  std::size_t count[2] = {0, 0};
  for (auto l : u) {
    if (l > 1) fail("u", "labels must be 0 or 1, got " + std::to_string(l));
    ++count[l];
  }
  const auto kept = [&](std::size_t j) { return count[u[j]] > 1; };
  const std::size_t n_kept = (count[0] > 1 ? count[0] : 0) + (count[1] > 1 ? count[1] : 0);
  if (n_kept == 0) return 0.0;

  std::vector<double> dist(m), same;
  same.reserve(m);
  double sum = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    if (!kept(i)) continue;
    same.clear();
    for (std::size_t j = 0; j < m; ++j) {
      double d = 0.0;
      for (std::size_t a = 0; a < dim; ++a) d = std::max(d, std::fabs(x[j * dim + a] - x[i * dim + a]));
      dist[j] = d;
      if (j != i && u[j] == u[i]) same.push_back(d);
    }
    const std::size_t ki = std::min(static_cast<std::size_t>(k), count[u[i]] - 1);
    std::nth_element(same.begin(), same.begin() + static_cast<std::ptrdiff_t>(ki - 1), same.end());
    const double radius = std::nextafter(same[ki - 1], 0.0);
    std::int64_t mi = 0;
    for (std::size_t j = 0; j < m; ++j) mi += kept(j) && dist[j] <= radius;
    sum += digamma_int(static_cast<std::int64_t>(ki)) - digamma_int(static_cast<std::int64_t>(count[u[i]])) -
           digamma_int(mi);
  }
  return digamma_int(static_cast<std::int64_t>(n_kept)) + sum / static_cast<double>(n_kept);
}

KnnCmiEstimates estimate_cmi_knn(const SupersampleRuns& r, int k) {
  check_k(k);
  KnnCmiEstimates out{estimate_cmi(r, Correction::none), {}, {}, {}, {}};  // errors, f-CMI; validates the runs
  const auto k1 = static_cast<std::size_t>(r.k1), k2 = static_cast<std::size_t>(r.k2),
             n = static_cast<std::size_t>(r.n);
  out.ecmi.raw.resize(k1 * n);
  out.ldcmi.raw.resize(k1 * n);
  out.ldmi.raw.resize(n);
  auto& e = out.clamped;  // estimate_cmi sized its e-CMI, ld-CMI and ld-MI vectors like the raw ones
  e.emi.clear();  // no k-NN estimate of the pooled pair MI (the plug-in one of continuous losses is not one)
  TieCount pair_ties, diff_ties, pooled_ties;
  std::vector<double> pair(2 * k2), diff(k2);
  std::vector<std::uint8_t> u(k2);
  for (std::size_t s = 0; s < k1; ++s)
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < k2; ++j) {
        const std::size_t c = (s * k2 + j) * n + i;
        pair[2 * j] = r.loss[2 * c];
        pair[2 * j + 1] = r.loss[2 * c + 1];
        diff[j] = r.loss[2 * c + 1] - r.loss[2 * c];
        u[j] = r.mask[c];
      }
      const std::uint64_t seed = 3 * (s * n + i);
      out.ecmi.raw[s * n + i] =
          estimate_untied(pair, 2, seed, pair_ties, [&](const auto& x) { return ross_mi_maxnorm(x, 2, u, k); });
      out.ldcmi.raw[s * n + i] =
          estimate_untied(diff, 1, seed + 1, diff_ties, [&](const auto& x) { return ross_mi_maxnorm(x, 1, u, k); });
      const bool ok = determined(u);
      out.ecmi.undetermined += !ok, out.ldcmi.undetermined += !ok;
      e.ecmi[s * n + i] = clamped_for_bound(out.ecmi.raw[s * n + i], ok);
      e.ldcmi[s * n + i] = clamped_for_bound(out.ldcmi.raw[s * n + i], ok);
    }
  std::vector<double> pooled(k1 * k2);
  std::vector<std::int64_t> labels(k1 * k2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t run = 0; run < k1 * k2; ++run) {
      const std::size_t c = run * n + i;
      pooled[run] = r.loss[2 * c + 1] - r.loss[2 * c];
      labels[run] = r.mask[c];
    }
    out.ldmi.raw[i] = estimate_untied(pooled, 1, 3 * (k1 * n + i) + 2, pooled_ties,
                                      [&](const auto& x) { return pooled_ross(x, labels, k); });
    const bool ok = determined(labels);
    out.ldmi.undetermined += !ok;
    e.ldmi[i] = clamped_for_bound(out.ldmi.raw[i], ok);
  }
  out.ecmi.tied_fraction = pair_ties.fraction();
  out.ldcmi.tied_fraction = diff_ties.fraction();
  out.ldmi.tied_fraction = pooled_ties.fraction();
  auto single = single_loss_mi_knn(r, k);
  out.slmi = std::move(single.slmi);
  e.slmi = std::move(single.clamped);
  return out;
}

SingleLossKnn single_loss_mi_knn(const SupersampleRuns& r, int k) {
  validate(r);
  check_k(k);
  const auto runs = r.runs(), n = static_cast<std::size_t>(r.n);
  SingleLossKnn out{std::vector<double>(n), {std::vector<double>(n), 0.0}};
  TieCount ties;
  std::vector<double> loss(runs);
  std::vector<std::int64_t> labels(runs);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t side = 0; side < 2; ++side) {
      for (std::size_t run = 0; run < runs; ++run) {
        const std::size_t c = run * n + i;
        loss[run] = r.loss[2 * c + side];
        labels[run] = r.mask[c];
      }
      const double mi = estimate_untied(loss, 1, 2 * i + side, ties, [&](const auto& x) { return pooled_ross(x, labels, k); });
      const bool ok = determined(labels);
      out.slmi.undetermined += !ok;
      out.slmi.raw[i] += mi / 2;
      out.clamped[i] += clamped_for_bound(mi, ok) / 2;
    }
  }
  out.slmi.tied_fraction = ties.fraction();
  return out;
}

}  // namespace itbound::estimators
