#pragma once
// Every bound returns a Certificate: plain data, no I/O. Its fields reach the front ends (JSON, tables, Python)
// through visit() (itbound/report.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "itbound/report.hpp"
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

// What a result guarantees, stated in every output (the `guarantee` field and its sentence):
enum class Guarantee {
  certificate,        // holds with probability >= 1 - delta over the sample (delta_ledger says what was spent)
  expectation_bound,  // bounds an expected quantity, given exact inputs (an information term given, not estimated)
  estimated_bound,    // an expectation bound evaluated at estimates from finitely many runs: not a guarantee
  estimate,           // an estimate of the quantity itself (an identity), not a bound
};
constexpr const char* to_string(Guarantee g) {
  switch (g) {
    case Guarantee::certificate: return "certificate";
    case Guarantee::expectation_bound: return "expectation-bound";
    case Guarantee::estimated_bound: return "estimated-bound";
    case Guarantee::estimate: return "estimate";
  }
  return "";
}

enum class Direction { upper, lower };
constexpr const char* to_string(Direction d) { return d == Direction::upper ? "upper" : "lower"; }

struct Certificate {
  std::string name;                                             // stable bound name, e.g. "test-set"
  double value = std::numeric_limits<double>::quiet_NaN();      // reported: raw_value capped to the trivial bound
  double raw_value = std::numeric_limits<double>::quiet_NaN();  // before capping
  Guarantee guarantee = Guarantee::certificate;
  Direction direction = Direction::upper;
  std::string quantity;  // what the value bounds (or estimates), e.g. "R(Q), the expected 0-1 risk of the posterior"
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

  // The one rule for every result: it applies when no assumption fails for the data, nothing marked it not
  // applicable, and its value is a finite number (NaN never compares its way into a certificate).
  bool applicable() const { return reason_.empty() && std::isfinite(value) && !std::isnan(raw_value); }
  // A bound that holds (with probability >= 1 - delta, or in expectation) when its unchecked assumptions do.
  // Estimates are never valid: they are not guarantees.
  bool valid() const { return is_guarantee() && applicable(); }
  bool is_guarantee() const { return guarantee == Guarantee::certificate || guarantee == Guarantee::expectation_bound; }
  // Why it does not apply ("" when it does).
  std::string reason() const {
    if (!reason_.empty()) return reason_;
    if (std::isnan(value) || std::isnan(raw_value)) return "value: not a number";
    if (!std::isfinite(value)) return "value: not finite";
    return {};
  }
  // What the value guarantees, in one sentence (bounds/src/certificate.cpp).
  std::string statement() const;
  // The value for a person: four significant digits, rounded outward.
  std::string shown() const { return format_rounded(value, direction == Direction::upper ? 1 : -1); }

  // Record the raw value and report it capped at `cap` (the trivial bound, 1 for a 0-1 risk); NaN stays NaN.
  void set_value(double raw, double cap) {
    raw_value = raw;
    value = std::isnan(raw) ? raw : std::min(raw, cap);
  }

  void add_assumption(std::string key, std::string statement_text, Holds holds, std::string detail = {}) {
    if (holds == Holds::no) mark_not_applicable(key + ": " + (detail.empty() ? statement_text : detail));
    assumptions.push_back({std::move(key), std::move(statement_text), holds, std::move(detail)});
  }

  // Not applicable for a reason other than an assumption (missing inputs, not implemented); the first reason stays.
  void mark_not_applicable(std::string why) {
    if (reason_.empty()) reason_ = std::move(why);
  }

  // For a bound on an expected error whose information term was estimated from runs: an upper bound below
  // (a lower bound above) the error measured on those same runs shows an estimate that came out wrong (too
  // few runs, or the noise of an estimate at which the bound is tight), not a bound.
  void check_against_measured(double measured, const std::string& what) {
    const bool upper = direction == Direction::upper;
    const bool consistent = upper ? value >= measured : value <= measured;
    add_assumption(upper ? "not_below_measured" : "not_above_measured",
                   std::string("the bound is not ") + (upper ? "below" : "above") + " the " + what +
                       " measured on these runs",
                   consistent ? Holds::yes : Holds::no,
                   consistent ? "" : "the bound " + format_number(value) + " is " + (upper ? "below" : "above") +
                                         " the measured " + what + " " + format_number(measured) +
                                         ": the information estimate is off (more runs, a bias correction, or the "
                                         "interval's end)");
  }

private:
  std::string reason_;
};

// Its fields for the front ends (itbound/report.hpp), in output order.
void visit(const Reference& r, FieldVisitor& v);  // for other results that cite a source
void visit(const Certificate& c, FieldVisitor& v);

// The answer in one line for bounds on an error measured on the same runs (cmi, loo-cmi): the measurement, the
// tightest applicable upper bound (estimates left out: they are not bounds) and each applicable certificate.
std::string summary_against_measured(double measured, const std::string& measured_name,
                                     const std::vector<Certificate>& bounds);

}  // namespace itbound
