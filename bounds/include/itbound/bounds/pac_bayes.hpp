#pragma once
// The PAC-Bayes family for losses in [0,1]: every standard bound side by side, each a Certificate
// with its own delta ledger, plus the Monte Carlo step from sampled predictors to the Gibbs risk.
// PAC-Bayes-Empirical-Bernstein (Tolstikhin & Seldin 2013, Theorem 4) when the posterior's mean sample variance is
// given: read in a restatement and two implementations only (bounds/REFERENCES.md says how their differences are
// resolved).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "itbound/bounds/certificate.hpp"
#include "itbound/estimators/kl_divergence.hpp"
#include "itbound/solvers/kl.hpp"

namespace itbound {

// The empirical Gibbs risk estimated from N predictors drawn from the posterior Q.
struct MonteCarloOptions {
  std::int64_t samples = 0;  // N >= 1 predictors sampled iid from Q
  double mean_error = 0.0;   // Q_hat: mean over the N predictors of their empirical risk on the n examples
  double delta = 0.01;       // delta': confidence spent on the sampling step, added to every bound's ledger
  // > 0: each predictor's empirical risk was the mean of this many per-example losses (a row of an (N, n) matrix)
  std::int64_t averaged_examples = 0;
};

struct PacBayesOptions {
  std::optional<double> emp_risk;       // exact empirical Gibbs risk R_hat(Q) on the n bound examples
  std::optional<MonteCarloOptions> mc;  // or its Monte Carlo estimate (exactly one of the two)
  double kl = 0.0;                      // KL(Q||P) in nats, P chosen without the n bound examples
  std::int64_t n = 1;                   // examples in the bound set only (not those that trained the prior)
  double delta = 0.05;
  std::optional<double> baseline_error;  // a trivial predictor's error: nonvacuous also means below it
  // E_Q[V_hat(h)]: the posterior mean of each hypothesis' unbiased sample variance of its n bound losses,
  // (1/(n-1)) sum_i (l_i(h) - R_hat(h))^2, computed exactly; enables empirical-bernstein (n >= 2).
  std::optional<double> emp_variance;
  // Index j of the prior variance c exp(-j/b) on Dziugaite & Roy (2017)'s grid when it was chosen after seeing
  // the bound examples: every bound then runs at delta_j = 6 delta / (pi^2 j^2) (see estimators/kl_divergence.hpp).
  std::optional<std::int64_t> prior_grid_index;
  // Choices tuned after seeing the bound examples, each paid by a union bound over its candidates declared in
  // advance: the split fraction (prior set vs bound set) from K candidates and the epoch (checkpoint) from E.
  // Every bound then runs at delta / (K E), and the Monte Carlo step at delta' / (K E) (comparing the candidates'
  // certificates compares their Monte Carlo estimates too); the ledger lists those shares and the other candidates'.
  std::int64_t split_candidates = 1;
  std::int64_t epoch_candidates = 1;
  // Catoni's C values; the bound is minimised over them, each paid delta / size by a union bound.
  std::vector<double> catoni_grid = {0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0};
  std::optional<KlTerm> kl_term;  // where the KL came from (files, a code length), echoed in the report
  // epsilon of a differentially private mechanism that chose the prior from the n bound examples themselves (Dziugaite
  // & Roy 2018): adds kl-dp-prior; with epsilon > 0 the prior depends on the bound examples, so every other bound's
  // prior_independent assumption fails and kl-dp-prior is the certificate.
  std::optional<double> dp_epsilon;
};

struct BestBound {
  std::string name;
  double value = 0.0;
};

// The result of `itbound pac-bayes`.
struct PacBayesReport {
  std::string summary;              // the answer in one line: the best certificate and what it guarantees
  std::vector<Certificate> bounds;  // stable order: kl, kl-2sqrtn, kl-langford-seeger, kl-dr17, mcallester,
                                    // quad, lambda, catoni, pinsker, bernstein-relaxation[, empirical-bernstein]
                                    // [, kl-dp-prior]
  // Smallest valid certificate on the kl event (all but catoni, empirical-bernstein and kl-dp-prior): picking it costs
  // nothing. With a private data-dependent prior (dp_epsilon > 0) it is kl-dp-prior, the only one that applies.
  std::optional<BestBound> best;
  std::optional<double> mc_upper;   // with Monte Carlo input: upper confidence limit on R_hat(Q)
  std::optional<MonteCarloOptions> mc;
  double kl = 0.0;
  std::optional<KlTerm> kl_source;  // the KL's provenance when it did not come as a number
};

void visit(const MonteCarloOptions& mc, FieldVisitor& v);
void visit(const BestBound& b, FieldVisitor& v);
void visit(const PacBayesReport& r, FieldVisitor& v);

// Langford & Caruana (2001), "(Not) bounding the true error", NIPS 14, sample convergence bound, as stated in Dziugaite &
// Roy (2017), UAI, Theorem 2.2 (number per Viallard 2023, PhD thesis, ch. 6 appendix) and used by Perez-Ortiz et al.
// (2021), JMLR 22: w.p. >= 1 - delta', R_hat(Q) <= kl_inverse_upper(Q_hat, ln(2/delta')/N). Rounded up; status of the
// inversion.
double monte_carlo_upper(const MonteCarloOptions& mc, SolverStatus* status = nullptr);

// N and Q_hat from the empirical risks of the N sampled predictors (each in [0, 1], field "mc-sample-errors"); the
// mean is exact when the compensated sum and the division are, and rounded up otherwise.
MonteCarloOptions monte_carlo_from_errors(const Eigen::Ref<const Eigen::ArrayXd>& errors, double delta);

// The same from a stored array (row-major values and its shape, field "mc-sample-errors"): a vector of the N predictors'
// empirical risks (one row or one column also), or an (N, n) matrix of their losses on the n bound examples, n the
// bound's own n, whose rows are averaged (averaged_examples = n says so). Any other shape is an error: read in order
// it was flattened, and a (100, 10000) matrix counted as a million Monte Carlo samples (a certificate 0.117 for 0.246).
MonteCarloOptions monte_carlo_from_error_array(const Eigen::Ref<const Eigen::ArrayXd>& values,
                                               const std::vector<std::int64_t>& shape, std::int64_t n, double delta);

// Maurer's complexity term (KL + ln xi(n) - log_delta) / n, rounded up; log_delta = ln delta, or the log of a
// delta already divided by union-bound charges.
double maurer_complexity(double kl, std::int64_t n, double log_delta);

// The PAC-Bayes-kl bound alone (the "kl" certificate's value): kl_inverse_upper(R_hat, maurer_complexity(KL, n,
// ln delta)), inputs checked; for callers that optimise over a grid (bounds/prior_choice.hpp, self_certify.hpp).
KlInverseResult pac_bayes_kl_inverse(double emp_risk, double kl, std::int64_t n, double delta);

// ln(1/beta) = 2 max{ln 3 - log_delta, n eps^2}, rounded up: the price of an eps-DP prior in kl-dp-prior (Dziugaite & Roy
// 2018; derived in bounds/REFERENCES.md from Dwork et al. 2015, Thm 11): the fixed-prior kl bound at confidence beta
// fails for the private prior with probability at most 3 sqrt(beta) <= delta.
double dp_prior_log_inv_beta(double epsilon, std::int64_t n, double log_delta);

PacBayesReport pac_bayes_bounds(const PacBayesOptions& options);

}  // namespace itbound
