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
  if (keys.size() < 2) return 0.0;
  thread_local Counts counts;        // one allocation per thread, reused for every pair
  thread_local ContingencyTable t;
  count_cells(keys, counts);
  t.clear();
  t.u_count = {0, 0};
  for (const auto& c : counts) {
    t.x_count.push_back(c[0] + c[1]);
    for (std::size_t u = 0; u < 2; ++u) {
      if (c[u] == 0) continue;
      t.cells.push_back({t.x_count.size() - 1, u, c[u]});
      t.u_count[u] += c[u];
    }
  }
  return std::clamp(table_mi(t, correction), 0.0, std::numbers::ln2);
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
