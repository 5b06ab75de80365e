#include "itbound/estimators/supersample.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <numeric>
#include <random>
#include <string>

#include "itbound/error.hpp"

namespace itbound::estimators {
namespace {

double xlogx(double c) { return c > 0 ? c * std::log(c) : 0.0; }

// Counts (U = 0, U = 1) of each distinct X value. Few distinct values (the usual case: 0-1 losses,
// a handful of classes) are found by a linear scan; many fall back to sorting.
using Counts = std::vector<std::array<double, 2>>;

void count_cells(std::vector<KeyedSample>& k, Counts& cells) {
  cells.clear();
  constexpr std::size_t kLinear = 16;
  double a[kLinear], b[kLinear];
  bool linear = true;
  for (const auto& x : k) {
    std::size_t c = 0;
    while (c < cells.size() && !(a[c] == x.a && b[c] == x.b)) ++c;
    if (c == cells.size()) {
      if (c == kLinear) {
        linear = false;
        break;
      }
      a[c] = x.a;
      b[c] = x.b;
      cells.push_back({0, 0});
    }
    cells[c][x.u] += 1;
  }
  if (linear) return;
  cells.clear();
  std::sort(k.begin(), k.end(), [](const KeyedSample& p, const KeyedSample& q) { return p.a != q.a ? p.a < q.a : p.b < q.b; });
  for (std::size_t g = 0; g < k.size();) {
    std::array<double, 2> c{0, 0};
    std::size_t e = g;
    while (e < k.size() && k[e].a == k[g].a && k[e].b == k[g].b) c[k[e++].u] += 1;
    cells.push_back(c);
    g = e;
  }
}

// m * I from cell sums: sum c_xu ln c_xu - sum c_x ln c_x - sum c_u ln c_u + m ln m.
double m_times_mi(double s_xu, double s_x, double s_u, double m) { return s_xu - s_x - s_u + xlogx(m); }

}  // namespace

void validate(const SupersampleRuns& r) {
  if (r.k1 < 1 || r.k2 < 1 || r.n < 1) fail("shape", "k1, k2 and n must all be at least 1");
  const std::size_t cells = r.runs() * static_cast<std::size_t>(r.n);
  if (r.mask.size() != cells) fail("mask", "shape mismatch: expected k1*k2*n = " + std::to_string(cells) + " values");
  if (r.loss.size() != 2 * cells) fail("loss", "shape mismatch: expected (k1, k2, n, 2)");
  if (!r.pred.empty() && r.pred.size() != 2 * cells) fail("pred", "shape mismatch: expected (k1, k2, n, 2)");
  require_finite(r.loss_min, "loss_min");
  require_finite(r.loss_max, "loss_max");
  if (!(r.loss_min < r.loss_max)) fail("loss_max", "must exceed loss_min");
  for (const auto u : r.mask)
    if (u > 1) fail("mask", "values must be 0 or 1, got " + std::to_string(u));
  for (const double l : r.loss) {
    if (std::isnan(l)) fail("loss", "contains NaN");
    if (l < r.loss_min || l > r.loss_max)
      fail("loss", "value " + format_number(l) + " outside the declared range [" + format_number(r.loss_min) + ", " +
                       format_number(r.loss_max) + "]");
  }
  for (const double p : r.pred)
    if (!std::isfinite(p) || p != std::floor(p)) fail("pred", "predictions must be integers, got " + format_number(p));
}

double discrete_mi_binary(std::vector<KeyedSample>& keys, Correction correction) {
  const double m = static_cast<double>(keys.size());
  if (keys.size() < 2) return 0.0;
  thread_local Counts cells;  // one allocation per thread, reused for every pair
  count_cells(keys, cells);
  double s_xu = 0, s_x = 0, cu[2] = {0, 0}, kx = 0, kxu = 0;
  for (const auto& [c0, c1] : cells) {
    s_xu += xlogx(c0) + xlogx(c1);
    s_x += xlogx(c0 + c1);
    cu[0] += c0;
    cu[1] += c1;
    kx += 1;
    kxu += (c0 > 0) + (c1 > 0);
  }
  const double s_u = xlogx(cu[0]) + xlogx(cu[1]);
  double mi = m_times_mi(s_xu, s_x, s_u, m) / m;
  if (correction == Correction::miller_madow) {
    // Miller (1955): H_MM = H_plugin + (K - 1)/(2m) for K occupied cells; I = H(X) + H(U) - H(X, U).
    const double ku = (cu[0] > 0) + (cu[1] > 0);
    mi += ((kx - 1) + (ku - 1) - (kxu - 1)) / (2 * m);
  } else if (correction == Correction::jackknife) {
    // Efron & Stein (1981) / Quenouille: I_J = m I - (m - 1)/m sum_j I_{-j}; samples in one cell share I_{-j}.
    double loo_sum = 0;
    for (const auto& [c0, c1] : cells) {
      const double cx = c0 + c1;
      const double c[2] = {c0, c1};
      for (int u = 0; u < 2; ++u) {
        if (c[u] == 0) continue;
        const double sxu = s_xu - xlogx(c[u]) + xlogx(c[u] - 1);
        const double sx = s_x - xlogx(cx) + xlogx(cx - 1);
        const double su = s_u - xlogx(cu[u]) + xlogx(cu[u] - 1);
        loo_sum += c[u] * m_times_mi(sxu, sx, su, m - 1) / (m - 1);
      }
    }
    mi = m * mi - (m - 1) / m * loo_sum;
  }
  return std::clamp(mi, 0.0, std::numbers::ln2);
}

CmiEstimates estimate_cmi(const SupersampleRuns& r, Correction correction) {
  validate(r);
  const auto k1 = static_cast<std::size_t>(r.k1), k2 = static_cast<std::size_t>(r.k2),
             n = static_cast<std::size_t>(r.n);
  CmiEstimates out;
  out.ecmi.resize(k1 * n);
  out.ldcmi.resize(k1 * n);
  if (!r.pred.empty()) out.fcmi.resize(k1 * n);
  out.ldmi.resize(n);
  out.run_gap.assign(k1 * k2, 0.0);

  // Errors: one pass over runs; loss of pair i's trained member is loss[.., u], held-out is loss[.., 1 - u].
  double train = 0, held = 0;
  for (std::size_t run = 0; run < k1 * k2; ++run) {
    double t = 0, h = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t c = run * n + i;
      const int u = r.mask[c];
      const double lt = r.loss[2 * c + u], lh = r.loss[2 * c + 1 - u];
      t += lt;
      h += lh;
      if (lt != r.loss_min) out.interpolating = false;
    }
    out.run_gap[run] = (h - t) / static_cast<double>(n);
    train += t;
    held += h;
  }
  const double total = static_cast<double>(k1 * k2 * n);
  out.train_error = train / total;
  out.heldout_error = held / total;

  // One workspace reused for every pair: no allocation per pair.
  std::vector<KeyedSample> keys;
  keys.reserve(k1 * k2);
  auto per_pair = [&](std::size_t s_begin, std::size_t s_end, std::size_t i, auto&& key) {
    keys.clear();
    for (std::size_t s = s_begin; s < s_end; ++s)
      for (std::size_t j = 0; j < k2; ++j) {
        const std::size_t c = (s * k2 + j) * n + i;
        keys.push_back(key(c));
      }
    return discrete_mi_binary(keys, correction);
  };
  const auto loss_pair = [&](std::size_t c) { return KeyedSample{r.loss[2 * c], r.loss[2 * c + 1], r.mask[c]}; };
  const auto loss_diff = [&](std::size_t c) { return KeyedSample{r.loss[2 * c + 1] - r.loss[2 * c], 0.0, r.mask[c]}; };
  const auto pred_pair = [&](std::size_t c) { return KeyedSample{r.pred[2 * c], r.pred[2 * c + 1], r.mask[c]}; };
  for (std::size_t s = 0; s < k1; ++s)
    for (std::size_t i = 0; i < n; ++i) {
      out.ecmi[s * n + i] = per_pair(s, s + 1, i, loss_pair);
      out.ldcmi[s * n + i] = per_pair(s, s + 1, i, loss_diff);
      if (!r.pred.empty()) out.fcmi[s * n + i] = per_pair(s, s + 1, i, pred_pair);
    }
  for (std::size_t i = 0; i < n; ++i) out.ldmi[i] = per_pair(0, k1, i, loss_diff);
  return out;
}

CmiBootstrap bootstrap_cmi(const SupersampleRuns& r, Correction correction, int replicates, double level,
                           std::uint64_t seed) {
  validate(r);
  if (replicates < 2) fail("bootstrap", "needs at least 2 replicates");
  if (!(level > 0 && level < 1)) fail("level", "must be in (0, 1)");
  const auto k1 = static_cast<std::size_t>(r.k1), k2 = static_cast<std::size_t>(r.k2),
             n = static_cast<std::size_t>(r.n);
  const auto mean = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, k2 - 1);
  std::vector<double> f, e, l, m;
  SupersampleRuns b = r;
  for (int rep = 0; rep < replicates; ++rep) {
    for (std::size_t s = 0; s < k1; ++s)
      for (std::size_t j = 0; j < k2; ++j) {
        const std::size_t from = (s * k2 + pick(rng)) * n, to = (s * k2 + j) * n;
        std::copy_n(r.mask.begin() + static_cast<std::ptrdiff_t>(from), n, b.mask.begin() + static_cast<std::ptrdiff_t>(to));
        std::copy_n(r.loss.begin() + static_cast<std::ptrdiff_t>(2 * from), 2 * n, b.loss.begin() + static_cast<std::ptrdiff_t>(2 * to));
        if (!r.pred.empty())
          std::copy_n(r.pred.begin() + static_cast<std::ptrdiff_t>(2 * from), 2 * n, b.pred.begin() + static_cast<std::ptrdiff_t>(2 * to));
      }
    const auto est = estimate_cmi(b, correction);
    f.push_back(mean(est.fcmi));
    e.push_back(mean(est.ecmi));
    l.push_back(mean(est.ldcmi));
    m.push_back(mean(est.ldmi));
  }
  const auto interval = [&](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    const double tail = (1 - level) / 2 * static_cast<double>(v.size() - 1);
    // Outer order statistics: the interval is never narrower than the nominal percentiles.
    return Interval{v[static_cast<std::size_t>(std::floor(tail))],
                    v[static_cast<std::size_t>(std::ceil(static_cast<double>(v.size() - 1) - tail))]};
  };
  return {interval(f), interval(e), interval(l), interval(m), replicates, level};
}

}  // namespace itbound::estimators
