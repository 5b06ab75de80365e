#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"
#include "reference_table.hpp"

using itbound::kl;

namespace {

// The array result r against the scalar one s at (q, c): identical, or certified on the safe side of
// the root by the scalar solver's own test (kl >= c (1 + 64 eps), kl.cpp) and within 1e-13 of s,
// relative in p or, where p is ill-conditioned (a lower inverse far below q), relative in kl.
bool agrees(double q, double c, double r, double s) {
  if (r == s) return true;
  const double certify = 1.0 + 64.0 * std::numeric_limits<double>::epsilon();
  return kl(q, r) >= c * certify && (std::abs(r - s) <= 1e-13 * s || kl(q, r) <= c * (1.0 + 1e-13));
}

}  // namespace

TEST_CASE("kl arrays: within 16 eps of the 80-digit table, in both instruction-set builds; scalar kl too") {
  // The certified array inverses rely on a bound of kKlError = 48 eps (solvers/src/kl_lanes_impl.hpp); the measured
  // error is about 12 eps, so 16 catches a drift long before it matters.
  const auto rows = itbound::test::read_reference("kl_values.csv");
  REQUIRE(rows.size() >= 3000);
  const auto n = static_cast<Eigen::Index>(rows.size());
  Eigen::ArrayXd q(n), p(n), exact(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& row = rows[static_cast<std::size_t>(i)];
    q[i] = itbound::test::number(row, "q");
    p[i] = itbound::test::number(row, "p");
    exact[i] = itbound::test::number(row, "kl");
  }
  const double bound = 16.0 * std::numeric_limits<double>::epsilon();
  for (const bool baseline : {false, true}) {
    itbound::kl_arrays_use_baseline(baseline);
    const Eigen::ArrayXd got = kl(q, p);
    itbound::kl_arrays_use_baseline(false);
    const Eigen::ArrayXd rel = (got - exact).abs() / exact;
    Eigen::Index worst = 0;
    MESSAGE("array kl (baseline build: " << baseline << "): max relative error "
            << rel.maxCoeff(&worst) / std::numeric_limits<double>::epsilon() << " eps at q=" << q[worst]
            << " p=" << p[worst]);
    CHECK(rel.maxCoeff() <= bound);
  }
  double worst_scalar = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) worst_scalar = std::max(worst_scalar, std::abs(kl(q[i], p[i]) - exact[i]) / exact[i]);
  MESSAGE("scalar kl: max relative error " << worst_scalar / std::numeric_limits<double>::epsilon() << " eps");
  CHECK(worst_scalar <= bound);
}

TEST_CASE("kl arrays: upper inverses with the root within 1e-11 of 1 stay within 1e-12 (review find)") {
  // The lanes started at 1 - 2^-52 there and took a Newton step 8.7 times 1 - p, ending up to 2.7e-12 above the
  // root while reporting convergence. Exact values: 60-digit mpmath bisection.
  Eigen::ArrayXd q(3), c(3), exact(3);
  q << 0.99999999991293442, 0.99999999994929289, 0.9999999999389767;
  c << 2.8045723351470278e-10, 1.0165785003877568e-10, 1.3316675748001216e-10;
  exact << 0.9999999999987026231786275, 0.9999999999973528993637412, 0.9999999999973558276377142;
  for (const bool baseline : {false, true}) {
    itbound::kl_arrays_use_baseline(baseline);
    const auto got = itbound::kl_inverse_upper(q, c);
    itbound::kl_arrays_use_baseline(false);
    for (Eigen::Index i = 0; i < q.size(); ++i) {
      CAPTURE(i);
      CHECK(got.value[i] >= exact[i]);
      CHECK(got.value[i] <= exact[i] * (1 + 1e-12));
    }
  }
}

TEST_CASE("kl arrays: the ends and bad entries as the scalar kl") {
  const double inf = std::numeric_limits<double>::infinity();
  Eigen::ArrayXd q(9), p(9);
  q << 0.0, 1.0, 0.3, 0.3, 0.3, 1e-300, 0.5, 0.7, 0.2;
  p << 0.4, 0.4, 0.0, 1.0, 0.3, 0.5, 1e-300, 1.0 - 0x1p-53, 0.2 + 1e-17;
  const Eigen::ArrayXd got = kl(q, p);
  for (Eigen::Index i = 0; i < q.size(); ++i) CHECK(got[i] == kl(q[i], p[i]));
  CHECK(got[2] == inf);
  CHECK(got[4] == 0.0);
  p[1] = 1.5;
  CHECK_THROWS_WITH_AS(kl(q, p), "p[1]: must be in [0, 1], got 1.5", itbound::InvalidArgument);
  CHECK_THROWS_WITH_AS(kl(q, Eigen::ArrayXd(2)), "p: must have the same length as q (9), got 2",
                       itbound::InvalidArgument);
}

TEST_CASE("kl inverse arrays: agree with the scalar solver, never less safe") {
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double inf = std::numeric_limits<double>::infinity();
  const double edge_q[] = {0.0, 1.0, 1e-12, 1.0 - 1e-12, 5e-13, 1.0 - 5e-13, 1e-300, 0.5};
  const double edge_c[] = {0.0, inf, 1e-300, 700.0, 1000.0, 1e-16, 1e-6, 10.0};
  const Eigen::Index n = 100000;
  Eigen::ArrayXd q(n), c(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    q[i] = i % 7 == 0 ? edge_q[(i / 7) % 8] : u(rng);
    c[i] = i % 5 == 0 ? edge_c[(i / 5) % 8] : std::exp(std::log(1e-12) + u(rng) * std::log(1e15));
  }
  Eigen::ArrayXd su(n), sl(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    su[i] = itbound::kl_inverse_upper(q[i], c[i]).value;
    sl[i] = itbound::kl_inverse_lower(q[i], c[i]).value;
  }
  for (const bool baseline : {false, true}) {
    itbound::kl_arrays_use_baseline(baseline);
    const auto up = itbound::kl_inverse_upper(q, c);
    const auto lo = itbound::kl_inverse_lower(q, c);
    itbound::kl_arrays_use_baseline(false);
    Eigen::Index up_bad = 0, lo_bad = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!agrees(q[i], c[i], up.value[i], su[i])) {
        ++up_bad;
        INFO("upper q=" << q[i] << " c=" << c[i] << " array=" << up.value[i] << " scalar=" << su[i] << " baseline=" << baseline);
        CHECK(false);
      }
      if (!agrees(q[i], c[i], lo.value[i], sl[i])) {
        ++lo_bad;
        INFO("lower q=" << q[i] << " c=" << c[i] << " array=" << lo.value[i] << " scalar=" << sl[i] << " baseline=" << baseline);
        CHECK(false);
      }
      if (up_bad + lo_bad > 5) break;
    }
    CHECK(up.not_converged == 0);
    CHECK(lo.not_converged == 0);
  }
}

TEST_CASE("kl inverse arrays: bad entries throw naming the index") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Eigen::ArrayXd q(4), c(4);
  q << 0.1, 0.2, 0.3, 0.4;
  c << 1, 1, 1, 1;
  c[2] = -1.0;
  CHECK_THROWS_WITH_AS(itbound::kl_inverse_upper(q, c), "c[2]: must be >= 0, got -1", itbound::InvalidArgument);
  c[2] = nan;
  CHECK_THROWS_WITH_AS(itbound::kl_inverse_lower(q, c), "c[2]: must be a number, got NaN", itbound::InvalidArgument);
  c[2] = 1.0;
  q[3] = nan;
  CHECK_THROWS_WITH_AS(itbound::kl_inverse_lower(q, c), "q[3]: must be a number, got NaN", itbound::InvalidArgument);
  q[3] = -0.5;
  CHECK_THROWS_WITH_AS(itbound::kl_inverse_upper(q, c), "q[3]: must be in [0, 1], got -0.5", itbound::InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::kl_inverse_upper(q, Eigen::ArrayXd(3)), "c: must have the same length as q (4), got 3",
                       itbound::InvalidArgument);
}
