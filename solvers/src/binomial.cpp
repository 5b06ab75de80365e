#include "itbound/solvers/binomial.hpp"

#include <algorithm>
#include <bit>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/phi.hpp"

namespace itbound {
namespace {

// Boost's incomplete beta only proposes the start: near m = 1e7..1e9 it is less accurate than the 1e-13 relative
// margin once used to certify with it (53 of 756 test-set bounds below the exact Clopper-Pearson limit). Each
// candidate is certified instead by an upper bound on the binomial tail whose error is bounded here, term by term.

using Ext = long double;
constexpr Ext kU = std::numeric_limits<Ext>::epsilon() / 2;  // unit roundoff of long double (2^-64 on x86-64)
constexpr Ext kLnSqrt2Pi = 0.918938533204672741780329736405617639861L;
constexpr Ext kTwoPi = 6.283185307179586476925286766559005768394L;
// libm functions (logl, log1pl, expl) are taken to be within 16 ulps (32 kU relative): glibc's tests bound every
// function's checked-in error at 9 ulps on x86-64.
constexpr Ext kLibm = 32 * kU;
// Terms summed per tail evaluation before the rest is bounded geometrically (about 50 ms): enough for a tight
// bound while m p (1 - p) is below about 1e12; beyond, the bound stays valid but looser (status not_converged).
constexpr std::int64_t kMaxTerms = std::int64_t{1} << 23;

// A long double and a bound on its absolute error.
struct Bounded {
  Ext value, error;
};

// Stirling's remainder delta(n) = ln n! - (n + 1/2) ln n + n - ln sqrt(2 pi), n >= 1.
Bounded stirling_remainder(std::int64_t n) {
  const Ext x = static_cast<Ext>(n);
  if (n < 16) {
    Ext factorial = 1;  // exact: 15! < 2^64
    for (std::int64_t i = 2; i <= n; ++i) factorial *= static_cast<Ext>(i);
    const Ext a = std::log(factorial), b = (x + 0.5L) * std::log(x);
    return {a - b + x - kLnSqrt2Pi, 2 * kLibm * (a + b + x + 1)};
  }
  // The Stirling series sum_k B_2k / (2k (2k-1) n^(2k-1)), k = 1..8, is enveloping for real n > 0: the error is
  // below the first omitted term, B_18 / (18 17 n^17) = 43867 / (244188 n^17) (DLMF 5.11(ii)).
  static constexpr Ext c[] = {1.0L / 12,   -1.0L / 360,        1.0L / 1260, -1.0L / 1680,
                              1.0L / 1188, -691.0L / 360360, 1.0L / 156,  -3617.0L / 122400};
  const Ext r = 1 / x, r2 = r * r;
  Ext s = c[7];
  for (int i = 6; i >= 0; --i) s = s * r2 + c[i];
  const Ext v = s * r;
  return {v, 43867.0L / 244188.0L * std::pow(r, 17) + 32 * kU * v};
}

// X ~ Bin(m, p). m p = hi + lo exactly (an FMA), so m p - j and m (1 - p) are known to a few long double ulps
// without cancellation whatever p is, though 1 - p is not a double.
struct Binomial {
  std::int64_t m;
  Ext P, Q;  // p, and 1 - p (exact for p >= 2^-11, else within one rounding)
  double hi, lo;
  Binomial(std::int64_t trials, double p)
      : m(trials), P(p), Q(1.0L - P), hi(static_cast<double>(trials) * p),
        lo(std::fma(static_cast<double>(trials), p, -hi)) {}
  Ext mean() const { return static_cast<Ext>(hi) + lo; }                             // m p
  Ext mean_minus(std::int64_t j) const { return (hi - static_cast<Ext>(j)) + lo; }  // m p - j
  Ext failures_mean() const { return (static_cast<Ext>(m) - hi) - lo; }             // m (1 - p)
};

// ln P[X = j] = delta(m) - delta(j) - delta(m-j) + (1/2) ln(m / (2 pi j (m-j))) - E, where
// E = j phi(D/j) + (m-j) phi(-D/(m-j)), D = m p - j, phi(x) = x - ln(1+x) >= 0: m kl(j/m || p) without
// cancellation (Loader's saddle-point form of the binomial probability).
// Error of E: D and the ratios m p / j, m (1-p) / (m-j) carry at most 4 kU, so each phi at most 410 kU (phi.hpp's
// analysis with the log at kLibm), E at most 512 kU E; the other terms' errors are added below.
Bounded log_pmf(const Binomial& b, std::int64_t j) {
  const Ext m = static_cast<Ext>(b.m), jj = static_cast<Ext>(j), rest = m - jj;
  if (j == 0 || j == b.m) {  // (1 - p)^m or p^m
    const Ext v = m * (j == 0 ? std::log1p(-b.P) : std::log(b.P));
    return {v, (kLibm + 2 * kU) * std::abs(v)};
  }
  const Ext D = b.mean_minus(j);
  const Ext E = jj * x_minus_log1p(D / jj, b.mean() / jj) +
                rest * x_minus_log1p(-D / rest, b.failures_mean() / rest);
  const Ext H = 0.5L * std::log(m / (kTwoPi * jj * rest));
  const Bounded sm = stirling_remainder(b.m), sj = stirling_remainder(j), sr = stirling_remainder(b.m - j);
  const Ext v = sm.value - sj.value - sr.value + H - E;
  const Ext magnitude = std::abs(sm.value) + std::abs(sj.value) + std::abs(sr.value) + std::abs(H) + E;
  return {v, 512 * kU * E + (2 * kU + kLibm) * (1 + std::abs(H)) + sm.error + sj.error + sr.error +
                 8 * kU * (magnitude + std::abs(v))};
}

struct TailBound {
  Ext value;       // >= the exact tail probability
  bool truncated;  // the term budget ran out: still an upper bound, but a looser one
};

// An upper bound on P[X <= k] (down) or P[X >= k] (up), 0 < p < 1. The terms b(j) from j = k outward, each the
// last times its ratio r (b(j-1)/b(j) = j (1-p) / ((m-j+1) p), b(j+1)/b(j) = (m-j) p / ((j+1)(1-p))) from the
// anchor b(k) = exp(log_pmf), until a geometric bound on the rest is negligible: the pmf is log-concave, so the
// ratios only decrease outward and once one is below 1 the rest is at most t r / (1 - r).
// Errors: the i-th computed term is within (1 + 5.01 kU i) of the anchor times the exact ratios (five roundings a
// step), the anchor within exp(e0) of b(k); each addition errs by at most min(kU partial sum, term added).
TailBound tail_upper_bound(const Binomial& b, std::int64_t k, bool down) {
  const Bounded anchor = log_pmf(b, k);
  const Ext e0 = anchor.error + kLibm;  // and the exp
  const std::int64_t end = down ? 0 : b.m;
  Ext t = std::exp(anchor.value);
  Ext sum = t, weighted = 0, added_error = 0, rest = 0;
  bool truncated = false;
  std::int64_t j = k, i = 0;
  while (j != end) {
    const Ext r = down ? static_cast<Ext>(j) * b.Q / (static_cast<Ext>(b.m - j + 1) * b.P)
                       : static_cast<Ext>(b.m - j) * b.P / (static_cast<Ext>(j + 1) * b.Q);
    const Ext r_up = r * (1 + 8 * kU);  // the exact ratio is below it
    if (r_up < 1) {
      const Ext geometric = t * r_up / (1 - r_up);
      if (geometric <= sum * 0x1p-70L || i >= kMaxTerms) {
        rest = geometric * (1 + 5.02L * kU * static_cast<Ext>(i)) * (1 + 8 * kU);
        truncated = i >= kMaxTerms;
        break;
      }
    } else if (i >= kMaxTerms) {
      return {std::numeric_limits<Ext>::infinity(), true};  // still rising: nothing bounds the rest
    }
    t *= r;
    j += down ? -1 : 1;
    ++i;
    const Ext next = sum + t;
    added_error += std::min(kU * next, t);
    sum = next;
    weighted += static_cast<Ext>(i) * t;
  }
  const Ext computed = sum + 1.01L * added_error + 1.01L * 5.01L * kU * weighted + rest;
  // (1 + 2 e0) >= exp(e0) for the anchor; the last term covers terms that fell below the long double range.
  return {computed * (1 + 2 * e0) * (1 + 8 * kU) + std::numeric_limits<Ext>::min() * static_cast<Ext>(i + 2),
          truncated};
}

// The doubles of [0, 1] in order are the integers bits(0) = 0 .. bits(1); `outward` is +1 for an upper limit
// (towards 1), -1 for a lower one. From `start`, walk (1, 2, 4, ... steps) to a certified and an uncertified
// point, then bisect between them: the result is the certified double nearest the uncertified side, within the
// bound's own slack of the exact limit. `tail(p)`, an upper bound on the tail at p, is only asked for p strictly
// inside (0, 1); p is certified when it is at most delta.
template <typename Tail>
BinomialLimit search(double start, int outward, double delta, Tail tail) {
  const auto bits = [](double x) { return std::bit_cast<std::int64_t>(x); };
  const std::int64_t safe = outward * bits(outward > 0 ? 1.0 : 0.0);
  const std::int64_t inner = outward * bits(outward > 0 ? 0.0 : 1.0);
  const auto at = [&](std::int64_t s) { return std::bit_cast<double>(s * outward); };
  bool truncated = false;  // of the last evaluation
  const auto certified = [&](std::int64_t s) {
    truncated = false;
    if (s >= safe || s <= inner) return s >= safe;
    const TailBound tb = tail(at(s));
    truncated = tb.truncated;
    return tb.value <= static_cast<Ext>(delta);
  };
  std::int64_t cert = safe, uncert = inner;
  bool loose = false;  // the certified end's bound was truncated
  const std::int64_t s0 = std::clamp(outward * bits(start), inner, safe);
  if (certified(s0)) {
    cert = s0, loose = truncated;
    for (std::int64_t step = 1;; step *= 2) {  // inward until uncertified (at the latest at the inner end)
      const std::int64_t s = std::max(cert - step, inner);
      if (!certified(s)) {
        uncert = s;
        break;
      }
      cert = s, loose = truncated;
    }
  } else {
    uncert = s0;
    for (std::int64_t step = 1;; step *= 2) {  // outward until certified (at the latest at the safe end)
      const std::int64_t s = std::min(uncert + step, safe);
      if (certified(s)) {
        cert = s, loose = truncated;
        break;
      }
      uncert = s;
    }
  }
  // To adjacent doubles; where the certified end's bound was truncated its own slack is far larger than 2^12 ulps
  // (relative 1e-12): stop there, each evaluation then costs the whole term budget.
  while (cert - uncert > (loose ? 4096 : 1)) {
    const std::int64_t mid = uncert + (cert - uncert) / 2;
    if (certified(mid)) cert = mid, loose = truncated;
    else uncert = mid;
  }
  return {at(cert), loose ? SolverStatus::not_converged : SolverStatus::converged};
}

void check(std::int64_t k, std::int64_t m, double delta) {
  if (m < 1) fail("trials", "must be >= 1, got " + std::to_string(m));
  if (m > (std::int64_t{1} << 52)) fail("trials", "must be <= 2^52, got " + std::to_string(m));
  if (k < 0 || k > m) fail("errors", "must be in [0, trials] = [0, " + std::to_string(m) + "], got " + std::to_string(k));
  require_delta(delta);
}

// Boost's proposal, or `fallback` where it fails.
template <typename F>
double start_from(F propose, double fallback) {
  try {
    const double p = propose();
    return std::isfinite(p) ? p : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

BinomialLimit binomial_upper_limit(std::int64_t k, std::int64_t m, double delta) {
  check(k, m, delta);
  if (k == m) return {1.0, SolverStatus::exact};
  const double a = static_cast<double>(k + 1), b = static_cast<double>(m - k);
  // P[Bin(m,p) <= k] = I_{1-p}(m-k, k+1) = ibetac(k+1, m-k, p)
  const double start = start_from([&] { return boost::math::ibetac_inv(a, b, delta); },
                                  static_cast<double>(k) / static_cast<double>(m));
  return search(start, +1, delta, [&](double p) { return tail_upper_bound(Binomial(m, p), k, true); });
}

BinomialLimit binomial_lower_limit(std::int64_t k, std::int64_t m, double delta) {
  check(k, m, delta);
  if (k == 0) return {0.0, SolverStatus::exact};
  const double a = static_cast<double>(k), b = static_cast<double>(m - k + 1);
  // P[Bin(m,p) >= k] = ibeta(k, m-k+1, p)
  const double start = start_from([&] { return boost::math::ibeta_inv(a, b, delta); },
                                  static_cast<double>(k) / static_cast<double>(m));
  return search(start, -1, delta, [&](double p) { return tail_upper_bound(Binomial(m, p), k, false); });
}

}  // namespace itbound
