#include "itbound/solvers/maurer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

constexpr std::int64_t kEnds = 2048;
// n, k and n - k are exact doubles and every piece below (Stirling remainders, the square roots, the arcsine of the
// middle's integral) keeps its accuracy up to 2^53; the limit matches the CLI's documented range (and test-set's
// trials <= 2^52). It was 1e12, below the documented 4.5e15, for no numerical reason.
constexpr std::int64_t kMaxN = 4'500'000'000'000'000;

// Stirling remainder r(m) = ln m! - (ln(2 pi m)/2 + m ln m - m), decreasing, 1/(12m+1) < r(m) < 1/(12m).
double stirling_remainder(double m) {
  if (m < 10.0) return std::lgamma(m + 1.0) - (0.5 * std::log(2.0 * std::numbers::pi * m) + m * std::log(m) - m);
  const double x = 1.0 / m, x2 = x * x;
  return x * (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 * (1.0 / 1680 - x2 / 1188))));
}

// Term k of xi(n), 1 <= k <= n-1: C(n,k)(k/n)^k((n-k)/n)^(n-k) = sqrt(n/(2 pi k (n-k))) e^{r(n)-r(k)-r(n-k)}.
double term(double n, double k, double rn) {
  return std::sqrt(n / (2.0 * std::numbers::pi * k * (n - k))) *
         std::exp(rn - stirling_remainder(k) - stirling_remainder(n - k));
}

struct Kahan {
  double sum = 0.0, carry = 0.0;
  void add(double x) {
    const double y = x - carry, t = sum + y;
    carry = (t - sum) - y;
    sum = t;
  }
};

}  // namespace

namespace {

double compute_log_maurer_xi(std::int64_t n) {
  const double nd = static_cast<double>(n);
  const double rn = stirling_remainder(nd);
  Kahan s;
  s.add(2.0);  // k = 0 and k = n
  const std::int64_t half = (n - 1) / 2;  // terms are symmetric in k <-> n-k
  const std::int64_t exact_upto = std::min(half, kEnds);
  for (std::int64_t k = 1; k <= exact_upto; ++k) s.add(2.0 * term(nd, static_cast<double>(k), rn));
  if (exact_upto < half) {
    // Middle k in (K, n-K): e^{r(n)-r(k)-r(n-k)} <= 1, and 1/sqrt(x(n-x)) is convex, so each term is
    // below its integral over [k-1/2, k+1/2]; the integral of 1/sqrt(x(n-x)) is 2 asin(sqrt(x/n)).
    const double u = (static_cast<double>(kEnds) + 0.5) / nd;
    s.add(std::sqrt(nd / (2.0 * std::numbers::pi)) * (std::numbers::pi - 4.0 * std::asin(std::sqrt(u))));
  } else if (n % 2 == 0) {
    s.add(term(nd, nd / 2.0, rn));
  }
  // Compensated sum: relative error a few eps; the terms are good to ~1e-14, hence the margin.
  return round_up(std::log(s.sum * (1.0 + 1e-13)), 2);
}

}  // namespace

double log_maurer_xi(std::int64_t n) {
  if (n < 1) fail("n", "must be >= 1, got " + std::to_string(n));
  if (n > kMaxN) fail("n", "must be <= 4.5e15, got " + std::to_string(n));
  // A batch asks for the same n job after job, and the exact sum has up to 2048 terms with an exp each (a third of
  // a pac-bayes job): each thread keeps its last value.
  thread_local std::int64_t last_n = 0;
  thread_local double last_value = 0.0;
  if (n != last_n) {
    last_value = compute_log_maurer_xi(n);
    last_n = n;
  }
  return last_value;
}

}  // namespace itbound
