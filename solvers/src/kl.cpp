#include "itbound/solvers/kl.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"
#include "itbound/solvers/phi.hpp"

namespace itbound {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kMaxNewton = 100;
constexpr int kMaxWalk = 80;

// kl for q, p in (0,1) as q phi(d/q) + (1-q) phi(-d/(1-q)), phi(x) = x - ln(1+x), d = p - q:
// both terms are non-negative, so no cancellation however close p is to q. omp is 1 - p (to a few ulps).
// d is p - q of the exact arguments, correctly rounded: (1-q) - (1-p) would inherit the rounding of 1 - q
// (up to 2^-54 for q just below 1/2, relative error 1e-8 in kl when p is just above 1/2).
// Relative error: under 32 ulps of T (measured against mpmath: data/reference/make_kl_values.py).
// Where p/q overflows (q subnormal, p > q DBL_MAX: never in long double) the first term is d - q ln(p/q), whose
// subtracted part is below 745 q < 745 p / DBL_MAX: no cancellation. (Testing q itself instead, as before, took
// that form for every q <= 1e-300, where p next to q makes it cancel: kl came out far below c and certified
// points below the root, kl-inverse --q 1e-300 --c 5e-324.)
template <typename T>
inline T kl_interior(T q, T p, T omp) {
  const T omq = T(1) - q;
  const T d = p - q;
  const T ratio = p / q;
  const T first = std::isfinite(ratio) ? q * x_minus_log1p(d / q, ratio) : d - q * (std::log(p) - std::log(q));
  return first + omq * x_minus_log1p(-d / omq, omp / omq);
}

template <typename T>
inline T kl_unchecked(T q, T p) {
  if (q == p) return T(0);
  if (q == T(0)) return -std::log1p(-p);
  if (q == T(1)) return -std::log(p);
  if (p == T(0) || p == T(1)) return std::numeric_limits<T>::infinity();
  return kl_interior(q, p, T(1) - p);
}

// Certification: kl evaluated in extended precision with relative error under 32 of its ulps, so a
// value >= c (1 + 64 eps_ext) proves kl(q||p) > c exactly: p is then on the safe side of the root.
// Extended precision keeps the certified end within 1e-12 of the root even where kl is steep in p
// (lower inverses far below q, where a double margin would cost c/q * 64 eps in p).
using Ext = long double;
constexpr Ext kCertifyExt = 1.0L + 64.0L * std::numeric_limits<Ext>::epsilon();
inline bool certified_above(double q, double p, double c) {
  return kl_unchecked<Ext>(q, p) >= static_cast<Ext>(c) * kCertifyExt;
}


// Below kTinyQ, kl near the root is below the normal doubles (it is about (p - q)^2 / (2q) and p - q is at least
// an ulp of q), where its double value has an absolute, not relative, rounding error of the order of c itself:
// Newton would stop thousands of ulps from the root. There kl - c and the step are taken in extended precision.
constexpr double kTinyQ = 1e-270;

// The Newton steps below for tiny q: in y = -ln(1-p) (upper) (kl - c) p / (p - q), in z = ln p (lower)
// (kl - c)(1 - p) / (q - p); positive exactly when kl(q||p) > c.
template <bool Up>
inline double newton_step_extended(double q, double p, double c) {
  const Ext pe = p, ompe = Ext(1) - pe;
  const Ext h = kl_interior<Ext>(q, pe, ompe) - c;
  return static_cast<double>(Up ? h * pe / (pe - q) : h * ompe / (q - pe));
}

// Binary entropy in nats.
inline double entropy(double q) { return -(q * std::log(q) + (1.0 - q) * std::log1p(-q)); }

void check_inputs(double q, double c) {
  require_probability(q, "q");
  if (std::isnan(c)) fail("c", "must be a number, got NaN");
  if (c < 0.0) fail("c", "must be >= 0, got " + format_number(c));
}

// From a candidate near the root, step outward (1, 2, 4, ... ulps) until kl certifiably exceeds c,
// never past `safe` (1 or 0, trivially safe). Doubling steps reach any distance within kMaxWalk steps,
// so a Newton run that stopped early still ends on a certified point.
template <bool Up>
double certify_outward(double q, double c, double candidate, double safe) {
  const double dir = Up ? kInf : -kInf;
  double p = candidate;
  double step_ulps = 1.0;
  for (int walk = 0; walk < kMaxWalk; ++walk) {
    if (Up ? p >= safe : p <= safe) return safe;
    if (certified_above(q, p, c)) return p;
    const double ulp = std::abs(std::nextafter(p, dir) - p);
    p = Up ? std::min(p + step_ulps * ulp, 1.0) : std::max(p - step_ulps * ulp, 0.0);
    step_ulps *= 2.0;
  }
  return safe;
}

}  // namespace

double kl(double q, double p) {
  require_probability(q, "q");
  require_probability(p, "p");
  return kl_unchecked<double>(q, p);
}

// Newton in y = -ln(1-p): h(y) = kl(q||1-e^-y) - c is increasing and convex on p >= q (h'' = q e^y/(e^y-1)^2),
// so from any point above the root the iterates decrease monotonically onto it and, unlike Newton in p,
// do not stall as p -> 1. Upper bracket: kl(q||p) >= -H(q) + (1-q) y, so y <= (c + H(q))/(1-q).
KlInverseResult kl_inverse_upper(double q, double c) {
  check_inputs(q, c);
  if (c == 0.0 || q == 1.0) return {q, SolverStatus::exact, 0};
  if (std::isinf(c)) return {1.0, SolverStatus::exact, 0};
  // 1 - e^-c <= c, and for c below the normal doubles c is the double above it (round_up would give DBL_MIN).
  if (q == 0.0)
    return {c < std::numeric_limits<double>::min() ? c : std::min(round_up(-std::expm1(-c), 1), 1.0), SolverStatus::exact, 0};

  const double omq = 1.0 - q;
  const bool tiny = q < kTinyQ;
  const double y_bracket = (c + entropy(q)) / omq * (1.0 + 8.0 * kEps);
  // Pinsker and kl(q||p) >= (p-q)^2/(2p) give p <= q + sqrt(c/2) and p <= q + sqrt(2qc) + 2c (square roots taken
  // apart: 2qc underflows to 0 for q = 1e-300, c = 5e-324, which put the start at q, thousands of ulps from the root).
  const double sqrt_c = std::sqrt(c);
  const double p0 = std::min(q + std::sqrt(0.5) * sqrt_c, q + std::sqrt(2.0 * q) * sqrt_c + 2.0 * c);
  double y = p0 < 1.0 ? std::min(-std::log1p(-p0), y_bracket) : y_bracket;

  double candidate = q;
  SolverStatus status = SolverStatus::not_converged;
  int it = 0;
  while (it < kMaxNewton) {
    ++it;
    const double p = -std::expm1(-y);
    if (p <= q) {
      candidate = q;
      status = SolverStatus::converged;
      break;
    }
    // h is evaluated at the double p itself, so a certified p is a certified result. Where p rounds
    // to 1, evaluate h in y for the step: ln(q/p) = ln q - ln(1 - e^-y).
    const double h = p < 1.0 ? kl_interior<double>(q, p, 1.0 - p) - c
                             : q * (std::log(q) - std::log1p(-std::exp(-y))) + omq * (std::log1p(-q) + y) - c;
    const bool extended = tiny && p < 1.0;
    const double step = extended ? newton_step_extended<true>(q, p, c) : h * (p / (p - q));  // h p underflows for p ~ 1e-200
    if (extended ? !(step > 0.0) : h <= 0.0) {
      candidate = p;
      status = SolverStatus::converged;
      break;
    }
    y -= step;
    candidate = -std::expm1(-y);
    if (candidate >= p * (1.0 - 4.0 * kEps)) {  // the double p no longer moves
      status = SolverStatus::converged;
      break;
    }
  }
  const double value = certify_outward<true>(q, c, std::max(candidate, q), 1.0);
  return {value, status, it};
}

// Newton in z = ln p: k(z) = kl(q||e^z) - c is decreasing and convex on p <= q (k'' = (1-q) e^z/(1-e^z)^2),
// so iterates from the left increase monotonically onto the root. Lower bracket: kl(q||p) >= -H(q) - q z.
KlInverseResult kl_inverse_lower(double q, double c) {
  check_inputs(q, c);
  if (c == 0.0 || q == 0.0) return {q, SolverStatus::exact, 0};
  if (std::isinf(c)) return {0.0, SolverStatus::exact, 0};
  if (q == 1.0) {
    // e^-c to within an ulp; a subnormal one (c in (708.4, 745.1)) is within one subnormal step absolutely.
    const double e = std::exp(-c);
    return {e < std::numeric_limits<double>::min() ? std::nextafter(e, 0.0) : round_down(e, 1), SolverStatus::exact, 0};
  }

  const double omq = 1.0 - q;
  const bool tiny = q < kTinyQ;
  const double z_bracket = -(c + entropy(q)) / q * (1.0 + 8.0 * kEps);
  const double sqrt_c = std::sqrt(c);  // apart, as in the upper solver
  const double p0 = std::max(q - std::sqrt(0.5) * sqrt_c, q - std::sqrt(2.0 * q) * sqrt_c);
  double z = p0 > 0.0 ? std::max(std::log(p0), z_bracket) : z_bracket;

  double candidate = q;
  SolverStatus status = SolverStatus::not_converged;
  int it = 0;
  while (it < kMaxNewton) {
    ++it;
    const double p = std::exp(z);
    if (p >= q) {
      candidate = q;
      status = SolverStatus::converged;
      break;
    }
    // Below 1e-290 (where kl's double terms underflow) and for tiny q, kl - c and the step in extended range;
    // where p underflowed to 0, in z: q ln(q/p) = q (ln q - z), the dropped (1-q) p term only lowers kl.
    const bool extended = p > 0.0 && (tiny || p < 1e-290);
    const double k = p > 0.0 ? kl_interior<double>(q, p, 1.0 - p) - c : q * (std::log(q) - z) + omq * std::log1p(-q) - c;
    const double step = extended ? newton_step_extended<false>(q, p, c) : k * (1.0 - p) / (q - p);
    if (extended ? !(step > 0.0) : k <= 0.0) {
      candidate = p;
      status = SolverStatus::converged;
      break;
    }
    z += step;
    candidate = std::exp(z);
    if (candidate <= p * (1.0 + 4.0 * kEps)) {
      status = SolverStatus::converged;
      break;
    }
  }
  const double value = certify_outward<false>(q, c, std::min(candidate, q), 0.0);
  return {value, status, it};
}

}  // namespace itbound
