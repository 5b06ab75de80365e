#pragma once
// The one error type of the core: bad input, named by the field it came from.
#include <cmath>
#include <stdexcept>
#include <string>

namespace itbound {

class InvalidArgument : public std::invalid_argument {
public:
  InvalidArgument(std::string field, const std::string& problem)
      : std::invalid_argument(field + ": " + problem), field_(std::move(field)) {}
  const std::string& field() const noexcept { return field_; }

private:
  std::string field_;
};

// Shortest form of a number that reads back as the same double (messages, echoed inputs).
std::string format_number(double x);
// x with `digits` significant digits for a person, rounded outward: up when `direction` > 0 (an upper bound is never
// shown below itself), down when < 0, to nearest when 0.
std::string format_rounded(double x, int direction, int digits = 4);
// A confidence spent, for a person: rounded up to four significant digits after rounding to twelve, so that the
// noise of a floating sum of charges does not show (0.05 + 0.01 = 0.060000000000000005 reads 0.06) and any real
// excess does (the JSON output keeps the exact sum).
std::string format_delta(double delta);

// Messages are built only on failure: these checks sit on hot paths.
[[noreturn]] inline void fail(const char* field, const std::string& problem) { throw InvalidArgument(field, problem); }

inline void require_finite(double x, const char* field) {
  if (!std::isfinite(x)) fail(field, "must be a finite number, got " + format_number(x));
}

inline void require_probability(double x, const char* field) {
  if (std::isnan(x)) fail(field, "must be a number, got NaN");
  if (!(x >= 0.0 && x <= 1.0)) fail(field, "must be in [0, 1], got " + format_number(x));
}

inline void require_delta(double delta, const char* field = "delta") {
  if (std::isnan(delta)) fail(field, "must be a number, got NaN");
  if (!(delta > 0.0 && delta < 1.0)) fail(field, "must be in (0, 1), got " + format_number(delta));
}

}  // namespace itbound
