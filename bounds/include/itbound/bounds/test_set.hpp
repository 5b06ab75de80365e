#pragma once
// Langford's test-set bound: the exact binomial tail inversion on held-out errors.
#include <cstdint>

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

}  // namespace itbound
