#include "itbound/bounds/dp_prior.hpp"

#include <cmath>

#include "itbound/bounds/pac_bayes.hpp"
#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {

GibbsPriorPrivacy gibbs_prior_privacy(const GibbsPriorOptions& o) {
  if (!(std::isfinite(o.tau) && o.tau >= 0.0)) fail("tau", "must be a finite number >= 0, got " + format_number(o.tau));
  if (o.n < 1) fail("n", "must be >= 1 bound examples, got " + format_number(static_cast<double>(o.n)));
  if (!(std::isfinite(o.loss_range) && o.loss_range > 0.0))
    fail("loss-range", "must be a finite number > 0, got " + format_number(o.loss_range));
  require_delta(o.delta);
  const double n = static_cast<double>(o.n);
  GibbsPriorPrivacy p;
  // Exponential mechanism with utility -tau R_hat, whose sensitivity to one example is tau r / n: the density ratio of
  // neighbouring samples is at most e^{tau r / n} in the numerator and again in the normaliser.
  p.epsilon = o.tau == 0.0 ? 0.0 : round_up(round_up(2.0 * o.tau * o.loss_range, 1) / n, 1);  // tau = 0: data-free
  p.log_inv_beta = dp_prior_log_inv_beta(p.epsilon, o.n, std::log(o.delta));
  p.free_epsilon = round_down(std::sqrt(round_down(std::log(3.0 / o.delta), 4) / n), 4);
  p.free_tau = round_down(p.free_epsilon * n / (2.0 * o.loss_range), 4);
  p.mechanism = "one exact sample h ~ P exp(-tau R_hat_S(h)) / Z_S, P fixed before seeing the data, R_hat_S the mean "
                "loss on the n bound examples (losses in a range of width loss-range); any prior built from h alone "
                "(e.g. N(h, s^2 I)) is as private";
  p.sampling = "exact sampling (e.g. from a finite candidate set, or by rejection from P) gives this epsilon; SGLD or "
               "other MCMC samplers only approximate the Gibbs distribution, so their output is only approximately "
               "this private and the kl-dp-prior certificate does not cover the difference";
  p.reference = {"McSherry & Talwar (2007), Mechanism design via differential privacy, FOCS; used for PAC-Bayes priors "
                 "by Dziugaite & Roy (2018), NeurIPS 31",
                 "exponential mechanism: epsilon = 2 tau (loss range) / n"};
  p.summary = "epsilon = " + format_rounded(p.epsilon, 1) + " for tau = " + format_number(o.tau) + ", n = " +
              std::to_string(o.n) + "; kl-dp-prior pays ln(1/beta) = " + format_rounded(p.log_inv_beta, 1) +
              " nats (no more than 2 ln(3/delta) up to tau = " + format_rounded(p.free_tau, -1) + ")";
  return p;
}

void visit(const GibbsPriorPrivacy& p, FieldVisitor& v) {
  v.text("summary", p.summary, "The answer in one line.");
  v.number("epsilon", p.epsilon, "Differential privacy of one exact sample of the Gibbs prior: 2 tau range / n.");
  v.number("log_inv_beta", p.log_inv_beta,
           "What kl-dp-prior charges for this prior: 2 max{ln(3/delta), n epsilon^2} nats (in place of ln(1/delta)).");
  v.number("free_epsilon", p.free_epsilon, "sqrt(ln(3/delta)/n): up to this epsilon the charge stays 2 ln(3/delta).");
  v.number("free_tau", p.free_tau, "The tau at which epsilon reaches free_epsilon.");
  v.text("mechanism", p.mechanism, "What is private.");
  v.text("sampling", p.sampling, "Exact sampling against SGLD / MCMC.");
  object_field(v, "reference", "Reference", p.reference, "Source.");
}

}  // namespace itbound
