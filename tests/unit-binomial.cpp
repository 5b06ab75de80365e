#include <doctest/doctest.h>
#include <cmath>
#include "itbound/solvers/binomial.hpp"
TEST_CASE("binomial: closed forms") {
  CHECK(itbound::binomial_upper_limit(10, 10, 0.05).value == 1.0);
  const double v = itbound::binomial_upper_limit(0, 100, 0.05).value;
  CHECK(v >= 1 - std::pow(0.05, 0.01));
  CHECK(v == doctest::Approx(1 - std::pow(0.05, 0.01)).epsilon(1e-14));
}
