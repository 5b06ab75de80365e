#pragma once
// Binary relative entropy kl(q||p) in nats and its two inverses.
#include <span>

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

// What an array call did besides writing its values.
struct KlArrayReport {
  Eigen::Index not_converged = 0;  // inverses: entries safe but not converged (scalar solver)
  Eigen::Index scalar = 0;         // entries the vector lanes left to the scalar code: outside their range or...
  Eigen::Index uncertified = 0;    // ...inside it but not certified by them (tests keep this near 0)
};

struct KlInverseArrayResult : KlArrayReport {
  Eigen::ArrayXd value;
};

// Element-wise over equal-length arrays; the first bad entry throws naming q[i] or c[i].
KlInverseArrayResult kl_inverse_upper(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c);
KlInverseArrayResult kl_inverse_lower(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c);

// The same into the caller's `out`, allocating nothing: q and c (p) each have out.size() entries, or one, which
// is broadcast. The first bad entry throws naming q[i] or c[i] (p[i]); `out` is then partly written.
KlArrayReport kl_inverse_upper(std::span<const double> q, std::span<const double> c, std::span<double> out);
KlArrayReport kl_inverse_lower(std::span<const double> q, std::span<const double> c, std::span<double> out);
KlArrayReport kl(std::span<const double> q, std::span<const double> p, std::span<double> out);

// The builds of the array lanes: the widest the CPU has (AVX-512, else AVX2 + FMA, else the x86-64 baseline,
// SSE2) unless a test forces one. Each certifies its own results (with FMAs the last bits can differ).
enum class KlLanes { automatic, baseline, avx2, avx512 };
// Forces `lanes` for every later array call; false, changing nothing, where this build or CPU lacks it.
bool kl_arrays_use(KlLanes lanes);
// The build array calls run now (never `automatic`).
KlLanes kl_arrays_lanes();

}  // namespace itbound
