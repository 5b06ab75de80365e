#pragma once
// The result of `itbound kl-inverse`: both inverses of the binary kl at one (q, c), each rounded outward.
#include <string>

#include "itbound/report.hpp"
#include "itbound/solvers/status.hpp"

namespace itbound {

struct KlInverseReport {
  double q = 0.0, c = 0.0;
  double upper = 0.0, lower = 0.0;
  SolverStatus upper_status = SolverStatus::exact, lower_status = SolverStatus::exact;
};

// sup and inf {p : kl(q||p) <= c} (solvers/kl.hpp); throws InvalidArgument naming q or c.
KlInverseReport kl_inverse_report(double q, double c);

void visit(const KlInverseReport& r, FieldVisitor& v);

}  // namespace itbound
