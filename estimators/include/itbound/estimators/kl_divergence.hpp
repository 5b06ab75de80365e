#pragma once
// KL(Q||P) in nats from stored parameters of posterior Q and prior P: the complexity term of PAC-Bayes.
// Every value is rounded up (it only ever feeds upper bounds). Bad input throws InvalidArgument naming the field.
#include <cstdint>
#include <optional>
#include <string>

#include <Eigen/Core>

#include "itbound/report.hpp"

namespace itbound {

using ArrayRef = Eigen::Ref<const Eigen::ArrayXd>;
using MatrixRef = Eigen::Ref<const Eigen::MatrixXd>;

// Diagonal Gaussians, KL(N(mu_q, diag s_q^2) || N(mu_p, diag s_p^2))
// = 1/2 sum_i [s_q^2/s_p^2 - 1 - ln(s_q^2/s_p^2) + (mu_q - mu_p)^2/s_p^2] (the Gaussian closed form).
double kl_diag_gaussian(ArrayRef mean_q, ArrayRef std_q, ArrayRef mean_p, ArrayRef std_p);
// Isotropic prior N(mu_p, s_p^2 I).
double kl_diag_gaussian(ArrayRef mean_q, ArrayRef std_q, ArrayRef mean_p, double std_p);
// Standard deviations from stored log-variances: exp(log_var / 2).
Eigen::ArrayXd std_from_log_var(ArrayRef log_var);

// Full-covariance Gaussians (small d), through Cholesky factors (Eigen LLT):
// 1/2 [tr(S_p^-1 S_q) + (mu_p - mu_q)^T S_p^-1 (mu_p - mu_q) - d + ln det S_p - ln det S_q].
double kl_gaussian(ArrayRef mean_q, MatrixRef cov_q, ArrayRef mean_p, MatrixRef cov_p);

// Independent Bernoulli coordinates (e.g. stochastic pruning masks, Hayou et al. 2021): sum_i kl(q_i||p_i), the KL of
// product measures being the sum of the coordinates' KLs.
double kl_bernoulli(ArrayRef prob_q, ArrayRef prob_p);
// One categorical distribution: sum_k q_k ln(q_k/p_k), each vector summing to 1 (within 1e-9).
double kl_categorical(ArrayRef prob_q, ArrayRef prob_p);
// Point-mass posterior under a prefix-free-code prior P(h) = 2^-bits(h) (Lotfi et al. 2022; Kraft's inequality makes it a
// sub-probability, the mass left over only adds to P's normaliser): KL = ln(1/P(h)) = bits ln 2, no bits subtracted.
double kl_compression(double code_length_bits);

// Dziugaite & Roy (2017), UAI (section and equation unchecked; the same grid and charge are in the authors' code,
// snn/core/network.py: j = b ln(c / sigma^2), bound (KL + ln(pi^2 m / (6 delta)) + 2 ln j)/(m - 1)): prior N(w0, lambda I)
// with variance lambda = c exp(-j / b), j = 1, 2, ...; choosing j after seeing the data costs delta_j = 6 delta / (pi^2 j^2),
// i.e. 2 ln j + ln(pi^2/6) nats added to the KL (sum over j >= 1 of 6/(pi^2 j^2) = 1).
struct PriorVarianceGrid {
  double c = 0.1;
  double b = 100.0;
  bool snap = false;  // false: a variance off the grid is an error; true: use the nearest grid point j >= 1
};

struct PriorGridPoint {
  std::int64_t j;
  double variance;     // c exp(-j / b): the prior the KL must be computed with
  double charge_nats;  // 2 ln j + ln(pi^2/6), rounded up
  double delta_j;      // 6 delta / (pi^2 j^2), rounded down
};

PriorGridPoint prior_variance_grid_point(double variance, double delta, const PriorVarianceGrid& grid = {});

// A KL term and where it came from: the result of `itbound kl-divergence`, echoed by pac-bayes.
struct KlTerm {
  double kl = 0.0;                        // nats, rounded up
  std::string source = "given";           // "given", "compression" or the family of the parameter files
  std::optional<std::int64_t> dimension;  // entries of the posterior's parameter vector
  std::optional<PriorGridPoint> grid;     // the prior variance's point on Dziugaite & Roy's grid
};

void visit(const PriorGridPoint& g, FieldVisitor& v);
void visit(const KlTerm& t, FieldVisitor& v);

}  // namespace itbound
