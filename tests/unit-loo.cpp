// Leave-one-out CMI estimator: the exact identity of a deterministic interpolating learner, a randomized
// learner with known MI (an erasure channel for U), design detection, and validation naming the field.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "itbound/error.hpp"
#include "itbound/estimators/loo.hpp"
#include "synthetic_runs.hpp"

using namespace itbound::estimators;
using itbound::testing::hard_points;
using itbound::testing::loo_interpolator;

TEST_CASE("deterministic interpolating learner: plug-in loo-CMI is r ln(n+1) - (1-r) ln(1-r)") {
  // r = 0, 0.3, 1 (mpmath, 30 digits): 0; 0.3 ln 10 - 0.7 ln 0.7 = 0.940447988655326370444244534274; ln 10.
  for (const std::int64_t repeats : {1, 2, 3}) {
    const auto r = loo_interpolator({hard_points({}), hard_points({2, 5, 7}), hard_points({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})},
                                    repeats, 1);
    const auto e = estimate_loo_cmi(r, Correction::none);
    CHECK(e.loo_cmi[0] == 0.0);
    CHECK(e.loo_cmi[1] == doctest::Approx(0.940447988655326370444244534274).epsilon(1e-14));
    CHECK(e.loo_cmi[2] == doctest::Approx(2.30258509299404568401799145468).epsilon(1e-14));
    CHECK(e.loo_error == doctest::Approx(1.3 / 3).epsilon(1e-15));
    CHECK(e.supersample_loo_error[1] == doctest::Approx(0.3).epsilon(1e-15));
    CHECK(e.train_error == 0.0);
    CHECK(e.interpolating);
    CHECK(e.design.exhaustive);
    CHECK(e.design.repeats == repeats);
    CHECK(e.design.learner == (repeats > 1 ? Determinism::deterministic : Determinism::unchecked));
    CHECK(e.design.exact() == (repeats > 1));
  }
}

TEST_CASE("randomized interpolating learner with known MI: erasure channel, I = p ln(n + 1)") {
  // Wrong on the left-out point with probability p, whichever it is: L = e_U or 0, so I(L; U) = p ln(n + 1).
  const double p = 0.3;
  const auto r = loo_interpolator({std::vector<double>(5, p), std::vector<double>(5, p)}, 2000, 9);
  const auto e = estimate_loo_cmi(r, Correction::none);
  for (const double i : e.loo_cmi) CHECK(i == doctest::Approx(p * std::log(5.0)).epsilon(0.03));
  CHECK(e.loo_error == doctest::Approx(p).epsilon(0.03));
  CHECK(e.design.exhaustive);
  CHECK(e.design.learner == Determinism::randomized);
  CHECK_FALSE(e.design.exact());
}

TEST_CASE("independent learner: I = 0, bias corrections shrink the plug-in bias") {
  // The loss vector is all zeros or all ones by a fair coin, independent of U: I(L; U) = 0.
  // Plug-in bias ~ (Kx - 1)(Ku - 1)/(2m) = 4/(2 * 50) = 0.04 nats for n + 1 = 5 points, 10 runs per index.
  std::mt19937_64 rng(5);
  std::bernoulli_distribution coin(0.5);
  double sums[3] = {0, 0, 0};
  const int reps = 200;
  for (int rep = 0; rep < reps; ++rep) {
    LooRuns r;
    r.k1 = 1, r.k2 = 50, r.n = 4;
    for (std::int64_t j = 0; j < r.k2; ++j) {
      r.left_out.push_back(j % 5);
      const double l = coin(rng) ? 1.0 : 0.0;
      for (int i = 0; i < 5; ++i) r.loss.push_back(l);
    }
    const Correction cs[3] = {Correction::none, Correction::miller_madow, Correction::jackknife};
    for (int c = 0; c < 3; ++c) sums[c] += estimate_loo_cmi(r, cs[c]).loo_cmi[0] / reps;
  }
  MESSAGE("plug-in " << sums[0] << ", Miller-Madow " << sums[1] << ", jackknife " << sums[2]);
  CHECK(sums[0] > 0.025);
  CHECK(sums[1] < sums[0] / 2);
  CHECK(sums[2] < sums[0] / 2);
}

TEST_CASE("design detection: random leave-outs are not exhaustive; train error counts the n training points") {
  LooRuns r;
  r.k1 = 1, r.k2 = 3, r.n = 3;
  r.left_out = {0, 0, 2};
  r.loss = {1, 0, 1, 0, /**/ 1, 0, 1, 0, /**/ 0, 0, 1, 1};
  const auto e = estimate_loo_cmi(r, Correction::none);
  CHECK_FALSE(e.design.exhaustive);
  CHECK(e.design.repeats == 0);
  CHECK(e.design.learner == Determinism::deterministic);  // index 0 twice, same loss vector
  // Train: (0 + 1 + 0)/3, (0 + 1 + 0)/3, (0 + 0 + 1)/3; loo: 1, 1, 1.
  CHECK(e.train_error == doctest::Approx(1.0 / 3));
  CHECK(e.loo_error == 1.0);
  CHECK_FALSE(e.interpolating);
  // Symbols A, A, B with U = 0, 0, 2: I = H(U) = H(L) = ln 3 - (2/3) ln 2.
  CHECK(e.loo_cmi[0] == doctest::Approx(std::log(3.0) - 2.0 / 3 * std::log(2.0)).epsilon(1e-15));
}

TEST_CASE("loo runs validation names the field") {
  const auto good = loo_interpolator({hard_points({1})}, 1, 1);
  auto bad = good;
  bad.left_out[3] = 10;
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("left_out: values must be integer indices in [0, n]"), itbound::InvalidArgument);
  bad = good;
  bad.left_out[0] = -1;
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("left_out"), itbound::InvalidArgument);
  bad = good;
  bad.loss[4] = std::nan("");
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("loss: contains NaN"), itbound::InvalidArgument);
  bad.loss[4] = 1.5;
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("loss: value 1.5 outside the declared range"), itbound::InvalidArgument);
  bad.loss[4] = INFINITY;
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("outside the declared range"), itbound::InvalidArgument);
  bad = good;
  bad.loss.pop_back();
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("loss: shape mismatch"), itbound::InvalidArgument);
  bad = good;
  bad.left_out.pop_back();
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("left_out: shape mismatch"), itbound::InvalidArgument);
  bad = good;
  bad.loss_max = 0.0;
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("loss_max"), itbound::InvalidArgument);
  bad = good;
  bad.n = 0;
  CHECK_THROWS_WITH_AS(validate(bad), doctest::Contains("shape"), itbound::InvalidArgument);
}
