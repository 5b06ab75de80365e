#include "itbound/bounds/pac_bayes.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/maurer.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

// A few ulps cover the rounding of a short chain of +, *, /, sqrt, log, exp on their way to an upper bound.
double up(double x) { return round_up(x, 4); }
double down(double x) { return round_down(x, 4); }

const Reference kPerezOrtiz{"Perez-Ortiz, Rivasplata, Shawe-Taylor & Szepesvari (2021), Tighter risk certificates "
                            "for neural networks, JMLR 22",
                            ""};
// Theorem numbers below marked "per Alquier" were read in Alquier (2024), User-friendly introduction to PAC-Bayes
// bounds, Found. Trends Mach. Learn. 17(2) (arXiv 2110.11216), Sec. 3.2, which restates each bound with its source's
// number; the original papers' texts could not be read here (bounds/REFERENCES.md says what was checked where).
const char* const kMaurerTheorem5 =
    "Maurer (2004), A note on the PAC Bayesian theorem (arXiv cs/0411099), Theorem 5 (per Alquier 2024, Thm 3.2)";

void validate(const PacBayesOptions& o) {
  if (o.emp_risk.has_value() == o.mc.has_value())
    fail("emp-risk", "give either the empirical Gibbs risk or its Monte Carlo estimate (mc-mean-error, mc-samples), "
                     "exactly one of the two");
  if (o.emp_risk) require_probability(*o.emp_risk, "emp-risk");
  require_finite(o.kl, "kl");
  if (o.kl < 0.0) fail("kl", "must be >= 0 (nats), got " + format_number(o.kl));
  if (o.n < 1) fail("n", "must be >= 1 examples in the bound set, got " + format_number(static_cast<double>(o.n)));
  require_delta(o.delta, "delta");
  if (o.baseline_error) require_probability(*o.baseline_error, "baseline-error");
  if (o.prior_grid_index && *o.prior_grid_index < 1)
    fail("prior-grid-index", "grid points are j = 1, 2, ... (Dziugaite & Roy 2017), got " +
                                 format_number(static_cast<double>(*o.prior_grid_index)));
  if (o.split_candidates < 1) fail("split-candidates", "must be >= 1 candidate split fractions");
  if (o.epoch_candidates < 1) fail("epoch-candidates", "must be >= 1 candidate epochs");
  if (o.emp_variance) {
    require_finite(*o.emp_variance, "emp-variance");
    if (o.n < 2) fail("emp-variance", "a sample variance needs n >= 2 bound examples");
    // Losses in [0,1]: V_hat(h) <= n/(n-1) R_hat(h)(1 - R_hat(h)) as l^2 <= l, and by Jensen its posterior mean is at
    // most n/(n-1) R(1 - R) for the mean risk R (a few ulps of slack for the caller's rounding).
    const double n = static_cast<double>(o.n);
    const double r = o.emp_risk.value_or(0.5);
    const double most = n / (n - 1.0) * r * (1.0 - r);
    if (!(*o.emp_variance >= 0.0 && *o.emp_variance <= most * (1.0 + 1e-12)))
      fail("emp-variance", "must be in [0, n/(n-1) R (1-R)] = [0, " + format_number(most) + "] for losses in [0, 1] " +
                               (o.emp_risk ? "with emp-risk " + format_number(r) : std::string("(R = 1/2)")) + ", got " +
                               format_number(*o.emp_variance));
  }
  if (o.dp_epsilon && !(std::isfinite(*o.dp_epsilon) && *o.dp_epsilon >= 0.0))
    fail("dp-epsilon", "must be a finite number >= 0, got " + format_number(*o.dp_epsilon));
  if (o.catoni_grid.empty()) fail("catoni-grid", "needs at least one value of C");
  for (double c : o.catoni_grid)
    if (!(std::isfinite(c) && c > 0.0)) fail("catoni-grid", "values of C must be finite and > 0, got " + format_number(c));
  if (o.mc) {
    if (o.mc->samples < 1) fail("mc-samples", "must be >= 1 sampled predictors");
    require_probability(o.mc->mean_error, "mc-mean-error");
    require_delta(o.mc->delta, "delta-mc");
    if (!(o.delta + o.mc->delta < 1.0)) fail("delta-mc", "delta + delta-mc must be below 1");
    // Each of the K E candidates' Monte Carlo steps runs at delta-mc / (K E): it must stay a normal double.
    const double candidates = static_cast<double>(o.split_candidates) * static_cast<double>(o.epoch_candidates);
    if (!(o.mc->delta / candidates >= std::numeric_limits<double>::min()))
      fail("delta-mc", "is too small for " + format_number(candidates) + " candidate (split, epoch) pairs: delta-mc / " +
                           format_number(candidates) + " underflows below the normal doubles, got delta-mc " +
                           format_number(o.mc->delta));
  }
}

// What every certificate of the family shares: inputs echoed, the MC charge, the data assumptions.
struct Family {
  const PacBayesOptions& o;
  double risk;  // the empirical Gibbs risk fed to every bound: exact, or its MC upper limit
  double c_kl;     // (KL + ln(xi(n)/delta)) / n, rounded up
  double c_2sqrtn; // (KL + ln(2 sqrt(n)/delta)) / n, rounded up
  SolverStatus mc_status = SolverStatus::exact;
  double delta_run;  // delta / (K E): what each bound spends once the tuned choices are paid for

  // The bound's own spending, then what the union bounds over split fractions and epochs cost besides.
  void charge(Certificate& c, std::string what, double delta) const {
    c.delta_ledger.push_back({std::move(what), delta});
  }
  void charge_tuning(Certificate& c) const {
    const double K = static_cast<double>(o.split_candidates), E = static_cast<double>(o.epoch_candidates);
    if (o.split_candidates > 1)
      c.delta_ledger.push_back({"the other " + std::to_string(o.split_candidates - 1) + " of " +
                                    std::to_string(o.split_candidates) +
                                    " candidate split fractions (union bound: each runs at delta / K)",
                                o.delta * (K - 1.0) / K});
    if (o.epoch_candidates > 1)
      c.delta_ledger.push_back({"the other " + std::to_string(o.epoch_candidates - 1) + " of " +
                                    std::to_string(o.epoch_candidates) +
                                    " candidate epochs (union bound: each runs at delta / (K E))",
                                o.delta * (E - 1.0) / (K * E)});
  }

  // With dp_prior the certificate covers a prior chosen by a private mechanism from the bound examples (kl-dp-prior);
  // every other certificate needs a prior independent of them, which an eps > 0 given by the user rules out.
  Certificate start(std::string name, Reference ref, bool dp_prior = false) const {
    Certificate c;
    c.name = std::move(name);
    c.reference = std::move(ref);
    c.status = mc_status;
    c.guarantee = Guarantee::certificate;
    c.quantity = "R(Q), the expected loss of the posterior Q (Gibbs) on the task distribution";
    c.inputs = {{"kl", o.kl}, {"n", o.n}, {"delta", o.delta}};
    if (o.split_candidates > 1) c.inputs.push_back({"split_candidates", o.split_candidates});
    if (o.epoch_candidates > 1) c.inputs.push_back({"epoch_candidates", o.epoch_candidates});
    if (o.emp_risk) c.inputs.push_back({"emp_risk", *o.emp_risk});
    if (o.mc) {
      c.inputs.push_back({"mc_samples", o.mc->samples});
      c.inputs.push_back({"mc_error", o.mc->mean_error});
      c.inputs.push_back({"delta_mc", o.mc->delta});
      if (o.mc->averaged_examples > 0) c.inputs.push_back({"mc_errors_rows_averaged_over", o.mc->averaged_examples});
      const double candidates = static_cast<double>(o.split_candidates) * static_cast<double>(o.epoch_candidates);
      const double share = o.mc->delta / candidates;
      c.delta_ledger.push_back({"Monte Carlo estimate of the empirical Gibbs risk from " +
                                    std::to_string(o.mc->samples) + " sampled predictors (Langford & Caruana 2001)" +
                                    (candidates > 1.0 ? ", at delta' / (K E)" : ""),
                                share});
      if (candidates > 1.0)
        c.delta_ledger.push_back({"the Monte Carlo steps of the other " + format_number(candidates - 1.0) +
                                      " candidate (split, epoch) pairs: comparing their certificates looked at their "
                                      "estimates too (union bound)",
                                  o.mc->delta - share});
    }
    if (o.prior_grid_index) {
      c.inputs.push_back({"prior_grid_index", *o.prior_grid_index});
      c.delta_ledger.push_back({"prior-variance grid point j = " + std::to_string(*o.prior_grid_index) +
                                    ": the bound below runs at delta_j = 6 delta / (pi^2 j^2), so the union over "
                                    "j >= 1 (Dziugaite & Roy 2017) costs nothing beyond delta",
                                0.0});
    }
    c.add_assumption("loss_range", "losses lie in [0, 1]", Holds::unchecked, "only the mean is given");
    const bool private_prior = o.dp_epsilon && *o.dp_epsilon > 0.0;
    if (dp_prior)
      c.add_assumption("prior_differentially_private",
                       "the prior was output by an epsilon-differentially private mechanism run on the n bound examples "
                       "(changing one example changes the law of the output by a factor at most e^epsilon), with "
                       "epsilon = dp-epsilon",
                       Holds::unchecked,
                       "the user vouches for it; one exact sample from a Gibbs prior P exp(-tau R_hat) is (2 tau range / "
                       "n)-DP (itbound dp-gibbs-prior), while SGLD or MCMC sampling only approximates that");
    else
      c.add_assumption("prior_independent", "the prior was chosen without the n bound examples",
                       private_prior ? Holds::no : Holds::unchecked,
                       private_prior ? "dp-epsilon > 0 says the prior was chosen from the n bound examples: only "
                                       "kl-dp-prior covers such a prior"
                                     : "cannot be checked from the KL value; n must count only examples the prior never "
                                       "saw");
    c.add_assumption("iid", "the n bound examples are iid from the task distribution", Holds::unchecked);
    c.details = {{"emp_risk_used", risk}};
    return c;
  }

  // Variants of the kl bound with a larger complexity term are corollaries of Maurer's: check it here.
  void require_implies_maurer(Certificate& c, double exponent_low, const std::string& what) const {
    const bool ok = exponent_low >= c_kl;
    c.add_assumption("implied_by_maurer", "the complexity term is at least (KL + ln(xi(n)/delta))/n",
                     ok ? Holds::yes : Holds::no,
                     what + (ok ? " >= ln xi(n) term (Maurer 2004: E exp(n kl) <= xi(n))" : " is below the ln xi(n) term for this n"));
  }

  void finish(Certificate& c, double raw) const {
    charge_tuning(c);
    c.set_value(std::max(raw, risk), 1.0);
    const bool nonvacuous = c.value < 1.0 && (!o.baseline_error || c.value < *o.baseline_error);
    c.details.push_back({"nonvacuous", nonvacuous});
  }
};

Certificate kl_variant(const Family& f, std::string name, double c, Reference ref) {
  Certificate cert = f.start(std::move(name), std::move(ref));
  f.charge(cert, "PAC-Bayes-kl bound, prior independent of the n bound examples", f.delta_run);
  const KlInverseResult inv = kl_inverse_upper(f.risk, c);
  cert.status = worst(cert.status, inv.status);
  cert.details.push_back({"complexity", c});
  f.finish(cert, inv.value);
  return cert;
}

Certificate relaxation(const Family& f, std::string name, std::string of, double raw, Reference ref) {
  Certificate cert = f.start(std::move(name), std::move(ref));
  f.charge(cert, "the bound it relaxes (" + of + ")", f.delta_run);
  cert.details.push_back({"relaxation_of", std::move(of)});
  f.finish(cert, raw);
  return cert;
}

// Tolstikhin & Seldin (2013), NIPS 26, Theorem 4 with the variance bound of their Theorem 3, each at delta/2 (per
// Alquier 2024, Thm 3.9, and two public implementations, bounds/REFERENCES.md). For c1, c2 > 1:
//   V = v + (1 + c2) sqrt(v (KL + ln(2 nu2/delta)) / (2(n-1))) + 2 c2 (KL + ln(2 nu2/delta)) / (n-1),  v = E_Q V_hat,
//   W = min(V, 1/4) (a [0,1] loss has variance at most 1/4), e1 = (KL + ln(2 nu1/delta)) / n,
//   R <= R_hat + (1 + c1) sqrt((e-2) W e1)  if e1 <= (e-2) W  (the best lambda lies inside the grid),
//   R <= R_hat + 2 e1                      otherwise  (lambda = 1: (e-2) W + e1 <= 2 e1),
//   nu1 = ceil(ln(sqrt((e-2) n / (4 ln(2/delta)))) / ln c1),  nu2 = ceil(ln(sqrt((n-1)/ln(2/delta) + 1)/2 + 1/2) / ln c2).
// Any grid at least that large gives a valid bound; we take the larger of the sources' grid sizes (ln(1/delta)
// inside both, nu1 + 1), which costs under 1%.
Certificate empirical_bernstein(const Family& f, double v, double log_delta) {
  constexpr double c1 = 1.1, c2 = 1.1;  // fixed before any data is seen
  const auto& o = f.o;
  const double n = static_cast<double>(o.n), e2 = std::numbers::e - 2.0;
  const double log_inv_delta = down(-log_delta);  // ln(1/delta) of the delta left after the tuning charges
  const double nu1 = std::max(1.0, std::ceil(up(up(0.5 * std::log(up(e2 * n / down(4.0 * log_inv_delta)))) / down(std::log(c1)))) + 1.0);
  const double nu2 = std::max(
      1.0, std::ceil(up(std::log(up(0.5 * up(std::sqrt(up((n - 1.0) / log_inv_delta + 1.0))) + 0.5)) / down(std::log(c2)))));
  const double log_half_delta = down(log_delta - std::numbers::ln2);  // ln(delta/2), rounded towards the larger bound
  const double t2 = up(o.kl + up(std::log(nu2) - log_half_delta));
  const double V = up(up(v + up((1.0 + c2) * up(std::sqrt(up(v * t2 / down(2.0 * (n - 1.0))))))) + up(2.0 * c2 * t2 / down(n - 1.0)));
  const double W = std::min(V, 0.25);
  const double e1 = up(up(o.kl + up(std::log(nu1) - log_half_delta)) / n);
  // e1 is rounded up: the linear branch only where even the rounded-up threshold is passed; just below it the
  // square-root value, about (1 + c1) e1, exceeds the lambda = 1 bound (e-2) W + e1 anyway.
  const bool linear = e1 > up(e2 * W);
  const double gap = linear ? up(2.0 * e1) : up((1.0 + c1) * up(std::sqrt(up(up(e2 * W) * e1))));

  Certificate c = f.start("empirical-bernstein",
                          {"Tolstikhin & Seldin (2013), PAC-Bayes-Empirical-Bernstein inequality, NIPS 26",
                           "Theorem 4 with the variance bound of Theorem 3, capped at 1/4 (per Alquier 2024, Thm 3.9, and "
                           "two public implementations); grid sizes the larger of the sources'"});
  c.inputs.push_back({"emp_variance", v});
  f.charge(c, "PAC-Bayes-Empirical-Bernstein: the variance bound (Theorem 3) over its grid of " + format_number(nu2) +
                  " values of lambda", f.delta_run / 2.0);
  f.charge(c, "PAC-Bayes-Bernstein step over its grid of " + format_number(nu1) + " values of lambda", f.delta_run / 2.0);
  c.add_assumption("exact_variance",
                   "emp-variance is the posterior mean of each hypothesis' unbiased sample variance of its n bound "
                   "losses, computed exactly (not a Monte Carlo estimate)",
                   Holds::unchecked,
                   o.mc ? "with a Monte Carlo risk the variance is likely sampled too: no delta is spent on its error, "
                          "so this certificate does not cover it"
                        : "");
  c.details.push_back({"c1", c1});
  c.details.push_back({"c2", c2});
  c.details.push_back({"nu1", nu1});
  c.details.push_back({"nu2", nu2});
  c.details.push_back({"variance_upper", V});
  c.details.push_back({"branch", std::string(linear ? "linear" : "sqrt")});
  f.finish(c, up(f.risk + gap));
  return c;
}

// Dziugaite & Roy (2018), NeurIPS 31, Theorem 4.2 (number unchecked; derived in bounds/REFERENCES.md from Dwork et al.
// 2015, Thm 11, and Maurer's kl bound, with xi(n) for 2 sqrt(n)): for a prior output by an eps-DP mechanism on the n
// bound examples, kl(R_hat||R) <= (KL + ln xi(n) + 2 max{ln(3/delta), n eps^2})/n with probability >= 1 - delta.
Certificate dp_prior(const Family& f, double epsilon, double log_delta) {
  const auto& o = f.o;
  const double log_inv_beta = dp_prior_log_inv_beta(epsilon, o.n, log_delta);
  Certificate c = f.start("kl-dp-prior",
                          {"Dziugaite & Roy (2018), Data-dependent PAC-Bayes priors via differential privacy, NeurIPS 31",
                           "Theorem 4.2 (number unchecked): kl(R_hat||R) <= (KL + ln xi(n) + 2 max{ln(3/delta), n eps^2})"
                           "/n, xi(n) for the paper's 2 sqrt(n); derived from Dwork et al. (2015), Thm 11 "
                           "(bounds/REFERENCES.md)"},
                          true);
  c.inputs.push_back({"dp_epsilon", epsilon});
  f.charge(c, "PAC-Bayes-kl bound with an epsilon-DP prior: the fixed-prior bound at beta = exp(-" +
                  format_number(log_inv_beta) + ") carried over to the private prior by Dwork et al. (2015), Thm 11 "
                  "(fails with probability <= 3 sqrt(beta) <= delta)",
              f.delta_run);
  const double complexity = maurer_complexity(o.kl, o.n, -log_inv_beta);
  const KlInverseResult inv = kl_inverse_upper(f.risk, complexity);
  c.status = worst(c.status, inv.status);
  c.details.push_back({"complexity", complexity});
  c.details.push_back({"log_inv_beta", log_inv_beta});
  // Up to this epsilon the privacy costs nothing beyond ln(1/beta) = 2 ln(3/delta): n eps^2 <= ln(3/delta).
  c.details.push_back({"free_epsilon", round_down(std::sqrt(round_down(std::log(3.0) - log_delta, 4) / static_cast<double>(o.n)), 4)});
  f.finish(c, inv.value);
  return c;
}

}  // namespace

double dp_prior_log_inv_beta(double epsilon, std::int64_t n, double log_delta) {
  return up(2.0 * std::max(up(std::log(3.0) - log_delta), up(static_cast<double>(n) * up(epsilon * epsilon))));
}

double maurer_complexity(double kl, std::int64_t n, double log_delta) {
  return up((kl + log_maurer_xi(n) - log_delta) / static_cast<double>(n));
}

KlInverseResult pac_bayes_kl_inverse(double emp_risk, double kl, std::int64_t n, double delta) {
  require_probability(emp_risk, "emp-risk");
  require_finite(kl, "kl");
  if (kl < 0.0) fail("kl", "must be >= 0 (nats), got " + format_number(kl));
  if (n < 1) fail("n", "must be >= 1 examples in the bound set, got " + format_number(static_cast<double>(n)));
  require_delta(delta, "delta");
  return kl_inverse_upper(emp_risk, maurer_complexity(kl, n, std::log(delta)));
}

MonteCarloOptions monte_carlo_from_errors(const Eigen::Ref<const Eigen::ArrayXd>& errors, double delta) {
  if (errors.size() < 1) fail("mc-sample-errors", "needs the empirical risk of at least one sampled predictor");
  // Neumaier's compensated sum; it is exact when no addition rounded (all error terms zero).
  double sum = 0.0, compensation = 0.0;
  bool exact = true;
  for (Eigen::Index i = 0; i < errors.size(); ++i) {
    const double x = errors[i];
    if (!(x >= 0.0 && x <= 1.0))
      fail("mc-sample-errors", "entry " + std::to_string(i) + " must be in [0, 1], got " + format_number(x));
    const double t = sum + x;
    const double err = std::abs(sum) >= x ? (sum - t) + x : (x - t) + sum;
    exact = exact && err == 0.0;
    compensation += err;
    sum = t;
  }
  sum += compensation;
  const double N = static_cast<double>(errors.size());
  const double mean = sum / N;
  const bool mean_exact = exact && std::fma(mean, N, -sum) == 0.0;
  return {static_cast<std::int64_t>(errors.size()), std::min(1.0, mean_exact ? mean : up(mean)), delta};
}

MonteCarloOptions monte_carlo_from_error_array(const Eigen::Ref<const Eigen::ArrayXd>& values,
                                               const std::vector<std::int64_t>& shape, std::int64_t n, double delta) {
  const auto count = [](std::int64_t x) { return std::to_string(x); };
  if (shape.size() > 2)
    fail("mc-sample-errors", "must be a vector of per-predictor risks or an (N, n) matrix of per-example losses, got " +
                          count(static_cast<std::int64_t>(shape.size())) + " dimensions");
  const std::int64_t rows = shape.size() == 2 ? shape[0] : 0, cols = shape.size() == 2 ? shape[1] : 0;
  // (1, n) is ambiguous: one predictor's n losses, or n predictors' risks that happen to number n.
  if (shape.size() == 2 && rows == 1 && cols == n && n > 1)
    fail("mc-sample-errors", "a single row of n = " + count(n) + " values is ambiguous (one predictor's per-example losses, "
                      "or n predictors' risks): give the risks as a vector or one column, or more than one row");
  if (shape.size() < 2 || rows == 1 || cols == 1) return monte_carlo_from_errors(values, delta);
  if (cols != n)
    fail("mc-sample-errors", "an (N, n) matrix of per-example losses needs n = " + count(n) + " columns (the bound's n), got (" +
                          count(rows) + ", " + count(cols) + ")");
  // Every row has n entries: the mean of the row means is the mean of all entries, computed (and rounded up) as for
  // a vector; N is the number of rows.
  MonteCarloOptions mc = monte_carlo_from_errors(values, delta);
  mc.samples = rows;
  mc.averaged_examples = cols;
  return mc;
}

double monte_carlo_upper(const MonteCarloOptions& mc, SolverStatus* status) {
  const double N = static_cast<double>(mc.samples);
  // ln(2/delta'): Dziugaite & Roy (2017), Theorem 2.2 (sample convergence bound of Langford & Caruana; number per
  // Viallard 2023, PhD thesis, ch. 6), as used by Perez-Ortiz et al. (2021). The one-sided Chernoff bound would allow
  // ln(1/delta'); we keep the published, larger constant so that published certificates are reproduced.
  const KlInverseResult r = kl_inverse_upper(mc.mean_error, up(std::log(2.0 / mc.delta) / N));
  if (status) *status = r.status;
  return r.value;
}

PacBayesReport pac_bayes_bounds(const PacBayesOptions& o) {
  validate(o);
  PacBayesReport result;
  result.kl = o.kl;
  result.mc = o.mc;
  if (o.kl_term && o.kl_term->source != "given") result.kl_source = o.kl_term;
  SolverStatus mc_status = SolverStatus::exact;
  double risk = 0.0;
  if (o.mc) {
    // A (split, epoch) pair picked from K E candidates by comparing their certificates also picked among their Monte
    // Carlo estimates: each candidate's sampling step runs at delta' / (K E), rounded down.
    MonteCarloOptions mc = *o.mc;
    const double candidates = static_cast<double>(o.split_candidates) * static_cast<double>(o.epoch_candidates);
    if (candidates > 1.0) mc.delta = down(mc.delta / candidates);
    result.mc_upper = monte_carlo_upper(mc, &mc_status);
    risk = *result.mc_upper;
  } else {
    risk = *o.emp_risk;
  }
  const double n = static_cast<double>(o.n);
  // ln(delta / (K E)) for K split fractions and E epochs, less 2 ln j + ln(pi^2/6) for a prior picked from
  // Dziugaite & Roy's grid (delta_j = 6 delta / (pi^2 j^2) inside each candidate).
  const double n_splits = static_cast<double>(o.split_candidates), n_epochs = static_cast<double>(o.epoch_candidates);
  const double log_tuning = up(std::log(n_splits) + std::log(n_epochs));
  const double log_grid =
      o.prior_grid_index
          ? up(2.0 * std::log(static_cast<double>(*o.prior_grid_index)) + std::log(std::numbers::pi * std::numbers::pi / 6.0))
          : 0.0;
  const double log_delta = o.split_candidates > 1 || o.epoch_candidates > 1 || o.prior_grid_index
                               ? down(std::log(o.delta) - up(log_tuning + log_grid))
                               : std::log(o.delta);
  const double log_2sqrtn = std::numbers::ln2 + 0.5 * std::log(n);
  const Family f{o, risk, maurer_complexity(o.kl, o.n, log_delta), up((o.kl + log_2sqrtn - log_delta) / n),
                 mc_status, o.delta / (n_splits * n_epochs)};
  auto& out = result.bounds;

  // Maurer (2004), Theorem 5 with its exponential moment E exp(n kl) taken exactly: xi(n) for Bernoulli losses, an upper
  // bound for [0,1] losses (Maurer's Lemma 3); Seeger (2002) for the kl form. kl(R_hat||R) <= c.
  out.push_back(kl_variant(f, "kl", f.c_kl,
                           {std::string(kMaurerTheorem5) + "; Seeger (2002), JMLR 3 (theorem number unchecked)",
                            "Theorem 5 with 2 sqrt(n) replaced by xi(n) >= E exp(n kl(R_hat||R)), the exact moment of its "
                            "proof: kl(R_hat||R) <= (KL + ln(xi(n)/delta))/n"}));
  // Maurer (2004), Theorem 5 as stated: ln(2 sqrt(n)/delta), from xi(n) <= 2 sqrt(n) (Theorem 1, n >= 8).
  Certificate k2 = kl_variant(f, "kl-2sqrtn", f.c_2sqrtn,
                              {kMaurerTheorem5, "kl(R_hat||R) <= (KL + ln(2 sqrt(n)/delta))/n; xi(n) <= 2 sqrt(n) is "
                                                "Theorem 1 (n >= 8; per Alquier 2024, Lemma 3.7), checked below for this n"});
  const double c2_low = down((o.kl + log_2sqrtn - log_delta) / n);
  f.require_implies_maurer(k2, c2_low, "ln(2 sqrt(n))");
  out.push_back(k2);
  // Langford (2005), JMLR 6, PAC-Bayes bound (Langford & Seeger 2001; theorem number unchecked):
  // kl(R_hat||R) <= (KL + ln((n+1)/delta))/n.
  Certificate ls = kl_variant(f, "kl-langford-seeger", up((o.kl + std::log1p(n) - log_delta) / n),
                              {"Langford (2005), Tutorial on practical prediction theory, JMLR 6",
                               "PAC-Bayes bound (theorem number unchecked): (KL + ln((n+1)/delta))/n"});
  ls.add_assumption("implied_by_maurer", "the complexity term is at least (KL + ln(xi(n)/delta))/n", Holds::yes,
                    "xi(n) <= n + 1: n + 1 terms, each at most 1");
  out.push_back(ls);
  // Dziugaite & Roy (2017), UAI (their statement of Langford-Seeger; theorem number unchecked; the same expression,
  // with the prior-variance grid charge, is in the authors' code snn/core/network.py): (KL + ln(n/delta))/(n-1).
  {
    const double c = o.n >= 2 ? up((o.kl + std::log(n) - log_delta) / (n - 1.0)) : HUGE_VAL;
    Certificate dr = kl_variant(f, "kl-dr17", c,
                                {"Dziugaite & Roy (2017), Computing nonvacuous generalization bounds for deep "
                                 "(stochastic) neural networks, UAI",
                                 "PAC-Bayes-kl as stated there (theorem number unchecked): (KL + ln(n/delta))/(n-1)"});
    f.require_implies_maurer(dr, o.n >= 2 ? down((o.kl + std::log(n) - log_delta) / (n - 1.0)) : -HUGE_VAL,
                             "(KL + ln(n/delta))/(n-1) * n");
    out.push_back(dr);
  }

  const double eps = up(f.c_2sqrtn / 2.0);  // (KL + ln(2 sqrt(n)/delta)) / (2n)
  const double R = risk;
  // Perez-Ortiz et al. (2021), f_classic: Pinsker's relaxation of Maurer's Theorem 5, "essentially McAllester's bound with
  // improved constants" (Alquier 2024, Sec. 3.2.2). Not McAllester (1999), Theorem 1 itself, which has
  // (KL + ln(1/delta) + (5/2) ln n + 8)/(2n - 1) under the root (per Alquier 2024, Thm 3.1).
  {
    Reference ref = kPerezOrtiz;
    ref.where = "f_classic (equation number unchecked): R_hat + sqrt((KL + ln(2 sqrt(n)/delta))/(2n)), Pinsker applied to "
                "Maurer (2004), Theorem 5";
    Certificate c = relaxation(f, "mcallester", "kl-2sqrtn", up(R + up(std::sqrt(eps))), ref);
    f.require_implies_maurer(c, c2_low, "ln(2 sqrt(n))");
    out.push_back(c);
  }
  // Perez-Ortiz et al. (2021), f_quad (equation number unchecked): R <= R_hat + sqrt(2 R c) from kl(q||p) >= (p-q)^2/(2p),
  // solved for sqrt(R): (sqrt(R_hat + eps) + sqrt(eps))^2 with eps = c/2 (derivation in bounds/REFERENCES.md).
  {
    Reference ref = kPerezOrtiz;
    ref.where = "f_quad (equation number unchecked): (sqrt(R_hat + eps) + sqrt(eps))^2, eps = (KL + ln(2 sqrt(n)/delta))/(2n)";
    const double s = up(up(std::sqrt(up(R + eps))) + up(std::sqrt(eps)));
    Certificate c = relaxation(f, "quad", "kl-2sqrtn", up(s * s), ref);
    f.require_implies_maurer(c, c2_low, "ln(2 sqrt(n))");
    out.push_back(c);
  }
  // Thiemann, Igel, Wintenberger & Seldin (2017), ALT, Theorem 3 (per Alquier 2024, Thm 3.4): for all lambda in (0,2) at
  // once, R <= R_hat/(1 - lambda/2) + (KL + ln(2 sqrt(n)/delta))/(n lambda (1 - lambda/2)). lambda* is the root of the
  // derivative, (a/2) l^2 + b l - b = 0 with a = R_hat, b = (KL + ln(2 sqrt(n)/delta))/n (their equation number unchecked).
  {
    const double E = up(f.c_2sqrtn * n);  // KL + ln(2 sqrt(n)/delta)
    const double lambda = 2.0 / (std::sqrt(2.0 * n * R / E + 1.0) + 1.0);
    const double half = 1.0 - lambda / 2.0;  // exact in binary for lambda in (0,2) up to one rounding
    const double raw = up(up(R / down(half)) + up(E / down(n * lambda * half)));
    Certificate c = f.start("lambda", {"Thiemann, Igel, Wintenberger & Seldin (2017), A strongly quasiconvex "
                                       "PAC-Bayesian bound, ALT",
                                       "Theorem 3 (per Alquier 2024, Thm 3.4): all lambda in (0,2) simultaneously; "
                                       "evaluated at its minimiser lambda*"});
    f.charge(c, "PAC-Bayes-lambda bound, prior independent of the n bound examples", f.delta_run);
    c.delta_ledger.push_back({"choice of lambda: free, the bound holds for every lambda in (0,2) at once", 0.0});
    c.details.push_back({"relaxation_of", std::string("kl-2sqrtn")});
    c.details.push_back({"lambda", lambda});
    f.require_implies_maurer(c, c2_low, "ln(2 sqrt(n))");
    f.finish(c, raw);
    out.push_back(c);
  }
  // Catoni (2007), Theorem 1.2.6 (per Alquier 2024, Thm 3.5: R <= Phi_{lambda/n}^{-1}(R_hat + (KL + ln(1/delta))/lambda),
  // Phi_a(p) = -ln(1 - p (1 - e^{-a}))/a; Viallard's 2023 thesis cites Theorem 1.2.1 for the same form, so the number is
  // not settled). With C = lambda/n, for a fixed C: R <= (1 - exp(-C R_hat - (KL + ln(1/delta))/n)) / (1 - exp(-C));
  // each of the k grid values at delta/k.
  {
    Certificate c = f.start("catoni", {"Catoni (2007), PAC-Bayesian supervised classification, IMS Lecture Notes 56",
                                       "Theorem 1.2.6 (per Alquier 2024, Thm 3.5; Theorem 1.2.1 per Viallard 2023), "
                                       "fixed C = lambda/n, union bound over the C grid"});
    const double k = static_cast<double>(o.catoni_grid.size());
    const double dk = f.delta_run / k;
    double best = HUGE_VAL, best_c = o.catoni_grid.front();
    for (double C : o.catoni_grid) {
      f.charge(c, "Catoni bound at C = " + format_number(C) + " (one of " + format_number(k) +
                      " grid values, union bound)", dk);
      const double x = up(up(C * R) + up((o.kl + up(std::log(k) - log_delta)) / n));
      const double v = up(-std::expm1(-x) / down(-std::expm1(-C)));
      if (v < best) best = v, best_c = C;
    }
    c.details.push_back({"catoni_c", best_c});
    c.details.push_back({"grid_size", static_cast<std::int64_t>(o.catoni_grid.size())});
    f.finish(c, best);
    out.push_back(c);
  }
  // Relaxations of kl(R_hat||R) <= c: Pinsker kl >= 2(p-q)^2, and kl(q||p) >= (p-q)^2/(2p) for p >= q,
  // whose root p = q + c + sqrt(c^2 + 2qc) is at most q + sqrt(2qc) + 2c: Tolstikhin & Seldin (2013), Eq. (3)
  // (per Alquier 2024, Thm 3.3, there with ln(2 sqrt(n)/delta); McAllester 2003's idea).
  out.push_back(relaxation(f, "pinsker", "kl", up(R + up(std::sqrt(up(f.c_kl / 2.0)))),
                           {"Pinsker's inequality applied to the kl bound", "kl(q||p) >= 2 (p - q)^2"}));
  out.push_back(relaxation(f, "bernstein-relaxation", "kl",
                           up(up(R + up(std::sqrt(up(2.0 * R * f.c_kl)))) + 2.0 * f.c_kl),
                           {"Tolstikhin & Seldin (2013), PAC-Bayes-Empirical-Bernstein inequality, NIPS 26",
                            "Eq. (3) (per Alquier 2024, Thm 3.3): p <= q + sqrt(2 q c) + 2 c, from kl(q||p) >= (p - q)^2 "
                            "/ (2p), here with Maurer's c = (KL + ln(xi(n)/delta))/n"}));

  if (o.emp_variance) out.push_back(empirical_bernstein(f, *o.emp_variance, log_delta));
  if (o.dp_epsilon) out.push_back(dp_prior(f, *o.dp_epsilon, log_delta));

  // Every bound but Catoni's and the empirical Bernstein one follows from the one event of Maurer's kl bound (plus the
  // MC event), so the smallest of them holds at the same delta. Those two are other events: choosing one after seeing
  // the values would spend delta twice, so they are shown beside the others but never picked as best.
  // With a private prior (eps > 0) every fixed-prior bound is invalid and kl-dp-prior is the certificate.
  const Certificate* best = nullptr;
  for (auto& c : out) {
    const bool same_event = c.name != "catoni" && c.name != "empirical-bernstein" && c.name != "kl-dp-prior";
    c.details.push_back({"same_event_as_kl", same_event});
    if (same_event && c.valid() && (!best || c.value < best->value)) best = &c;
    if (c.name == "kl-dp-prior" && *o.dp_epsilon > 0.0 && c.valid()) best = &c;
  }
  if (best) {
    result.best = BestBound{best->name, best->value};
    result.summary = "best certificate: " + best->name + " = " + best->shown() +
                     " (with probability at least 1 - " + format_delta(best->delta_spent()) + ", R(Q) <= this value)";
  } else {
    result.summary = "no valid certificate";
  }
  return result;
}

}  // namespace itbound

namespace itbound {

void visit(const MonteCarloOptions& mc, FieldVisitor& v) {
  v.integer("samples", mc.samples, "Number N of predictors sampled from the posterior.");
  v.number("mean_error", mc.mean_error, "Mean empirical risk of the N sampled predictors.");
  v.number("delta_mc", mc.delta, "Confidence spent on the Monte Carlo step.");
  v.integer("rows_averaged_over", mc.averaged_examples,
            "Examples n over which each row of an (N, n) matrix of per-example losses was averaged (0: one risk per "
            "predictor was given).");
}

void visit(const BestBound& b, FieldVisitor& v) {
  v.text("name", b.name, "Name of the smallest valid certificate on the kl event.");
  v.number("value", b.value, "Its value.");
}

void visit(const PacBayesReport& r, FieldVisitor& v) {
  v.text("summary", r.summary, "The answer in one line.");
  list_field(v, "bounds", "Certificate", r.bounds, "Every PAC-Bayes bound, each with its own delta ledger.");
  object_field(v, "best", "BestBound", r.best,
               "The smallest valid certificate on the kl event (picking it costs no confidence), or kl-dp-prior for a "
               "private data-dependent prior; null if none.");
  v.number("mc_upper", r.mc_upper, "With Monte Carlo input: the upper confidence limit on the empirical Gibbs risk.");
  object_field(v, "mc", "MonteCarlo", r.mc, "The Monte Carlo step's inputs.");
  v.number("kl", r.kl, "KL(posterior || prior) in nats used by every bound.");
  object_field(v, "kl_source", "KlTerm", r.kl_source, "Where the KL came from, when not given as a number.");
}

}  // namespace itbound
