#include "itbound/bounds/certificate.hpp"

#include <string>

namespace itbound {
namespace {

void visit_values(const std::vector<NamedValue>& values, FieldVisitor& v) {
  for (const auto& [name, value] : values) {
    if (const auto* x = std::get_if<double>(&value)) v.number(name, *x, "");
    else if (const auto* i = std::get_if<std::int64_t>(&value)) v.integer(name, *i, "");
    else if (const auto* b = std::get_if<bool>(&value)) v.boolean(name, *b, "");
    else v.text(name, std::get<std::string>(value), "");
  }
}

}  // namespace

// Found by argument-dependent lookup from list_field / object_field (so not in an unnamed namespace).
void visit(const DeltaCharge& c, FieldVisitor& v) {
  v.text("what", c.what, "What the confidence was spent on.");
  v.number("delta", c.delta, "Probability of failure charged to it.");
}

void visit(const Assumption& a, FieldVisitor& v) {
  v.text("name", a.name, "Stable key of the assumption.");
  v.text("holds", to_string(a.holds), "yes, no (the result does not apply) or unchecked (the user vouches for it).");
  v.verbose([&] {
    v.text("statement", a.statement, "What the theorem needs, in words.");
    v.text("detail", a.detail, "Why it does or does not hold.");
  });
}

void visit(const Reference& r, FieldVisitor& v) {
  v.text("paper", r.paper, "Authors (year), venue.");
  v.verbose([&] { v.text("where", r.where, "Theorem or equation."); });
}

std::string Certificate::statement() const {
  const std::string what = quantity.empty() ? std::string("the bounded quantity") : quantity;
  const std::string relation = direction == Direction::upper ? " <= value" : " >= value";
  switch (guarantee) {
    case Guarantee::certificate:
      return "With probability at least 1 - " + format_delta(delta_spent()) + " over the sample (delta_ledger): " +
             what + relation + ", when the unchecked assumptions hold.";
    case Guarantee::expectation_bound:
      return what + relation + " (a bound on an expectation, no probability spent), when the unchecked assumptions hold.";
    case Guarantee::estimated_bound:
      return "An estimate from finitely many runs, not a guarantee: " + what + relation +
             " holds for the exact information terms, and the value uses their estimates.";
    case Guarantee::estimate:
      return "An estimate of " + what + " (an identity evaluated at estimates), not a bound.";
  }
  return {};
}

void visit(const Certificate& c, FieldVisitor& v) {
  v.text("name", c.name, "Stable name of the bound.");
  v.number("value", c.value, "The bound, rounded outward and capped at the trivial bound.");
  v.number("raw_value", c.raw_value, "The bound before capping.");
  v.text("direction", to_string(c.direction), "upper: the quantity is at most value; lower: at least value.");
  v.text("guarantee", to_string(c.guarantee),
         "certificate (holds with probability >= 1 - delta), expectation-bound (bounds an expectation, given exact "
         "inputs), estimated-bound (an expectation bound at estimates from finitely many runs: not a guarantee) or "
         "estimate (of the quantity itself, not a bound).");
  v.verbose([&] {
    v.text("statement", c.statement(), "What the value guarantees, in one sentence.");
    v.text("quantity", c.quantity, "What the value bounds or estimates.");
  });
  v.boolean("valid", c.is_guarantee() ? std::optional<bool>(c.valid()) : std::nullopt,
            "The guarantee applies: no assumption fails and the value is finite; null for estimates, which are not "
            "guarantees (see applicable).");
  v.boolean("applicable", c.applicable(), "No assumption fails for the data given and the value is a finite number.");
  v.text("reason", c.reason(), "Why it does not apply (empty when it does).");
  v.number("delta", c.delta_spent(), "Total probability of failure spent (the sum of delta_ledger).");
  v.text("status", std::string(to_string(c.status)), "How the value was computed: exact, converged or not_converged "
                                                     "(still on the safe side, not as tight as it could be).");
  v.object("inputs", "Inputs", "What the bound was computed from, echoed.",
           [&](FieldVisitor& w) { visit_values(c.inputs, w); }, true);
  list_field(v, "delta_ledger", "DeltaCharge", c.delta_ledger, "Each spending of confidence.");
  list_field(v, "assumptions", "Assumption", c.assumptions, "What the theorem needs and whether it holds here.");
  v.object("details", "Details", "Side results: relaxations, optimised constants, spreads.",
           [&](FieldVisitor& w) { visit_values(c.details, w); }, true);
  object_field(v, "reference", "Reference", c.reference, "Source of the bound.");
}

std::string summary_against_measured(double measured, const std::string& measured_name,
                                     const std::vector<Certificate>& bounds) {
  const Certificate* tightest = nullptr;
  std::string certified;
  for (const auto& c : bounds) {
    if (!c.applicable()) continue;
    if (c.guarantee == Guarantee::certificate)
      certified += "; certified " + c.name + " = " + c.shown() + " (probability >= 1 - " +
                   format_delta(c.delta_spent()) + ")";
    else if (c.guarantee != Guarantee::estimate && c.direction == Direction::upper &&
             (!tightest || c.value < tightest->value))
      tightest = &c;
  }
  std::string s = "measured " + measured_name + " " + format_rounded(measured, 0);
  if (tightest) s += "; tightest bound " + tightest->name + " = " + tightest->shown() + " (" + to_string(tightest->guarantee) + ")";
  return s + certified;
}

}  // namespace itbound
