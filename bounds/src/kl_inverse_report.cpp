#include "itbound/bounds/kl_inverse_report.hpp"

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"

namespace itbound {

KlInverseReport kl_inverse_report(double q, double c) {
  const KlInverseResult up = kl_inverse_upper(q, c), lo = kl_inverse_lower(q, c);
  return {q, c, up.value, lo.value, up.status, lo.status};
}

void visit(const KlInverseReport& r, FieldVisitor& v) {
  // The ends rounded outward: the set printed contains the exact one.
  v.text("summary", "{p : kl(q||p) <= c} lies within [" + format_rounded(r.lower, -1) + ", " +
                        format_rounded(r.upper, 1) + "]",
         "The answer in one line.");
  v.number("q", r.q, "Empirical rate q.");
  v.number("c", r.c, "Budget c in nats.");
  v.number("upper", r.upper, "sup{p : kl(q||p) <= c}, never below the exact value.");
  v.number("lower", r.lower, "inf{p : kl(q||p) <= c}, never above the exact value.");
  v.text("upper_status", std::string(to_string(r.upper_status)), "exact, converged or not_converged (still sound).");
  v.text("lower_status", std::string(to_string(r.lower_status)), "exact, converged or not_converged (still sound).");
  v.text("reference", "kl(q||p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)); Langford (2005), JMLR 6, Sec. 3",
         "Definition and source.");
}

}  // namespace itbound
