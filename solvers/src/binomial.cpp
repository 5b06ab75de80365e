#include "itbound/solvers/binomial.hpp"

#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

// Boost's incomplete beta is accurate to well under 1e-13 relative over the tested range
// (tests/unit-binomial.cpp against data/reference/binomial.csv); a computed tail this far inside
// delta is therefore inside it exactly.
constexpr double kTailMargin = 1e-13;
constexpr int kMaxWalk = 80;

void check(std::int64_t k, std::int64_t m, double delta) {
  if (m < 1) fail("trials", "must be >= 1, got " + std::to_string(m));
  if (m > (std::int64_t{1} << 52)) fail("trials", "must be <= 2^52, got " + std::to_string(m));
  if (k < 0 || k > m) fail("errors", "must be in [0, trials] = [0, " + std::to_string(m) + "], got " + std::to_string(k));
  require_delta(delta);
}

// Step p outward (1, 2, 4, ... ulps) until tail(p) <= delta (1 - margin) is certified.
template <typename Tail>
BinomialLimit certify(double p, double delta, double limit, Tail tail) {
  const double dir = limit;
  double step_ulps = 1.0;
  for (int walk = 0; walk < kMaxWalk; ++walk) {
    if (p == limit) return {limit, SolverStatus::converged};
    if (tail(p) <= delta * (1.0 - kTailMargin)) return {p, SolverStatus::converged};
    const double ulp = std::abs(std::nextafter(p, dir) - p);
    p = dir > p ? std::min(p + step_ulps * ulp, limit) : std::max(p - step_ulps * ulp, limit);
    step_ulps *= 2.0;
  }
  return {limit, SolverStatus::not_converged};
}

}  // namespace

BinomialLimit binomial_upper_limit(std::int64_t k, std::int64_t m, double delta) {
  check(k, m, delta);
  if (k == m) return {1.0, SolverStatus::exact};
  const double a = static_cast<double>(k + 1), b = static_cast<double>(m - k);
  double p;
  try {
    p = boost::math::ibetac_inv(a, b, delta);  // P[Bin(m,p) <= k] = I_{1-p}(m-k, k+1) = ibetac(k+1, m-k, p)
  } catch (const std::exception&) {
    return {1.0, SolverStatus::not_converged};
  }
  return certify(p, delta, 1.0, [&](double x) { return boost::math::ibetac(a, b, x); });
}

BinomialLimit binomial_lower_limit(std::int64_t k, std::int64_t m, double delta) {
  check(k, m, delta);
  if (k == 0) return {0.0, SolverStatus::exact};
  const double a = static_cast<double>(k), b = static_cast<double>(m - k + 1);
  double p;
  try {
    p = boost::math::ibeta_inv(a, b, delta);  // P[Bin(m,p) >= k] = ibeta(k, m-k+1, p)
  } catch (const std::exception&) {
    return {0.0, SolverStatus::not_converged};
  }
  return certify(p, delta, 0.0, [&](double x) { return boost::math::ibeta(a, b, x); });
}

}  // namespace itbound
