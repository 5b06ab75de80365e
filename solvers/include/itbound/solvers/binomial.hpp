#pragma once
// Binomial tail inversion: exact one-sided Clopper-Pearson limits (Langford 2005, JMLR 6, Theorem 3.3, test-set bound).
#include <cstdint>

#include "itbound/solvers/status.hpp"

namespace itbound {

struct BinomialLimit {
  double value;
  SolverStatus status;
};

// max{p : P[Bin(m,p) <= k] >= delta}: the true error rate is below it with probability >= 1 - delta.
// k = m gives 1; k = 0 gives 1 - delta^(1/m) (found and certified like any other k). Never below the exact limit.
BinomialLimit binomial_upper_limit(std::int64_t k, std::int64_t m, double delta);
// min{p : P[Bin(m,p) >= k] >= delta}; k = 0 gives 0. Never above the exact limit.
BinomialLimit binomial_lower_limit(std::int64_t k, std::int64_t m, double delta);

}  // namespace itbound
