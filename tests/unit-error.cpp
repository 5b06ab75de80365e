// Numbers as printed: the shortest decimal that reads back to the same double, and the outward rounding of bounds
// for a person (an upper bound is never shown below itself, a lower bound never above).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "itbound/error.hpp"

using itbound::format_delta;
using itbound::format_number;
using itbound::format_rounded;

namespace {

// Significant digits of a decimal as printed (trailing zeros of an integer written out are not).
int significant_digits(std::string s) {
  s = s.substr(0, s.find('e'));
  if (s.find('.') == std::string::npos)
    while (s.size() > 1 && s.back() == '0') s.pop_back();
  int n = 0;
  bool leading = true;
  for (const char c : s) {
    if (c < '0' || c > '9' || (leading && c == '0')) continue;
    leading = false;
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("format_number: inputs echo as typed, every double reads back to itself") {
  CHECK(format_number(0.05) == "0.05");
  CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_number(1e-300) == "1e-300");
  CHECK(format_number(35.0) == "35");
  CHECK(format_number(-0.0) == "-0");
  CHECK(format_number(std::nan("")) == "NaN");
  CHECK(format_number(-HUGE_VAL) == "-inf");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  std::uniform_int_distribution<int> exponent(-320, 300);
  for (int i = 0; i < 20000; ++i) {
    const double x = mantissa(rng) * std::pow(10.0, exponent(rng));
    if (!std::isfinite(x)) continue;
    const std::string s = format_number(x);
    REQUIRE(std::strtod(s.c_str(), nullptr) == x);
    INFO(s);
    REQUIRE(s.size() <= 24);  // 17 digits, sign, point and exponent at most (to_chars: the shortest text)
  }
}

TEST_CASE("format_rounded: four digits, outward for bounds, across decades and signs") {
  CHECK(format_rounded(0.12341, 1) == "0.1235");
  CHECK(format_rounded(0.12349, -1) == "0.1234");
  CHECK(format_rounded(0.05, 1) == "0.05");             // exact: no step added
  CHECK(format_rounded(0.99995, 1) == "1");              // rounds up into the next decade
  CHECK(format_rounded(9.99951e-5, -1) == "9.999e-05");  // the next decimal below, not one of the decade above
  CHECK(format_rounded(-9.99951e-5, 1) == "-9.999e-05");
  CHECK(format_rounded(-0.12341, 1) == "-0.1234");       // up is toward +inf
  CHECK(format_rounded(HUGE_VAL, 1) == "inf");
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int i = 0; i < 50000; ++i) {
    const double x = (unit(rng) - 0.3) * std::pow(10.0, exponent(rng));
    for (const int direction : {1, -1, 0}) {
      const std::string s = format_rounded(x, direction);
      const double y = std::strtod(s.c_str(), nullptr);
      REQUIRE(significant_digits(s) <= 4);
      if (direction > 0) REQUIRE(y >= x);
      if (direction < 0) REQUIRE(y <= x);
      REQUIRE(std::fabs(y - x) <= std::fabs(x) * 2e-3);
    }
  }
}

TEST_CASE("format_delta: float noise of a sum does not show, a real excess does") {
  CHECK(format_delta(0.05 + 0.01) == "0.06");
  CHECK(format_delta(0.025 + 0.024999999999999998) == "0.05");
  CHECK(format_delta(0.0600001) == "0.06001");
  CHECK(format_delta(0.05) == "0.05");
  CHECK(format_delta(0.012341) == "0.01235");
}
