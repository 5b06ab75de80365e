#pragma once
// KL divergence between a diagonal Gaussian posterior and an isotropic Gaussian prior, in nats.
// (One small function for the data-dependent-prior work; the PAC-Bayes estimators may supersede it.)
#include <Eigen/Core>
#include <cmath>
#include <limits>

#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {

// KL(N(mu_q, diag sigma_q^2) || N(mu_p, sigma_p^2 I))
//   = 1/2 sum_i [ r_i - 1 - ln r_i + (mu_q,i - mu_p,i)^2 / sigma_p^2 ],  r_i = sigma_q,i^2 / sigma_p^2
// (closed form of the Gaussian KL, e.g. Dziugaite & Roy 2017, UAI, Eq. (6) for the isotropic case).
// sigma_q may have one entry (isotropic posterior) or one per coordinate. r - 1 - ln r is evaluated as
// (r-1) - log1p(r-1) to avoid cancellation near r = 1; the result is then raised by a bound on the
// accumulated rounding error (a few eps per term times the sum of term magnitudes), so it is never
// below the exact KL.
inline double gaussian_kl_isotropic_prior(const Eigen::Ref<const Eigen::ArrayXd>& mu_q,
                                          const Eigen::Ref<const Eigen::ArrayXd>& sigma_q,
                                          const Eigen::Ref<const Eigen::ArrayXd>& mu_p, double sigma_p) {
  const Eigen::Index d = mu_q.size();
  if (mu_p.size() != d) fail("prior_mean", "must have the posterior mean's length");
  if (sigma_q.size() != 1 && sigma_q.size() != d) fail("posterior_std", "must have 1 entry or one per coordinate");
  if (!(sigma_p > 0.0) || !std::isfinite(sigma_p)) fail("prior_std", "must be positive and finite");
  double sum = 0.0, magnitude = 0.0;
  for (Eigen::Index i = 0; i < d; ++i) {
    const double s = sigma_q.size() == 1 ? sigma_q[0] : sigma_q[i];
    if (!(s > 0.0) || !std::isfinite(s)) fail("posterior_std", "must be positive and finite");
    if (!std::isfinite(mu_q[i])) fail("posterior_mean", "must be finite");
    if (!std::isfinite(mu_p[i])) fail("prior_mean", "must be finite");
    const double r = (s / sigma_p) * (s / sigma_p);
    const double rm1 = r - 1.0;
    const double diff = (mu_q[i] - mu_p[i]) / sigma_p;
    const double term = (rm1 - std::log1p(rm1)) + diff * diff;
    sum += term;
    magnitude += std::abs(rm1) + std::abs(std::log1p(rm1)) + diff * diff;
  }
  const double eps = std::numeric_limits<double>::epsilon();
  const double slack = 8.0 * eps * (static_cast<double>(d) + 8.0) * magnitude;
  return round_up(0.5 * (sum + slack), 2);
}

}  // namespace itbound
