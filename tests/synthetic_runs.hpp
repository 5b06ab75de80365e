#pragma once
// Synthetic supersample runs with closed-form information, shared by the estimator and bound tests.
#include <cstdint>
#include <initializer_list>
#include <random>

#include <vector>

#include "itbound/estimators/loo.hpp"
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

// Leave-one-out runs of an interpolating 0-1 learner in an exhaustive design (every index of each
// supersample left out `repeats` times): zero loss on the n training points; on the left-out point u of
// supersample s, loss 1 with probability err[s][u]. With err in {0, 1} the learner is deterministic and
// I^{z_s}(L; U) = r ln(n + 1) - (1 - r) ln(1 - r), r the mean of err[s]; with err[s][u] = p for every u
// (an erasure channel for U) I^{z_s}(L; U) = p ln(n + 1).
inline estimators::LooRuns loo_interpolator(const std::vector<std::vector<double>>& err, std::int64_t repeats,
                                            std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  estimators::LooRuns r;
  r.k1 = static_cast<std::int64_t>(err.size());
  r.n = static_cast<std::int64_t>(err[0].size()) - 1;
  r.k2 = repeats * (r.n + 1);
  r.loss.assign(r.runs() * r.points(), 0.0);
  for (std::size_t s = 0; s < err.size(); ++s)
    for (std::int64_t j = 0; j < r.k2; ++j) {
      const auto u = static_cast<std::size_t>(j % (r.n + 1));  // every index `repeats` times
      const std::size_t run = s * static_cast<std::size_t>(r.k2) + static_cast<std::size_t>(j);
      r.left_out.push_back(static_cast<std::int64_t>(u));
      if (std::bernoulli_distribution(err[s][u])(rng)) r.loss[run * r.points() + u] = 1.0;
    }
  return r;
}

// err for loo_interpolator: a deterministic learner on n + 1 = 10 points, wrong exactly on the left-out
// points listed in `hard`.
inline std::vector<double> hard_points(std::initializer_list<int> hard) {
  std::vector<double> err(10, 0.0);
  for (int h : hard) err[static_cast<std::size_t>(h)] = 1.0;
  return err;
}

}  // namespace itbound::testing
