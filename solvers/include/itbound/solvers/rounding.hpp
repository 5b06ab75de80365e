#pragma once
// Outward rounding: every quantity that feeds an upper bound is nudged up, never down.
#include <cmath>
#include <limits>

namespace itbound {

// x moved `ulps` representable doubles towards +infinity (x itself if infinite or NaN).
inline double round_up(double x, int ulps = 2) {
  for (int i = 0; i < ulps; ++i) x = std::nextafter(x, std::numeric_limits<double>::infinity());
  return x;
}

inline double round_down(double x, int ulps = 2) {
  for (int i = 0; i < ulps; ++i) x = std::nextafter(x, -std::numeric_limits<double>::infinity());
  return x;
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
