#include "itbound/estimators/kl_divergence.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/phi.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

// The KL terms are computed in long double: every product and quotient of a few doubles is a normal number there
// (a prior std of 1e-160 against a posterior std of 1 gives (s_q/s_p)^2 = 1e320, which overflowed to inf in double
// and made x - ln(1+x) NaN), and round_up_from_extended gives the double above the bound (+inf past DBL_MAX:
// vacuous, never NaN).
using Ext = long double;
constexpr Ext kU = std::numeric_limits<Ext>::epsilon() / 2;  // unit roundoff, 2^-64 on x86-64

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

using MatrixExt = Eigen::Matrix<Ext, Eigen::Dynamic, Eigen::Dynamic>;
using VectorExt = Eigen::Matrix<Ext, Eigen::Dynamic, 1>;

// Eigenvalues of a symmetric matrix S computed in long double are within p(d) kU lambda_max of the exact ones
// (backward stability of the symmetric eigensolver; p(d) = 4 d^2 taken generously): a certified condition
// number, or an error naming the field where the smallest eigenvalue is not certifiably positive.
Ext certified_condition(const MatrixExt& S, const char* field, const char* what) {
  const Eigen::SelfAdjointEigenSolver<MatrixExt> es(S, Eigen::EigenvaluesOnly);
  if (es.info() != Eigen::Success) fail(field, std::string("eigenvalues did not converge (") + what + ")");
  const Ext d = static_cast<Ext>(S.rows());
  const Ext top = es.eigenvalues().maxCoeff();
  const Ext slack = 4 * d * d * kU * top;
  const Ext low = es.eigenvalues().minCoeff() - slack;
  if (!(low > 0))
    fail(field, std::string("is not positive definite or too ill-conditioned for a certified KL (") + what +
                    "): smallest eigenvalue " + format_number(static_cast<double>(es.eigenvalues().minCoeff())) +
                    " against a rounding error of " + format_number(static_cast<double>(slack)));
  return (top + slack) / low;
}

}  // namespace

double kl_diag_gaussian(ArrayRef mean_q, ArrayRef std_q, ArrayRef mean_p, ArrayRef std_p) {
  require_same_size(std_q.size(), mean_q.size(), "std_q", "mean_q");
  require_same_size(mean_p.size(), mean_q.size(), "mean_p", "mean_q");
  require_same_size(std_p.size(), mean_q.size(), "std_p", "mean_q");
  require_finite_all(mean_q, "mean_q");
  require_finite_all(mean_p, "mean_p");
  require_positive_all(std_q, "std_q");
  require_positive_all(std_p, "std_p");
  // 1/2 sum [x - ln(1+x) + m^2], x = r^2 - 1, r = s_q/s_p, m = (mu_q - mu_p)/s_p. x - ln(1+x) cancels near x = 0,
  // so bound the rounding error absolutely, by a few kU per term times the magnitudes that were subtracted: each
  // term's few roundings (and log1p's 16 ulps, phi.hpp) stay below 8 (d + 8) kU of them.
  Ext sum = 0, magnitude = 0;
  for (Eigen::Index i = 0; i < mean_q.size(); ++i) {
    const Ext r = static_cast<Ext>(std_q[i]) / std_p[i];
    const Ext m = (static_cast<Ext>(mean_q[i]) - mean_p[i]) / std_p[i];
    const Ext x = (r - 1) * (r + 1);
    sum += x - std::log1p(x) + m * m;
    magnitude += std::abs(x) + std::abs(std::log1p(x)) + m * m;
  }
  const Ext d = static_cast<Ext>(mean_q.size());
  return round_up_from_extended(0.5L * (sum + 8 * kU * (d + 8) * magnitude));
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
  // KL = 1/2 [sum_i (lambda_i - 1 - ln lambda_i) + ||L_p^-1 (mu_p - mu_q)||^2], lambda_i the eigenvalues of
  // M = L_p^-1 S_q L_p^-T (S_p = L_p L_p^T): tr - d - ln det of the textbook form, summed as phi(lambda_i - 1) >= 0,
  // so nothing cancels. (The textbook sum cancels: at condition number 6.6e4 it came out 2.4e-10 nats low, at 5e8 up to
  // 0.92 nats low, against a pad that ignored the conditioning.)
  const MatrixExt P = cov_p.cast<Ext>(), Q = cov_q.cast<Ext>();
  const Ext kappa_p = certified_condition(P, "cov_p", "prior covariance");
  const Ext kappa_q = certified_condition(Q, "cov_q", "posterior covariance");
  const Eigen::LLT<MatrixExt> lp(P);
  if (lp.info() != Eigen::Success) fail("cov_p", "must be positive definite (Cholesky failed)");
  const MatrixExt half = lp.matrixL().solve(Q);                      // L_p^-1 S_q
  MatrixExt M = lp.matrixL().solve(MatrixExt(half.transpose()));     // L_p^-1 S_q L_p^-T
  M = (0.5L * (M + M.transpose())).eval();
  const Eigen::SelfAdjointEigenSolver<MatrixExt> em(M, Eigen::EigenvaluesOnly);
  if (em.info() != Eigen::Success) fail("cov_q", "eigenvalues of S_p^-1 S_q did not converge");
  const VectorExt m = lp.matrixL().solve((mean_p - mean_q).matrix().cast<Ext>());
  // Error bounds, first-order backward-error analysis in long double. Relative to every lambda_i (Loewner order):
  // Cholesky's backward error (Higham 2002, Thm 10.3) perturbs S_p by (d+1) kU ||S_p||, i.e. every lambda by
  // (d+1) kU kappa_p; the input's rounding and S_q's use by kU kappa_q. Absolute, the same for every lambda_i
  // (Weyl's theorem): each triangular solve (Thm 8.5) errs by d kU |L^-1||L| times its result, so M by
  // 2 d kU c_L ||M|| with c_L = || |L^-1| |L| ||_F (computed; at most d sqrt(kappa_p)), and the symmetric
  // eigensolver by 4 d^2 kU ||M||. Each bound times 16 for the O(kU^2) terms and hidden constants.
  const MatrixExt Lp = lp.matrixL();
  const MatrixExt Linv = lp.matrixL().solve(MatrixExt::Identity(d, d));
  const Ext c_L = 1.01L * (Linv.cwiseAbs() * Lp.cwiseAbs()).norm();
  const Ext dd = static_cast<Ext>(d);
  const Ext relative = 16 * kU * ((dd + 1) * kappa_p + kappa_q);
  const Ext absolute = 16 * kU * dd * (4 * dd + 2 * c_L) * em.eigenvalues().cwiseAbs().maxCoeff();
  const auto refuse = [&](const std::string& why) {
    fail(kappa_q > kappa_p ? "cov_q" : "cov_p",
         "the covariances are too ill-conditioned for a certified KL (condition numbers " +
             format_number(static_cast<double>(kappa_p)) + " for the prior, " +
             format_number(static_cast<double>(kappa_q)) + " for the posterior): " + why);
  };
  if (!(relative <= 1e-3L)) refuse("relative rounding error bound " + format_number(static_cast<double>(relative)));
  // phi(lambda - 1) = lambda - 1 - ln lambda changes by at most e max |1 - 1/xi| over [lambda - e, lambda + e] (mean
  // value theorem); its own evaluation errs by at most 410 kU relative (phi.hpp), the sums by d kU.
  Ext cov_term = 0, pad = 0;
  for (Eigen::Index i = 0; i < d; ++i) {
    const Ext lambda = em.eigenvalues()[i];
    const Ext e = relative * std::abs(lambda) + absolute;
    if (!(lambda - e > 0))
      refuse("eigenvalue " + format_number(static_cast<double>(lambda)) + " of S_p^-1 S_q is not certifiably positive");
    cov_term += x_minus_log1p(lambda - 1, lambda);
    pad += e * std::max(std::abs(1 - 1 / (lambda - e)), std::abs(1 - 1 / (lambda + e)));
  }
  // ||L^-1 (mu_p - mu_q)||^2: relatively by the Cholesky term and twice the solve's.
  const Ext maha = m.squaredNorm();
  pad += maha * (relative + 32 * kU * dd * c_L) + (512 + dd) * kU * (cov_term + maha);
  return round_up_from_extended(0.5L * (cov_term + maha + pad));
}

double kl_bernoulli(ArrayRef prob_q, ArrayRef prob_p) {
  require_same_size(prob_p.size(), prob_q.size(), "prob_p", "prob_q");
  require_probabilities(prob_q, "prob_q");
  require_probabilities(prob_p, "prob_p");
  // kl's double value is within 32 eps of the exact one where it is a normal double (solvers/kl.hpp), within a
  // few subnormal steps below that; the d nonnegative terms add d eps. (The pad was 8 (d + 1) eps: 16 eps for one
  // coordinate, under kl's own 32.)
  double sum = 0.0;
  for (Eigen::Index i = 0; i < prob_q.size(); ++i) sum += kl(prob_q[i], prob_p[i]);  // +inf if q_i > 0 = p_i
  const double eps = std::numeric_limits<double>::epsilon();
  const double d = static_cast<double>(prob_q.size());
  return round_up(sum * (1.0 + (32.0 + d + 4.0) * eps) + 4.0 * d * std::numeric_limits<double>::denorm_min());
}

double kl_categorical(ArrayRef prob_q, ArrayRef prob_p) {
  require_same_size(prob_p.size(), prob_q.size(), "prob_p", "prob_q");
  require_probabilities(prob_q, "prob_q");
  require_probabilities(prob_p, "prob_p");
  if (std::abs(prob_q.sum() - 1.0) > 1e-9) fail("prob_q", "must sum to 1, sums to " + format_number(prob_q.sum()));
  if (std::abs(prob_p.sum() - 1.0) > 1e-9) fail("prob_p", "must sum to 1, sums to " + format_number(prob_p.sum()));
  // sum_k q_k ln(q_k/p_k) = sum_k [q_k ln(q_k/p_k) - q_k + p_k] + sum_k (q_k - p_k), and each bracket is
  // q_k phi((p_k - q_k)/q_k) >= 0 (p_k where q_k = 0): a sum without cancellation, plus the difference of the two
  // totals, which is 0 for exact distributions and tiny for the given ones. The terms q ln(q/p) of the direct sum
  // cancel near p = q, where ln(q/p) carries an absolute error of eps that the old relative pad missed (up to 1e-16
  // nats low).
  Ext brackets = 0, difference = 0, spread = 0;
  for (Eigen::Index i = 0; i < prob_q.size(); ++i) {
    const Ext q = prob_q[i], p = prob_p[i];
    difference += q - p;  // exact unless q and p are more than 2^11 apart, then within kU of it
    spread += std::abs(q - p);
    if (q == 0) {
      brackets += p;
      continue;
    }
    if (p == 0) return std::numeric_limits<double>::infinity();
    brackets += q * x_minus_log1p((p - q) / q, p / q);
  }
  // phi within 410 kU (its arguments within 2 kU), the K nonnegative terms K kU; the difference's K roundings, each
  // at most kU of the running total, itself at most the spread.
  const Ext K = static_cast<Ext>(prob_q.size());
  const Ext upper = brackets * (1 + (512 + K) * kU) + difference + 2 * (K + 1) * kU * spread;
  return round_up_from_extended(std::max(upper, Ext(0)));
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
