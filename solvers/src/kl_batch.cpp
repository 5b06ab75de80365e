// Array kl inverses: a vectorised approximate solve over fixed-size blocks of lanes, then a per-element
// certification with the scalar kl; any element that does not certify goes to the scalar solver.
// Soundness rests only on the certification (the same test the scalar solver uses), never on the
// accuracy of the vectorised part, whose own log/exp below carry no proven bound and need none.
// The lane code is plain branch-free C++ that the compiler vectorises; on x86-64 it is also cloned for
// x86-64-v3 (AVX2, FMA) and picked at load time (target_clones): no Eigen code is built for that target.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"

namespace itbound {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// Certification uses the scalar kl(q, p) (kl.hpp): a sum of two non-negative terms, each a product of
// factors computed to a few ulps, except phi(x) = x - ln(1+x) for 1/4 < |x| < ~1/2, where the subtraction
// amplifies the ulp-level errors of x and ln(1+x) by |x|/phi(x) <= ~10. kl.hpp states 32 eps; against mpmath
// (40 digits, 24k pairs in that band) we measured up to 19.3 eps. A computed kl >= c (1 + 64 eps) therefore
// proves the exact kl(q||p) > c: p is then on the safe side of the root.
constexpr double kCertify = 1.0 + 64.0 * kEps;
// The candidate is moved outward by this many eps of c in kl-space before certifying. It must cover the
// certification margin (64), the certifying evaluation's error (16) and the vectorised solve's residual
// and kl error (a few tens of eps): the tight move certifies most elements, the loose one nearly all
// the rest, and the scalar solver takes what remains.
constexpr double kNudge[] = {96.0 * kEps, 256.0 * kEps};
constexpr double kBelowOne = 1.0 - 0x1p-53;
// The direct phase's steps; a lane counts as converged when its last accurate step is below this
// fraction of its distance to u(q) (Halley's next error is of the order of that step cubed).
constexpr int kMaxDirect = 3;
constexpr int kMaxAccurate = 2;
constexpr double kSmallStep = 1e-5;
// Below this c the direct kl's absolute error of a few eps is noise; the start is already close there.
constexpr double kDirectMinC = 1e-9;
constexpr std::size_t kBlock = 64;
using Lanes = std::array<double, kBlock>;

// Lane code is inlined and its short loops fully unrolled, so the loop over lanes vectorises.
#define ITBOUND_LANE [[gnu::always_inline]] inline
#define ITBOUND_UNROLL _Pragma("GCC unroll 16")

// ln 2 split so that k ln2_hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;

// ln x for normal x > 0: x = 2^k m, m in [sqrt(1/2), sqrt 2), ln m = 2 atanh(s), s = (m-1)/(m+1),
// |s| <= 0.172, series to s^23. Exponent and mantissa by bit operations only, so it vectorises.
ITBOUND_LANE double lane_log(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  // The exponent field as a double: placed in the mantissa of 2^52 and subtracted.
  double k = std::bit_cast<double>((bits >> 52) | 0x4330000000000000ULL) - 4503599627370496.0 - 1023.0;
  double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  const bool high = m > 1.4142135623730951;
  m = high ? 0.5 * m : m;
  k = high ? k + 1.0 : k;
  const double s = (m - 1.0) / (m + 1.0);
  const double z = s * s;
  double poly = 1.0 / 23.0;
  ITBOUND_UNROLL
  for (int j = 21; j >= 3; j -= 2) poly = poly * z + 1.0 / j;
  return k * kLn2Hi + (2.0 * s + (2.0 * s * z * poly + k * kLn2Lo));
}

constexpr std::array<double, 14> kInverseFactorial = [] {
  std::array<double, 14> f{1.0};
  for (std::size_t j = 1; j < f.size(); ++j) f[j] = f[j - 1] / static_cast<double>(j);
  return f;
}();

// e^x for |x| <= 708 (clamped): x = n ln2 + r, |r| <= 0.35, Taylor to r^13, times 2^n built in the bits.
ITBOUND_LANE double lane_exp(double x) {
  x = std::min(std::max(x, -708.0), 708.0);
  constexpr double kShift = 6755399441055744.0;  // 1.5 2^52: adding it rounds to an integer in the low bits
  const double t = x * 1.4426950408889634 + kShift;
  const double n = t - kShift;
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  double poly = kInverseFactorial[13];
  ITBOUND_UNROLL
  for (int j = 12; j >= 0; --j) poly = poly * r + kInverseFactorial[j];
  const auto scale = std::bit_cast<double>((std::bit_cast<std::uint64_t>(t) + 1023) << 52);
  return poly * scale;
}

// phi(x) = x - ln(1+x) >= 0 with ratio = 1 + x passed separately (known more accurately than 1 + x).
// Near 0: ln(1+x) = 2 atanh(t), t = x/(2+x), so phi = x t - 2 t^3 (1/3 + t^2/5 + ...), cancellation-free.
ITBOUND_LANE double lane_phi(double x, double ratio) {
  const double t = x / (2.0 + x);
  const double t2 = t * t;
  double s = 1.0 / 21.0;
  ITBOUND_UNROLL
  for (int k = 19; k >= 3; k -= 2) s = s * t2 + 1.0 / k;
  const double series = x * t - 2.0 * t * t2 * s;
  const double direct = x - lane_log(ratio);
  return std::abs(x) <= 0.25 ? series : direct;
}

// p - q, from 1-q and 1-p where p >= 1/2 (there 1-p is known more accurately than p).
ITBOUND_LANE double lane_difference(double q, double omq, double p, double omp) {
  const double low = p - q, high = omq - omp;
  return p < 0.5 ? low : high;
}

// kl(q||p) = q phi(d/q) + (1-q) phi(-d/(1-q)), d = p - q: two non-negative terms (kl.cpp, kl_interior).
// rq, romq = 1/q, 1/(1-q): products instead of quotients (divisions dominate the lane code's cost).
ITBOUND_LANE double lane_kl(double q, double omq, double rq, double romq, double p, double omp) {
  const double d = lane_difference(q, omq, p, omp);
  return q * lane_phi(d * rq, p * rq) + omq * lane_phi(-d * romq, omp * romq);
}

// Both sides solve h(u) = kl(q||p(u)) - c = 0 in the logit u = ln(p/(1-p)): there h'(u) = p - q and
// h''(u) = p(1-p) > 0, so h is convex, monotone on each side of u(q) and nearly linear where p nears 0 or 1,
// and p, 1-p = 1/(1+e^-u), e^-u/(1+e^-u) are both recovered to a few ulps relative.
//
// Start from the expansion of the root in s = sqrt(2 q (1-q) c), p = q +- s + 2 (1-2q) c / 3 + O(s^3) (Taylor
// series of kl(q||p) in p at q to third order), where it lands in (0, 1); cut at the entropy brackets
// kl >= -H(q) + (1-q) ln(1/(1-p)) and kl >= -H(q) + q ln(1/p), which are tight where p nears 1 or 0.
// Then Halley steps (Newton where Halley would more than double the step): first with the direct
// kl = -H(q) + ln(1 + e^-u) + (1-q) u (one log, but cancelling when c is small), then with the
// cancellation-free lane_kl to reach the root to rounding level. Fixed step counts keep lanes in lockstep.
// Sets the candidate p, 1-p and whether the last step was small (else the candidate may be loose).
template <bool Up>
ITBOUND_LANE void solve_lane(double q, double c, double& p, double& omp, double& converged) {
  const double omq = 1.0 - q, rq = 1.0 / q, romq = 1.0 / omq;
  const double lq = lane_log(q), lomq = lane_log(omq);
  const double uq = lq - lomq;
  const double entropy = -(q * lq + omq * lomq);
  const double s = std::sqrt(2.0 * q * omq * c);
  const double p0 = q + (Up ? s : -s) + (2.0 / 3.0) * (1.0 - 2.0 * q) * c;
  const double logit = lane_log(p0 / (1.0 - p0));
  double u;
  if constexpr (Up) {
    const double bracket = (c + entropy) * romq;  // logit(p) <= ln(1/(1-p)) <= (c + H)/(1-q)
    u = (p0 > q) & (p0 < 1.0) ? std::min(logit, bracket) : bracket;
  } else {
    const double bracket = -(c + entropy) * rq;  // logit(p) >= ln p >= -(c + H)/q
    u = (p0 > 0.0) & (p0 < q) ? std::max(logit, bracket) : bracket;
  }
  double e = 0.0, step = 0.0;
  const auto to_p = [&] {
    e = lane_exp(-u);
    p = 1.0 / (1.0 + e);
    omp = e * p;
  };
  const auto advance = [&](double h) {
    const double d = lane_difference(q, omq, p, omp);
    const double den = 2.0 * d * d - h * p * omp;
    const bool halley = den > d * d;  // Halley's step is 2 h d / den, Newton's h / d: one division
    step = h * (halley ? 2.0 * d : 1.0) / (halley ? den : d);
    // Never cross the point p = q: go at most halfway to it.
    const double next = u - step, half = 0.5 * (u + uq);
    u = Up ? std::max(next, half) : std::min(next, half);
  };
  ITBOUND_UNROLL
  for (int it = 0; it < kMaxDirect; ++it) {
    to_p();
    const double h = lane_log(1.0 + e) + omq * u - entropy - c;
    advance(c >= kDirectMinC ? h : 0.0);
  }
  ITBOUND_UNROLL
  for (int it = 0; it < kMaxAccurate; ++it) {
    to_p();
    advance(lane_kl(q, omq, rq, romq, p, omp) - c);
  }
  converged = std::abs(step) <= kSmallStep * std::abs(u - uq) ? 1.0 : 0.0;  // 0 for NaN lanes
  to_p();
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define ITBOUND_CLONES [[gnu::target_clones("arch=x86-64-v3", "default")]]
#else
#define ITBOUND_CLONES
#endif

ITBOUND_CLONES void solve_lanes(bool up, const Lanes& q, const Lanes& c, Lanes& p, Lanes& omp,
                                Lanes& ok) {
  if (up) {
    for (std::size_t j = 0; j < kBlock; ++j) solve_lane<true>(q[j], c[j], p[j], omp[j], ok[j]);
  } else {
    for (std::size_t j = 0; j < kBlock; ++j) solve_lane<false>(q[j], c[j], p[j], omp[j], ok[j]);
  }
}

// The element q, c is one the vectorised path handles; the rest (exact ends, scales near the underflow
// threshold, where the scalar solver switches formulas) go to the scalar solver.
bool regular(double q, double c) { return q >= 1e-280 && q < 1.0 && c >= 1e-280 && c < 1e300; }

template <bool Up>
KlInverseArrayResult solve_array(const Eigen::Ref<const Eigen::ArrayXd>& q, const Eigen::Ref<const Eigen::ArrayXd>& c) {
  if (q.size() != c.size())
    fail("c", "must have the same length as q (" + std::to_string(q.size()) + "), got " + std::to_string(c.size()));
  const auto scalar = [](double qi, double ci) { return Up ? kl_inverse_upper(qi, ci) : kl_inverse_lower(qi, ci); };
  const Eigen::Index n = q.size();
  // The first bad entry throws with its index, exactly as the scalar solver words it.
  for (Eigen::Index i = 0; i < n; ++i) {
    if (q[i] >= 0.0 && q[i] <= 1.0 && c[i] >= 0.0) continue;
    try {
      scalar(q[i], c[i]);
    } catch (const InvalidArgument& e) {
      const std::string what = e.what();
      throw InvalidArgument(e.field() + "[" + std::to_string(i) + "]", what.substr(e.field().size() + 2));
    }
  }
  KlInverseArrayResult out{Eigen::ArrayXd(n), 0};
  Lanes qb, cb, p, omp;
  Lanes converged;
  const auto block = static_cast<Eigen::Index>(kBlock);
  for (Eigen::Index start = 0; start < n; start += block) {
    const Eigen::Index len = std::min(block, n - start);
    // Irregular and padding lanes get a harmless stand-in; their results are not used.
    for (Eigen::Index j = 0; j < block; ++j) {
      const bool use = j < len && regular(q[start + j], c[start + j]);
      qb[static_cast<std::size_t>(j)] = use ? q[start + j] : 0.5;
      cb[static_cast<std::size_t>(j)] = use ? c[start + j] : 0.1;
    }
    solve_lanes(Up, qb, cb, p, omp, converged);
    for (std::size_t j = 0; j < static_cast<std::size_t>(len); ++j) {
      const Eigen::Index i = start + static_cast<Eigen::Index>(j);
      const double qi = q[i], ci = c[i];
      if (converged[j] != 0.0 && regular(qi, ci)) {
        // Move outward by kNudge c in kl-space (dp = dkl p(1-p)/|p-q|) plus 2 ulps, then certify.
        const double dist = Up ? p[j] - qi : qi - p[j];
        bool done = false;
        for (const double nudge : kNudge) {
          const double move = nudge * ci * p[j] * omp[j] / dist + 2.0 * kEps * p[j];
          const double cand = Up ? std::min(p[j] + move, kBelowOne) : p[j] - move;
          // Where kl is steep in ln p (lower inverses far below q) the nudge would cost more than the
          // 1e-12 relative accuracy promised; the scalar solver walks in ulps there instead.
          const bool inside = (Up ? cand > qi : (cand < qi && cand > 1e-300)) && move <= 4e-13 * p[j];
          if (dist > 0.0 && inside && kl(qi, cand) >= ci * kCertify) {
            out.value[i] = cand;
            done = true;
            break;
          }
        }
        if (done) continue;
        // A root within 8 ulps of 1 that the largest double below 1 does not certify: 1 is the bound.
        if (Up && dist > 0.0 && p[j] >= 1.0 - 0x1p-50) {
          out.value[i] = 1.0;
          continue;
        }
      }
      const KlInverseResult r = scalar(qi, ci);
      out.value[i] = r.value;
      if (r.status == SolverStatus::not_converged) ++out.not_converged;
    }
  }
  return out;
}

}  // namespace

KlInverseArrayResult kl_inverse_upper(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c) {
  return solve_array<true>(q, c);
}

KlInverseArrayResult kl_inverse_lower(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c) {
  return solve_array<false>(q, c);
}

}  // namespace itbound
