#pragma once
// The privacy of a Gibbs prior, for kl-dp-prior (bounds/pac_bayes.hpp, Dziugaite & Roy 2018): one exact sample from
// P exp(-tau R_hat_S) (P fixed in advance, R_hat_S the empirical risk on the n bound examples, losses in a range of
// width r) is an instance of the exponential mechanism (McSherry & Talwar 2007) and is (2 tau r / n)-differentially
// private. A prior built from that sample alone (e.g. a Gaussian centred at it) is as private (post-processing).
#include <cstdint>
#include <string>

#include "itbound/bounds/certificate.hpp"
#include "itbound/report.hpp"

namespace itbound {

struct GibbsPriorOptions {
  double tau = 1.0;         // inverse temperature of P exp(-tau R_hat)
  std::int64_t n = 1;       // bound examples R_hat averages over
  double loss_range = 1.0;  // width of the loss range (1 for the 0-1 loss)
  double delta = 0.05;      // confidence of the PAC-Bayes bound the prior is for
};

// The result of `itbound dp-gibbs-prior`.
struct GibbsPriorPrivacy {
  std::string summary;
  double epsilon = 0;       // 2 tau r / n, rounded up
  double log_inv_beta = 0;  // what kl-dp-prior charges for this prior: 2 max{ln(3/delta), n eps^2} nats
  double free_epsilon = 0;  // sqrt(ln(3/delta)/n): below it the privacy costs no more than 2 ln(3/delta)
  double free_tau = 0;      // the tau with epsilon = free_epsilon (rounded down)
  std::string mechanism;    // what is private, in words
  std::string sampling;     // exact sampling vs SGLD / MCMC
  Reference reference;
};

GibbsPriorPrivacy gibbs_prior_privacy(const GibbsPriorOptions& options);
void visit(const GibbsPriorPrivacy& p, FieldVisitor& v);

}  // namespace itbound
