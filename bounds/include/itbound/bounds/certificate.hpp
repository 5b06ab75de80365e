#pragma once
// The one result model of itbound: every bound returns a Certificate. Plain data, no I/O;
// JSON and tables are written at the edges (data/, cli/, python/).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "itbound/error.hpp"
#include "itbound/solvers/status.hpp"

namespace itbound {

using Value = std::variant<double, std::int64_t, bool, std::string>;

struct NamedValue {
  std::string name;
  Value value;
};

// Whether an assumption of the theorem holds for the data given.
enum class Holds { yes, no, unchecked };
constexpr const char* to_string(Holds h) { return h == Holds::yes ? "yes" : h == Holds::no ? "no" : "unchecked"; }

struct Assumption {
  std::string name;       // stable key, e.g. "loss_range"
  std::string statement;  // what the theorem needs, in words
  Holds holds = Holds::unchecked;
  std::string detail;     // why it does or does not hold
};

// One spending of confidence: the certificate fails with probability at most the sum of the charges.
struct DeltaCharge {
  std::string what;
  double delta;
};

struct Reference {
  std::string paper;  // authors (year), venue
  std::string where;  // theorem / equation
};

struct Certificate {
  std::string name;                                             // stable bound name, e.g. "test-set"
  double value = std::numeric_limits<double>::quiet_NaN();      // reported: raw_value capped to the trivial bound
  double raw_value = std::numeric_limits<double>::quiet_NaN();  // before capping
  bool valid = true;            // false when an assumption fails for the data (see invalid_reason)
  std::string invalid_reason;
  std::vector<NamedValue> inputs;        // what the bound was computed from, echoed
  std::vector<DeltaCharge> delta_ledger;
  std::vector<Assumption> assumptions;
  std::vector<NamedValue> details;       // side results: relaxations, optimised constants, ...
  Reference reference;
  SolverStatus status = SolverStatus::exact;

  double delta_spent() const {
    double total = 0.0;
    for (const auto& c : delta_ledger) total += c.delta;
    return total;
  }

  // Record the raw value and report it capped at `cap` (the trivial bound, 1 for a 0-1 risk).
  void set_value(double raw, double cap) {
    raw_value = raw;
    value = std::min(raw, cap);
  }

  void add_assumption(std::string key, std::string statement, Holds holds, std::string detail = {}) {
    if (holds == Holds::no && valid) {
      valid = false;
      invalid_reason = key + ": " + (detail.empty() ? statement : detail);
    }
    assumptions.push_back({std::move(key), std::move(statement), holds, std::move(detail)});
  }

  // For a bound on an expected error whose information term was estimated from runs: an upper bound below
  // (a lower bound above) the error measured on those same runs shows an estimate that came out wrong (too
  // few runs, or the noise of an estimate at which the bound is tight), not a certificate.
  void check_against_measured(double measured, const std::string& what, bool upper = true) {
    const bool consistent = upper ? value >= measured : value <= measured;
    add_assumption(upper ? "not_below_measured" : "not_above_measured",
                   std::string("the bound is not ") + (upper ? "below" : "above") + " the " + what +
                       " measured on these runs",
                   consistent ? Holds::yes : Holds::no,
                   consistent ? "" : "the bound " + format_number(value) + " is " + (upper ? "below" : "above") +
                                         " the measured " + what + " " + format_number(measured) +
                                         ": the information estimate is off (more runs, a bias correction, or the "
                                         "bootstrap interval's end)");
  }
};

}  // namespace itbound
