#include "itbound/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace itbound {

std::string format_number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {  // shortest form that reads back as x
    std::snprintf(buf, sizeof buf, "%.*g", digits, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

}  // namespace itbound
