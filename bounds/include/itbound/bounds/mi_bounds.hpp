#pragma once
// Input-output mutual information bounds on the EXPECTED generalization gap |E[L_mu(W) - L_S(W)]| of a
// learner W trained on S = (Z_1..Z_n), from MI values given (in nats; e.g. estimated by knn_mi.hpp).
// These are bounds in expectation over S and W: they spend no delta and are not high-probability bounds.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"

namespace itbound {

struct MiBoundOptions {
  std::int64_t n = 0;             // training examples
  // Loss range [a, b]: the loss is then (b - a)/2-sub-Gaussian (Hoeffding's lemma) and the gap is at most
  // b - a (the cap). Ignored when sigma is given; then nothing caps the value.
  double loss_min = 0.0, loss_max = 1.0;
  std::optional<double> sigma;    // sub-Gaussian parameter of the loss, when known otherwise
};

// Xu & Raginsky (2017), "Information-theoretic analysis of generalization capability of learning
// algorithms", NeurIPS, Theorem 1 (number as cited by later papers; text unread here): if l(w, Z) is
// sigma-sub-Gaussian under mu for every w, then |E gen| <= sqrt(2 sigma^2 I(W; S) / n).
Certificate xu_raginsky_bound(double mi_ws, const MiBoundOptions& options);

// Bu, Zou & Veeravalli (2020), "Tightening mutual information-based bounds on generalization error",
// IEEE J. Sel. Areas Inf. Theory 1(1) (ISIT 2019), the sub-Gaussian case of Theorem 1 (its own number unchecked): if l(W~, Z~) is sigma-sub-Gaussian
// under P_W x P_Z, then |E gen| <= (1/n) sum_i sqrt(2 sigma^2 I(W; Z_i)). `mi_wz` holds the n values
// I(W; Z_i), or one value used for every i (the Z_i are exchangeable for a symmetric learner).
Certificate individual_mi_bound(std::span<const double> mi_wz, const MiBoundOptions& options);

// I(W; Z_i) per example from m paired samples: `w` (m) the learner's scalar output and `z` (m, columns) row-major
// the examples, by "ksg" (Kraskov et al. 2004, continuous data only: refused on repeated values, where its estimate
// collapses far below the MI), "mixed" (Gao et al. 2017: ties allowed; on discrete data biased low by about the
// number of occupied (w, z) cells / m) or "plug-in" (discrete w and z; biased high). Raw values, and clamped at 0
// for the bound.
struct IndividualMiEstimates {
  std::string estimator;           // what was used, in words
  std::optional<std::int64_t> k;   // neighbours (k-NN estimators)
  std::int64_t runs = 0;           // m
  std::vector<double> raw;         // per example
  double negative_fraction = 0.0;  // share of raw estimates below 0
  std::vector<double> clamped;     // max(raw, 0): what the bound uses
};
IndividualMiEstimates estimate_individual_mi(std::span<const double> w, std::span<const double> z, std::size_t columns,
                                             const std::string& estimator, int k);

// The result of `itbound mi-bound`: the certificate's fields, and the estimates when the MI was estimated.
struct MiBoundReport {
  Certificate certificate;
  std::optional<IndividualMiEstimates> estimates;
};
// Bu et al.'s bound from estimated per-example MI: an estimated bound, not a guarantee.
MiBoundReport individual_mi_bound_from_samples(std::span<const double> w, std::span<const double> z,
                                               std::size_t columns, const std::string& estimator, int k,
                                               const MiBoundOptions& options);
void visit(const IndividualMiEstimates& e, FieldVisitor& v);
void visit(const MiBoundReport& r, FieldVisitor& v);

}  // namespace itbound
