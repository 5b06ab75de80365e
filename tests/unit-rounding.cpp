// Outward rounding at zero, below the normal doubles and at the infinities (issue 13, item 2).
#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <limits>

#include "itbound/solvers/rounding.hpp"

using itbound::round_down;
using itbound::round_up;
using itbound::round_up_from_extended;

namespace {
constexpr double kMin = std::numeric_limits<double>::min();
constexpr double kDenorm = std::numeric_limits<double>::denorm_min();
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("rounding: a value that underflowed keeps its sign and is bounded by the normal range") {
  // A positive quantity that underflowed to +0 or to a subnormal: its exact value is in [0, DBL_MIN).
  for (const double x : {0.0, kDenorm, 3.0 * kDenorm, 0.5 * kMin}) {
    CHECK(round_down(x) == 0.0);  // was -2 denorm_min below: a negative divisor, a NaN square root
    CHECK_FALSE(std::signbit(round_down(x)));
    CHECK(round_up(x) == kMin);
  }
  // A negative one (-0 included): exact value in (-DBL_MIN, 0].
  for (const double x : {-0.0, -kDenorm, -0.5 * kMin}) {
    CHECK(round_down(x) == -kMin);
    CHECK(round_up(x) == 0.0);
  }
  // The normal range still moves by ulps, also across into the subnormals.
  CHECK(round_up(1.0, 1) == std::nextafter(1.0, 2.0));
  CHECK(round_down(kMin, 1) == kMin - kDenorm);
  CHECK(round_down(kMin, 1) > 0.0);
}

TEST_CASE("rounding: infinities and NaN pass unchanged") {
  CHECK(round_up(kInf) == kInf);
  CHECK(round_up(-kInf) == -kInf);  // was -DBL_MAX: a finite upper bound on -inf is fine, but not "unchanged"
  CHECK(round_down(kInf) == kInf);
  CHECK(round_down(-kInf) == -kInf);
  CHECK(std::isnan(round_up(std::nan(""))));
  CHECK(std::isnan(round_down(std::nan(""))));
}

TEST_CASE("rounding: a term computed in extended range is bounded above by its double, whatever its size") {
  const long double tiny = 2.5e-321L;  // below the normal doubles: the double above it, not DBL_MIN
  const double t = round_up_from_extended(tiny);
  CHECK(static_cast<long double>(t) >= tiny);
  CHECK(t <= 2.5e-321 + 2.0 * kDenorm);
  CHECK(round_up_from_extended(1e400L) == kInf);  // past the largest double: infinity, never a finite value
  CHECK(round_up_from_extended(1.0L) == std::nextafter(1.0, 2.0));
  CHECK(round_up_from_extended(0.0L) == 0.0);
  const long double third = 1.0L / 3.0L;
  CHECK(static_cast<long double>(round_up_from_extended(third)) >= third);
}
