#pragma once
// Self-certified learning of a binary linear classifier with a Gaussian posterior N(w, sigma^2 I):
// the prior centre is fitted on a prefix S_alpha, the posterior minimises the PAC-Bayes-kl bound on the
// rest, and the certificate is the exact kl bound there (Perez-Ortiz, Rivasplata, Shawe-Taylor &
// Szepesvari 2021, JMLR 22; Dziugaite et al. 2021, AISTATS; Langford & Shawe-Taylor 2002, NIPS, for the
// closed-form Gibbs risk of a linear classifier).
#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <vector>

#include "itbound/bounds/certificate.hpp"

namespace itbound {

// Gibbs 0-1 risk of N(w, sigma^2 I) on (x, y), y in {-1, +1}: (1/m) sum_i Phi(-y_i w.x_i / (sigma ||x_i||))
// (w'.x_i is N(w.x_i, sigma^2 ||x_i||^2) under the posterior). A row x_i = 0 counts as an error. certified: the sound
// upper value the certificates use (every rounding of the margins accounted for, rounded up).
double linear_gibbs_risk(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         const Eigen::Ref<const Eigen::VectorXd>& w, double sigma, bool certified = false);

struct SelfCertifyOptions {
  Eigen::MatrixXd x;  // m x d, rows in a fixed order chosen before looking at labels; S_alpha = first floor(alpha m)
  Eigen::VectorXd y;  // labels in {-1, +1}
  std::vector<double> alphas = {0.0, 0.2, 0.35, 0.5};  // prefix fractions in [0, 1), the declared grid
  std::vector<double> prior_scales;  // prior stds, the declared grid (e.g. geometric_grid)
  double delta = 0.05;
  double ridge = 1e-3;      // L2 weight of the prefix logistic regression that gives the prior centre
  int max_evaluations = 400;  // per posterior optimisation
};

struct SelfCertifyResult {
  Certificate certificate;  // PAC-Bayes-kl bound on the Gibbs risk of the posterior, valid for the choice made
  Eigen::VectorXd mean;     // posterior mean w
  double sigma = 0.0;       // posterior std
  Eigen::VectorXd prior_centre;
  double prior_scale = 0.0;
  double alpha = 0.0;
};

// For every (alpha, prior scale) in the declared grid: prior centre = ridge logistic regression on S_alpha
// (0 when S_alpha is empty), posterior (w, log sigma) = NLopt L-BFGS on the kl bound itself, with its
// gradient through the kl inverse by implicit differentiation (d kl^-1/dq = -kl_q/kl_p, d kl^-1/dc = 1/kl_p).
// The certificate at every grid point uses delta / |grid| (uniform union bound), so reporting the smallest
// is valid. The certificate is recomputed at the end with rounding towards the safe side.
SelfCertifyResult self_certify_linear(const SelfCertifyOptions& options);

struct HeldOutEvaluation {
  double gibbs_risk = 0.0;       // the posterior's Gibbs risk on the held-out set
  double gibbs_kl_bound = 0.0;   // kl_inverse_upper(gibbs_risk, ln(1/delta)/m): Chernoff bound for a [0,1] loss
  std::int64_t mean_errors = 0;  // errors of the deterministic classifier sign(w.x) (w.x = 0 counts as an error)
  std::int64_t trials = 0;
  Certificate mean_test_set;     // Langford's test-set bound on mean_errors
};

HeldOutEvaluation evaluate_held_out(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                                    const Eigen::Ref<const Eigen::VectorXd>& w, double sigma, double delta);

}  // namespace itbound

namespace itbound {

struct OneVsRestResult {
  Certificate certificate;                 // bound on the multi-class Gibbs risk: sum of the K class certificates
  std::vector<SelfCertifyResult> classes;  // class k against the rest, each certified at delta / K
};

// Multi-class by one-vs-rest: labels in {0, ..., K-1} (options.y holds them; K >= 2 = max label + 1). The
// Gibbs classifier draws every class's weights from its posterior and predicts the class of largest score.
// It can err only if some binary classifier "k vs rest" errs (if the true class scores > 0 and every other
// < 0, the argmax is right), so its risk is at most sum_k R_k; each R_k is certified at delta / K (union bound).
OneVsRestResult self_certify_one_vs_rest(const SelfCertifyOptions& options);

// Held-out errors of the deterministic argmax_k w_k.x classifier (ties count as errors) and Langford's bound.
Certificate one_vs_rest_test_set(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& labels,
                                 const std::vector<SelfCertifyResult>& classes, double delta);

// Optional held-out data, for comparison only (never part of the certificate).
struct HeldOutData {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;  // labels as in SelfCertifyOptions (-1/+1, or classes with one-vs-rest)
};

// The result of `itbound self-certify`: the certificate's fields, the held-out comparison and (binary) the posterior.
struct SelfCertifyReport {
  Certificate certificate;
  std::optional<HeldOutEvaluation> held_out;        // binary
  std::optional<Certificate> one_vs_rest_held_out;  // one-vs-rest: test-set bound of the argmax mean classifier
  std::vector<double> posterior_mean, prior_centre;  // binary
};
SelfCertifyReport evaluate_self_certify(const SelfCertifyOptions& options, bool one_vs_rest,
                                        const std::optional<HeldOutData>& test);
void visit(const HeldOutEvaluation& h, FieldVisitor& v);
void visit(const SelfCertifyReport& r, FieldVisitor& v);

}  // namespace itbound
