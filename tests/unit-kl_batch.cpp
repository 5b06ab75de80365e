#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"

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
  const auto up = itbound::kl_inverse_upper(q, c);
  const auto lo = itbound::kl_inverse_lower(q, c);
  Eigen::Index up_bad = 0, lo_bad = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double su = itbound::kl_inverse_upper(q[i], c[i]).value;
    const double sl = itbound::kl_inverse_lower(q[i], c[i]).value;
    if (!agrees(q[i], c[i], up.value[i], su)) {
      ++up_bad;
      INFO("upper q=" << q[i] << " c=" << c[i] << " array=" << up.value[i] << " scalar=" << su);
      CHECK(false);
    }
    if (!agrees(q[i], c[i], lo.value[i], sl)) {
      ++lo_bad;
      INFO("lower q=" << q[i] << " c=" << c[i] << " array=" << lo.value[i] << " scalar=" << sl);
      CHECK(false);
    }
    if (up_bad + lo_bad > 5) break;
  }
  CHECK(up.not_converged == 0);
  CHECK(lo.not_converged == 0);
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
