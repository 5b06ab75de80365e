#pragma once
// Synthetic supersample runs with closed-form information, shared by the estimator and bound tests.
#include <cstdint>
#include <random>

#include "itbound/estimators/supersample.hpp"

namespace itbound::testing {

// k1 supersamples, k2 runs, n pairs; on each run the learner memorises each trained point with
// probability p (loss 0 on it, 1 on its partner), else both losses are 0. Then I(Delta_i; U_i) = p ln 2
// (an erasure channel) and the held-out error is p.
inline estimators::SupersampleRuns memoriser(std::int64_t k1, std::int64_t k2, std::int64_t n, double p,
                                             std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution coin(0.5), memorise(p);
  estimators::SupersampleRuns r;
  r.k1 = k1;
  r.k2 = k2;
  r.n = n;
  const auto cells = r.runs() * static_cast<std::size_t>(n);
  r.mask.resize(cells);
  r.loss.assign(2 * cells, 0.0);
  for (std::size_t c = 0; c < cells; ++c) {
    const int u = coin(rng);
    r.mask[c] = static_cast<std::uint8_t>(u);
    if (memorise(rng)) r.loss[2 * c + 1 - u] = 1.0;
  }
  return r;
}

}  // namespace itbound::testing
