#pragma once
// Input-output mutual information bounds on the EXPECTED generalization gap |E[L_mu(W) - L_S(W)]| of a
// learner W trained on S = (Z_1..Z_n), from MI values given (in nats; e.g. estimated by knn_mi.hpp).
// These are bounds in expectation over S and W: they spend no delta and are not high-probability bounds.
#include <cstdint>
#include <optional>
#include <span>

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

}  // namespace itbound
