#include "itbound/estimators/loo.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "itbound/error.hpp"

namespace itbound::estimators {

void validate(const LooRuns& r) {
  if (r.k1 < 1 || r.k2 < 1 || r.n < 1) fail("shape", "k1 and k2 must be at least 1 and a supersample needs n + 1 >= 2 points");
  if (r.left_out.size() != r.runs())
    fail("left_out", "shape mismatch: expected (k1, k2) = " + std::to_string(r.runs()) + " values");
  if (r.loss.size() != r.runs() * r.points()) fail("loss", "shape mismatch: expected (k1, k2, n + 1)");
  require_finite(r.loss_min, "loss_min");
  require_finite(r.loss_max, "loss_max");
  if (!(r.loss_min < r.loss_max)) fail("loss_max", "must exceed loss_min");
  for (const auto u : r.left_out)
    if (u < 0 || u > r.n)
      fail("left_out", "values must be integer indices in [0, n] = [0, " + std::to_string(r.n) + "], got " + std::to_string(u));
  for (const double l : r.loss) {
    if (std::isnan(l)) fail("loss", "contains NaN");
    if (l < r.loss_min || l > r.loss_max)
      fail("loss", "value " + format_number(l) + " outside the declared range [" + format_number(r.loss_min) + ", " +
                       format_number(r.loss_max) + "]");
  }
}

LooEstimates estimate_loo_cmi(const LooRuns& r, Correction correction) {
  validate(r);
  const auto k1 = static_cast<std::size_t>(r.k1), k2 = static_cast<std::size_t>(r.k2), p = r.points();
  LooEstimates out;
  out.loo_cmi.resize(k1);
  out.run_gap.resize(k1 * k2);
  out.supersample_loo_error.assign(k1, 0.0);

  double train = 0, loo = 0;
  for (std::size_t run = 0; run < k1 * k2; ++run) {
    const double* l = r.loss.data() + run * p;
    const auto u = static_cast<std::size_t>(r.left_out[run]);
    double t = 0;
    for (std::size_t i = 0; i < p; ++i)
      if (i != u) {
        t += l[i];
        if (l[i] != r.loss_min) out.interpolating = false;
      }
    t /= static_cast<double>(r.n);
    out.run_gap[run] = l[u] - t;
    train += t;
    loo += l[u];
    out.supersample_loo_error[run / k2] += l[u] / static_cast<double>(k2);
  }
  out.train_error = train / static_cast<double>(k1 * k2);
  out.loo_error = loo / static_cast<double>(k1 * k2);

  out.design.exhaustive = k2 % p == 0;
  bool repeated = false, differ = false;
  std::vector<std::size_t> order(k2);
  std::vector<std::int64_t> symbol(k2), times(p);
  std::vector<DiscreteSample> samples;
  const double cap = std::log(static_cast<double>(p));  // I(L; U) <= H(U) = ln(n + 1)
  for (std::size_t s = 0; s < k1; ++s) {
    // Each loss vector is one symbol: sort the runs' rows lexicographically and number the distinct rows.
    const auto row = [&](std::size_t j) { return r.loss.data() + (s * k2 + j) * p; };
    const auto less = [&](std::size_t a, std::size_t b) { return std::lexicographical_compare(row(a), row(a) + p, row(b), row(b) + p); };
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), less);
    std::int64_t id = 0;
    for (std::size_t j = 0; j < k2; ++j) {
      if (j > 0 && less(order[j - 1], order[j])) ++id;
      symbol[order[j]] = id;
    }

    std::fill(times.begin(), times.end(), 0);
    samples.clear();
    for (std::size_t j = 0; j < k2; ++j) {
      const auto u = r.left_out[s * k2 + j];
      ++times[static_cast<std::size_t>(u)];
      samples.push_back({symbol[j], u});
    }
    if (std::any_of(times.begin(), times.end(), [&](std::int64_t c) { return c != times[0]; })) out.design.exhaustive = false;
    // Runs leaving out the same index: a deterministic learner gives them the same loss vector.
    std::sort(samples.begin(), samples.end(),
              [](const DiscreteSample& a, const DiscreteSample& b) { return a.u != b.u ? a.u < b.u : a.x < b.x; });
    for (std::size_t j = 1; j < k2; ++j)
      if (samples[j].u == samples[j - 1].u) {
        repeated = true;
        differ = differ || samples[j].x != samples[j - 1].x;
      }
    out.loo_cmi[s] = discrete_mi(samples, correction, cap);
  }
  out.design.repeats = out.design.exhaustive ? r.k2 / (r.n + 1) : 0;
  out.design.learner = differ ? Determinism::randomized : repeated ? Determinism::deterministic : Determinism::unchecked;
  return out;
}

MeanSpread over_supersamples(const std::vector<double>& v) {
  MeanSpread out;
  for (const double x : v) out.mean += x / static_cast<double>(v.size());
  double ss = 0;
  for (const double x : v) ss += (x - out.mean) * (x - out.mean);
  if (v.size() > 1) out.spread = std::sqrt(ss / static_cast<double>(v.size() - 1));
  return out;
}

}  // namespace itbound::estimators
