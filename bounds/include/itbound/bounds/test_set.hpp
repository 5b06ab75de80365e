#pragma once
// Langford's test-set bound: the exact binomial tail inversion on held-out errors.
#include <cstdint>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"

namespace itbound {

struct TestSetOptions {
  std::int64_t errors = 0;  // k: misclassified held-out examples
  std::int64_t trials = 1;  // m: held-out examples, drawn iid and never seen in training
  double delta = 0.05;
};

// Langford (2005), "Tutorial on practical prediction theory", JMLR 6, Theorem 3.3: with probability
// >= 1 - delta the true error is at most max{p : P[Bin(m,p) <= k] >= delta}. Details: kl_relaxation =
// kl_inverse_upper(k/m, ln(1/delta)/m) (Corollary 3.7, from Chernoff's bound, Lemma 3.6; numbers per Viallard 2023,
// PhD thesis, ch. 2 appendix), never below the exact value; lower_limit at the same delta (one-sided).
Certificate test_set_bound(const TestSetOptions& options);

// With probability >= 1 - delta over k independent groups whose mean losses (scaled to [0, 1]) average `mean`:
// E[loss] <= kl_inverse_upper(mean, ln(1/delta) / k) (Chernoff-Hoeffding for [0, 1] variables, Hoeffding 1963,
// Thm 1, in its kl form); used by `cmi`
// (held-out errors of supersamples) and `loo-cmi` (their leave-one-out errors).
Certificate expected_error_upper_limit(const std::string& name, const std::vector<double>& group_means,
                                       double loss_min, double loss_max, double delta, const std::string& quantity);


}  // namespace itbound
