#pragma once
// Outward rounding: every quantity that feeds an upper bound is nudged up, never down.
//
// The model: x was computed from exact inputs by a short chain of operations each with a small relative error
// (products, quotients, square roots, logs and exps, sums of terms of one sign), so `ulps` steps cover the chain
// and the sign of x is the sign of the exact value (an underflow keeps the sign, including that of a zero).
// Below the normal range (|x| < DBL_MIN: zero or subnormal, which is where an underflow lands) an operation's
// error is absolute, not relative, so no number of ulps bounds it relative to x: there round_up gives the
// smallest normal double DBL_MIN (or 0 for a non-positive x) and round_down gives 0 (or -DBL_MIN for a
// non-positive x), the ends that hold for any exact value of that sign below DBL_MIN. Infinities and NaN are
// returned unchanged. An overflowed intermediate (an inf that a later division turned into 0) is outside the
// model: callers compute such terms in extended range (long double) or refuse the input.
#include <cmath>
#include <limits>

namespace itbound {

// x moved `ulps` representable doubles towards +infinity; see above for zero, subnormal and non-finite x.
inline double round_up(double x, int ulps = 2) {
  constexpr double tiny = std::numeric_limits<double>::min();
  if (std::isnan(x) || std::isinf(x)) return x;
  if (std::abs(x) < tiny) return std::signbit(x) ? 0.0 : tiny;
  for (int i = 0; i < ulps; ++i) x = std::nextafter(x, std::numeric_limits<double>::infinity());
  return x;
}

inline double round_down(double x, int ulps = 2) {
  constexpr double tiny = std::numeric_limits<double>::min();
  if (std::isnan(x) || std::isinf(x)) return x;
  if (std::abs(x) < tiny) return std::signbit(x) ? -tiny : 0.0;
  for (int i = 0; i < ulps; ++i) x = std::nextafter(x, -std::numeric_limits<double>::infinity());
  return x;
}

// The smallest double >= x for a long double x (the exact value of a term computed in extended range: every
// product and quotient of a few doubles is a normal long double, so its relative error is a few of its ulps,
// 2^-64, and a relative pad of `pad_ulps` of them covers it). Larger than the largest double: +infinity.
inline double round_up_from_extended(long double x, int pad_ulps = 8) {
  // The argument above needs long double's extended exponent range (x87 80-bit or quad), not a double in disguise.
  static_assert(std::numeric_limits<long double>::max_exponent >= 16384, "long double must have extended range");
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(x)) return static_cast<double>(x);
  const long double padded = x + std::abs(x) * pad_ulps * std::numeric_limits<long double>::epsilon();
  double d = static_cast<double>(padded);
  if (static_cast<long double>(d) < padded) d = std::nextafter(d, std::numeric_limits<double>::infinity());
  return d;
}

// Bounds on the exact sum (or mean) of `terms` nonnegative doubles, each within 2 ulps of its exact value, from its
// value computed in double: recursive summation errs by less than (terms + 2) eps relative (Higham 2002, Sec. 4.2).
inline double sum_round_up(double computed, double terms) {
  return round_up(computed * (1.0 + 2.0 * (terms + 4.0) * std::numeric_limits<double>::epsilon()), 1);
}
inline double sum_round_down(double computed, double terms) {
  return round_down(computed * (1.0 - 2.0 * (terms + 4.0) * std::numeric_limits<double>::epsilon()), 1);
}

// The smallest double >= a/b for integers a, b >= 0 (b > 0) exactly representable as doubles.
inline double ratio_up(double a, double b) {
  const double r = a / b;
  return std::fma(-r, b, a) > 0.0 ? round_up(r, 1) : r;
}

}  // namespace itbound
