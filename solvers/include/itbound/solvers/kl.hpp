#pragma once
// Binary relative entropy kl(q||p) in nats and its two inverses.
#include <Eigen/Core>

#include "itbound/solvers/status.hpp"

namespace itbound {

// kl(q||p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)), 0 ln 0 = 0; +inf when p is 0 or 1 and q is not.
// Evaluated without cancellation (relative error below 32 eps on [0,1]^2 where the value is a normal double, 15.4 eps
// measured; a value below DBL_MIN is within a few subnormal steps).
double kl(double q, double p);

// kl element-wise over equal-length arrays (vectorised; same error bound, 32 eps relative); the first bad
// entry throws naming q[i] or p[i].
Eigen::ArrayXd kl(const Eigen::Ref<const Eigen::ArrayXd>& q, const Eigen::Ref<const Eigen::ArrayXd>& p);

struct KlInverseResult {
  double value;         // the bound: never below (upper) / above (lower) the exact inverse
  SolverStatus status;  // not_converged: value is still safe, but looser than it could be
  int iterations;
};

// sup{p in [q,1] : kl(q||p) <= c}: the upper confidence limit behind every kl bound.
KlInverseResult kl_inverse_upper(double q, double c);
// inf{p in [0,q] : kl(q||p) <= c}.
KlInverseResult kl_inverse_lower(double q, double c);

struct KlInverseArrayResult {
  Eigen::ArrayXd value;
  Eigen::Index not_converged = 0;  // how many entries are safe but not converged
};

// Element-wise over equal-length arrays; the first bad entry throws naming q[i] or c[i].
KlInverseArrayResult kl_inverse_upper(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c);
KlInverseArrayResult kl_inverse_lower(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c);

// The array functions run lane code built for x86-64-v3 (AVX2, FMA) where the CPU has it; `on` forces the
// baseline x86-64 build instead (tests compare the two).
void kl_arrays_use_baseline(bool on);

}  // namespace itbound
