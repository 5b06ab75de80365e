#include <doctest/doctest.h>
#include <cmath>
#include "itbound/solvers/maurer.hpp"
TEST_CASE("maurer xi small n") {
  CHECK(std::exp(itbound::log_maurer_xi(1)) == doctest::Approx(2.0).epsilon(1e-13));
  CHECK(std::exp(itbound::log_maurer_xi(2)) == doctest::Approx(2.5).epsilon(1e-13));
}
