#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"

using itbound::kl;
using itbound::kl_inverse_lower;
using itbound::kl_inverse_upper;

constexpr double kEps = std::numeric_limits<double>::epsilon();

TEST_CASE("kl: closed forms and edge values") {
  CHECK(kl(0.5, 0.5) == 0.0);
  CHECK(kl(0.0, 0.5) == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(kl(1.0, 0.25) == doctest::Approx(std::log(4.0)).epsilon(1e-15));
  CHECK(std::isinf(kl(0.5, 1.0)));
  CHECK(std::isinf(kl(0.5, 0.0)));
  // kl(1/2 || 1/2 + d) = 2d^2 + 4d^4/3 + ...: no cancellation for tiny d.
  const double d = 1e-9;
  CHECK(kl(0.5, 0.5 + d) == doctest::Approx(2 * d * d).epsilon(1e-8));
}

TEST_CASE("kl inverse: closed forms at the ends") {
  for (double c : {1e-12, 0.1, 1.0, 700.0, 1000.0}) {
    const double up0 = kl_inverse_upper(0.0, c).value;
    CHECK(up0 >= -std::expm1(-c));
    CHECK(up0 <= std::nextafter(-std::expm1(-c), 2.0));
    CHECK(kl_inverse_upper(1.0, c).value == 1.0);
    CHECK(kl_inverse_lower(0.0, c).value == 0.0);
    const double lo1 = kl_inverse_lower(1.0, c).value;
    CHECK(lo1 <= std::exp(-c));
    CHECK(lo1 >= std::nextafter(std::exp(-c), -1.0));
  }
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(kl_inverse_upper(0.3, inf).value == 1.0);
  CHECK(kl_inverse_lower(0.3, inf).value == 0.0);
  CHECK(kl_inverse_upper(0.3, 0.0).value == 0.3);
  CHECK(kl_inverse_lower(0.3, 0.0).value == 0.3);
}

TEST_CASE("kl inverse: bad input names the argument") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(kl_inverse_upper(nan, 1.0), "q: must be a number, got NaN", itbound::InvalidArgument);
  CHECK_THROWS_WITH_AS(kl_inverse_upper(1.5, 1.0), "q: must be in [0, 1], got 1.5", itbound::InvalidArgument);
  CHECK_THROWS_WITH_AS(kl_inverse_lower(0.5, -1.0), "c: must be >= 0, got -1", itbound::InvalidArgument);
  CHECK_THROWS_WITH_AS(kl_inverse_lower(0.5, nan), "c: must be a number, got NaN", itbound::InvalidArgument);
  Eigen::ArrayXd q(3), c(3);
  q << 0.1, 0.2, 2.0;
  c << 1, 1, 1;
  CHECK_THROWS_WITH_AS(kl_inverse_upper(q, c), "q[2]: must be in [0, 1], got 2", itbound::InvalidArgument);
}

TEST_CASE("kl inverse invariants: kl(q, inverse) = c, bracket order, monotonicity") {
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 20000; ++i) {
    const double q = u(rng);
    const double c = std::pow(10.0, -12.0 + 15.0 * u(rng));
    const auto up = kl_inverse_upper(q, c);
    const auto lo = kl_inverse_lower(q, c);
    REQUIRE(up.status == itbound::SolverStatus::converged);
    REQUIRE(lo.status == itbound::SolverStatus::converged);
    CHECK(lo.value <= q);
    CHECK(up.value >= q);
    // Certified ends lie outside the root (kl >= c there, up to the double kl's own 32-eps error; the
    // solver certifies in extended precision) and within 1e-12 relative of it: moving
    // 1e-12 inward lands inside {kl <= c}. Denormal results carry no relative precision; skip them.
    if (up.value < 1.0) {
      CHECK(kl(q, up.value) >= c * (1 - 64 * kEps));
      CHECK(kl(q, up.value * (1 - 1e-12)) <= c * (1 + 1e-13));
    }
    if (lo.value > 1e-300) {
      CHECK(kl(q, lo.value) >= c * (1 - 64 * kEps));
      CHECK(kl(q, std::min(q, lo.value * (1 + 1e-12))) <= c * (1 + 1e-13));
    }
    // Monotone: larger c widens both ends, larger q moves both up.
    CHECK(kl_inverse_upper(q, 2 * c).value >= up.value);
    CHECK(kl_inverse_lower(q, 2 * c).value <= lo.value);
    const double q2 = std::min(1.0, q * 1.01);
    CHECK(kl_inverse_upper(q2, c).value >= up.value);
    CHECK(kl_inverse_lower(q2, c).value >= lo.value);
  }
}
