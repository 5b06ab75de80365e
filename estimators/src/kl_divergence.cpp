#include "itbound/estimators/kl_divergence.hpp"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

// A sum of d terms, each with a few roundings, is within ~d * 8 eps (relative) of the exact value: pad by that.
double padded(double sum, Eigen::Index d) {
  const double eps = std::numeric_limits<double>::epsilon();
  return round_up(sum * (1.0 + 8.0 * static_cast<double>(d + 1) * eps));
}

void require_same_size(Eigen::Index a, Eigen::Index b, const char* field, const char* other) {
  if (a != b)
    fail(field, "has " + std::to_string(a) + " entries but " + other + " has " + std::to_string(b));
}

void require_finite_all(ArrayRef x, const char* field) {
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) fail(field, "entry " + std::to_string(i) + " is not finite: " + format_number(x[i]));
}

void require_positive_all(ArrayRef x, const char* field) {
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (!(std::isfinite(x[i]) && x[i] > 0.0))
      fail(field, "entry " + std::to_string(i) + " must be finite and > 0, got " + format_number(x[i]));
}

void require_probabilities(ArrayRef x, const char* field) {
  for (Eigen::Index i = 0; i < x.size(); ++i)
    if (!(x[i] >= 0.0 && x[i] <= 1.0))
      fail(field, "entry " + std::to_string(i) + " must be in [0, 1], got " + format_number(x[i]));
}

// x - ln(1 + x) >= 0 for x = r - 1 > -1, without cancellation near r = 1.
double gauss_term(double ratio_minus_one) { return ratio_minus_one - std::log1p(ratio_minus_one); }

}  // namespace

double kl_diag_gaussian(ArrayRef mean_q, ArrayRef std_q, ArrayRef mean_p, ArrayRef std_p) {
  require_same_size(std_q.size(), mean_q.size(), "std_q", "mean_q");
  require_same_size(mean_p.size(), mean_q.size(), "mean_p", "mean_q");
  require_same_size(std_p.size(), mean_q.size(), "std_p", "mean_q");
  require_finite_all(mean_q, "mean_q");
  require_finite_all(mean_p, "mean_p");
  require_positive_all(std_q, "std_q");
  require_positive_all(std_p, "std_p");
  // x - ln(1+x) cancels near x = 0, so a relative pad is not enough: bound the rounding error
  // absolutely, by a few eps per term times the magnitudes that were subtracted.
  double sum = 0.0, magnitude = 0.0;
  for (Eigen::Index i = 0; i < mean_q.size(); ++i) {
    const double r = std_q[i] / std_p[i];
    const double m = (mean_q[i] - mean_p[i]) / std_p[i];
    const double x = (r - 1.0) * (r + 1.0);  // r^2 - 1
    sum += gauss_term(x) + m * m;
    magnitude += std::abs(x) + std::abs(std::log1p(x)) + m * m;
  }
  const double eps = std::numeric_limits<double>::epsilon();
  return round_up(0.5 * (sum + 8.0 * eps * (static_cast<double>(mean_q.size()) + 8.0) * magnitude), 2);
}

double kl_diag_gaussian(ArrayRef mean_q, ArrayRef std_q, ArrayRef mean_p, double std_p) {
  return kl_diag_gaussian(mean_q, std_q, mean_p, Eigen::ArrayXd::Constant(mean_q.size(), std_p));
}

Eigen::ArrayXd std_from_log_var(ArrayRef log_var) {
  require_finite_all(log_var, "log_var");
  return (0.5 * log_var).exp();
}

double kl_gaussian(ArrayRef mean_q, MatrixRef cov_q, ArrayRef mean_p, MatrixRef cov_p) {
  const Eigen::Index d = mean_q.size();
  require_same_size(mean_p.size(), d, "mean_p", "mean_q");
  if (cov_q.rows() != d || cov_q.cols() != d) fail("cov_q", "must be " + std::to_string(d) + " x " + std::to_string(d));
  if (cov_p.rows() != d || cov_p.cols() != d) fail("cov_p", "must be " + std::to_string(d) + " x " + std::to_string(d));
  require_finite_all(mean_q, "mean_q");
  require_finite_all(mean_p, "mean_p");
  if (!cov_q.allFinite()) fail("cov_q", "has a non-finite entry");
  if (!cov_p.allFinite()) fail("cov_p", "has a non-finite entry");
  if (!cov_q.isApprox(cov_q.transpose(), 1e-12)) fail("cov_q", "must be symmetric");
  if (!cov_p.isApprox(cov_p.transpose(), 1e-12)) fail("cov_p", "must be symmetric");
  const Eigen::LLT<Eigen::MatrixXd> lq(cov_q), lp(cov_p);
  if (lq.info() != Eigen::Success) fail("cov_q", "must be positive definite (Cholesky failed)");
  if (lp.info() != Eigen::Success) fail("cov_p", "must be positive definite (Cholesky failed)");
  // tr(S_p^-1 S_q) = ||L_p^-1 L_q||_F^2; Mahalanobis term ||L_p^-1 (mu_p - mu_q)||^2; ln det = 2 sum ln diag(L).
  const Eigen::MatrixXd a = lp.matrixL().solve(Eigen::MatrixXd(lq.matrixL()));
  const Eigen::VectorXd diff = (mean_p - mean_q).matrix();
  const Eigen::VectorXd m = lp.matrixL().solve(diff);
  const double log_det_p = 2.0 * lp.matrixLLT().diagonal().array().log().sum();
  const double log_det_q = 2.0 * lq.matrixLLT().diagonal().array().log().sum();
  const double kl = 0.5 * (a.squaredNorm() + m.squaredNorm() - static_cast<double>(d) + log_det_p - log_det_q);
  // The terms cancel; pad by the rounding of the largest magnitude, scaled by d (LLT is backward stable).
  const double scale = a.squaredNorm() + m.squaredNorm() + static_cast<double>(d) + std::abs(log_det_p) +
                       std::abs(log_det_q);
  const double pad = 16.0 * static_cast<double>(d * d + 1) * std::numeric_limits<double>::epsilon() * scale;
  return round_up(std::max(kl, 0.0) + pad);
}

double kl_bernoulli(ArrayRef prob_q, ArrayRef prob_p) {
  require_same_size(prob_p.size(), prob_q.size(), "prob_p", "prob_q");
  require_probabilities(prob_q, "prob_q");
  require_probabilities(prob_p, "prob_p");
  double sum = 0.0;
  for (Eigen::Index i = 0; i < prob_q.size(); ++i) sum += kl(prob_q[i], prob_p[i]);  // +inf if q_i > 0 = p_i
  return padded(sum, prob_q.size());
}

double kl_categorical(ArrayRef prob_q, ArrayRef prob_p) {
  require_same_size(prob_p.size(), prob_q.size(), "prob_p", "prob_q");
  require_probabilities(prob_q, "prob_q");
  require_probabilities(prob_p, "prob_p");
  if (std::abs(prob_q.sum() - 1.0) > 1e-9) fail("prob_q", "must sum to 1, sums to " + format_number(prob_q.sum()));
  if (std::abs(prob_p.sum() - 1.0) > 1e-9) fail("prob_p", "must sum to 1, sums to " + format_number(prob_p.sum()));
  double sum = 0.0;
  for (Eigen::Index i = 0; i < prob_q.size(); ++i) {
    if (prob_q[i] == 0.0) continue;  // 0 ln 0 = 0
    if (prob_p[i] == 0.0) return std::numeric_limits<double>::infinity();
    sum += prob_q[i] * std::log(prob_q[i] / prob_p[i]);
  }
  // Terms can be negative: pad by the rounding of their magnitudes; KL >= 0 (Gibbs).
  double magnitude = 0.0;
  for (Eigen::Index i = 0; i < prob_q.size(); ++i)
    if (prob_q[i] > 0.0) magnitude += std::abs(prob_q[i] * std::log(prob_q[i] / prob_p[i]));
  const double pad = 8.0 * static_cast<double>(prob_q.size() + 1) * std::numeric_limits<double>::epsilon() * magnitude;
  return round_up(std::max(sum, 0.0) + pad);
}

double kl_compression(double code_length_bits) {
  require_finite(code_length_bits, "code_length_bits");
  if (code_length_bits < 0.0) fail("code_length_bits", "must be >= 0, got " + format_number(code_length_bits));
  return round_up(code_length_bits * std::numbers::ln2);
}

PriorGridPoint prior_variance_grid_point(double variance, double delta, const PriorVarianceGrid& grid) {
  require_delta(delta, "delta");
  if (!(std::isfinite(grid.c) && grid.c > 0.0)) fail("grid_c", "must be finite and > 0");
  if (!(std::isfinite(grid.b) && grid.b > 0.0)) fail("grid_b", "must be finite and > 0");
  if (!(std::isfinite(variance) && variance > 0.0)) fail("prior_variance", "must be finite and > 0, got " + format_number(variance));
  const double j_real = grid.b * std::log(grid.c / variance);
  const double j_near = std::round(j_real);
  std::int64_t j = 0;
  if (grid.snap) {
    j = std::max<std::int64_t>(1, static_cast<std::int64_t>(j_near));
  } else {
    if (std::abs(j_real - j_near) > 1e-6 * std::max(1.0, std::abs(j_real)))
      fail("prior_variance", format_number(variance) + " is not on the grid c exp(-j/b) (j = " + format_number(j_real) +
                                 "); pass the grid value or enable snapping");
    if (j_near < 1.0)
      fail("prior_variance", format_number(variance) + " gives grid index j = " + format_number(j_near) +
                                 " <= 0; the grid starts at j = 1 (variance " + format_number(grid.c * std::exp(-1.0 / grid.b)) + ")");
    j = static_cast<std::int64_t>(j_near);
  }
  const double jd = static_cast<double>(j);
  const double pi2_6 = std::numbers::pi * std::numbers::pi / 6.0;
  return {j, grid.c * std::exp(-jd / grid.b), round_up(2.0 * std::log(jd) + std::log(pi2_6), 4),
          round_down(delta / (pi2_6 * jd * jd), 4)};
}

}  // namespace itbound

namespace itbound {

void visit(const PriorGridPoint& g, FieldVisitor& v) {
  v.integer("j", g.j, "Index of the prior variance on the grid c exp(-j / b).");
  v.number("variance", g.variance, "The grid variance c exp(-j / b) the prior uses.");
  v.number("charge_nats", g.charge_nats, "2 ln j + ln(pi^2/6), rounded up: what choosing j costs.");
  v.number("delta_j", g.delta_j, "6 delta / (pi^2 j^2), rounded down: the confidence left for the bound.");
}

void visit(const KlTerm& t, FieldVisitor& v) {
  v.text("summary", "KL(posterior || prior) <= " + format_rounded(t.kl, 1) + " nats (" + t.source + ")",
         "The answer in one line.");
  v.number("kl", t.kl, "KL(posterior || prior) in nats, rounded up.");
  v.text("source", t.source, "given, compression, or the distribution family of the parameter files.");
  v.integer("dimension", t.dimension, "Entries of the posterior's parameter vector (files only).");
  object_field(v, "prior_grid", "PriorGridPoint", t.grid, "The prior variance's point on Dziugaite & Roy's grid.");
}

}  // namespace itbound
