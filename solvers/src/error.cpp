#include "itbound/error.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace itbound {

std::string format_number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);  // the shortest form that reads back as x
  return std::string(buf, end);
}

std::string format_rounded(double x, int direction, int digits) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  const double y = std::strtod(buf, nullptr);
  if ((direction > 0 && y < x) || (direction < 0 && y > x)) {
    // The next decimal of this many digits outward. y is within half a step of x, so y +- step lies beyond x by at
    // least half a step, and strtod of it (the double nearest that decimal) is on the same side of the double x.
    // The step is a unit of x's last digit, not y's: rounding may carry y into the next decade (0.99995 -> 1), and a
    // step of y's decade would land ten times further out than the next decimal (9.99e-05 for 9.99951e-05).
    const double step = std::pow(10.0, std::floor(std::log10(std::fabs(x))) - (digits - 1));
    std::snprintf(buf, sizeof buf, "%.*g", digits, direction > 0 ? y + step : y - step);
  }
  return buf;
}

std::string format_delta(double delta) {
  if (!std::isfinite(delta)) return format_number(delta);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", delta);
  return format_rounded(std::strtod(buf, nullptr), 1);
}

}  // namespace itbound
