// Supersample CMI estimators: hand-computed tables, brute-force jackknife, and a synthetic learner with
// closed-form MI (memorises each trained point with probability p: I(Delta_i; U_i) = p ln 2, an erasure channel).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "itbound/error.hpp"
#include "itbound/estimators/supersample.hpp"
#include "itbound/estimators/supersample_stats.hpp"
#include "synthetic_runs.hpp"

using namespace itbound::estimators;
using itbound::testing::memoriser;

namespace {
std::vector<KeyedSample> samples(const std::vector<double>& x, const std::vector<int>& u) {
  std::vector<KeyedSample> k;
  for (std::size_t j = 0; j < x.size(); ++j) k.push_back({x[j], 0.0, static_cast<std::uint8_t>(u[j])});
  return k;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}
}  // namespace

TEST_CASE("plug-in MI of hand-computed tables") {
  auto indep = samples({0, 0, 1, 1}, {0, 1, 0, 1});
  CHECK(discrete_mi_binary(indep, Correction::none) == doctest::Approx(0.0));
  auto copy = samples({3, 7, 3, 7}, {0, 1, 0, 1});
  CHECK(discrete_mi_binary(copy, Correction::none) == doctest::Approx(std::numbers::ln2));
  // p(0,0) = 1/2, p(0,1) = 1/4, p(1,1) = 1/4; p(x=0) = 3/4, p(u) = 1/2.
  auto t = samples({0, 0, 0, 1}, {0, 0, 1, 1});
  const double expected = 0.5 * std::log(4.0 / 3) + 0.25 * std::log(2.0 / 3) + 0.25 * std::log(2.0);
  CHECK(discrete_mi_binary(t, Correction::none) == doctest::Approx(expected).epsilon(1e-14));
  // Miller-Madow: + (Kx - 1 + Ku - 1 - (Kxu - 1)) / (2m) = (1 + 1 - 2) / 8 = 0.
  auto t2 = samples({0, 0, 0, 1}, {0, 0, 1, 1});
  CHECK(discrete_mi_binary(t2, Correction::miller_madow) == doctest::Approx(expected).epsilon(1e-14));
}

TEST_CASE("jackknife equals the brute-force leave-one-out formula") {
  const std::vector<double> x{0, 1, 2, 0, 1, 1, 2, 0, 0, 2, 1};
  const std::vector<int> u{0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0};
  auto all = samples(x, u);
  const double m = static_cast<double>(x.size());
  const double full = discrete_mi_binary(all, Correction::none);
  double loo = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    std::vector<double> xs;
    std::vector<int> us;
    for (std::size_t k = 0; k < x.size(); ++k)
      if (k != j) xs.push_back(x[k]), us.push_back(u[k]);
    auto s = samples(xs, us);
    loo += discrete_mi_binary(s, Correction::none);
  }
  const double brute = std::clamp(m * full - (m - 1) / m * loo, 0.0, std::numbers::ln2);
  auto again = samples(x, u);
  CHECK(discrete_mi_binary(again, Correction::jackknife) == doctest::Approx(brute).epsilon(1e-12));
}

TEST_CASE("memorising learner: estimates converge to p ln 2, errors match") {
  const double p = 0.3;
  const auto r = memoriser(4, 400, 50, p, 7);
  const auto e = estimate_cmi(r, Correction::none);
  CHECK(mean(e.ldmi) == doctest::Approx(p * std::numbers::ln2).epsilon(0.03));
  CHECK(mean(e.ldcmi) == doctest::Approx(p * std::numbers::ln2).epsilon(0.05));
  CHECK(mean(e.ecmi) == doctest::Approx(p * std::numbers::ln2).epsilon(0.05));
  CHECK(e.train_error == 0.0);
  CHECK(e.interpolating);
  CHECK(e.heldout_error == doctest::Approx(p).epsilon(0.02));
}

TEST_CASE("bias corrections shrink the plug-in bias of an independent pair") {
  // X uniform on 10 values independent of U, m = 40: plug-in bias ~ (10 - 1)/(2 * 40) = 0.11 nats.
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> ten(0, 9), bit(0, 1);
  double sums[3] = {0, 0, 0};
  const int reps = 400;
  for (int rep = 0; rep < reps; ++rep) {
    std::vector<double> x(40);
    std::vector<int> u(40);
    for (int j = 0; j < 40; ++j) x[j] = ten(rng), u[j] = bit(rng);
    const Correction cs[3] = {Correction::none, Correction::miller_madow, Correction::jackknife};
    for (int c = 0; c < 3; ++c) {
      auto s = samples(x, u);
      sums[c] += discrete_mi_binary(s, cs[c]) / reps;
    }
  }
  MESSAGE("plug-in " << sums[0] << ", Miller-Madow " << sums[1] << ", jackknife " << sums[2]);
  CHECK(sums[0] > 0.07);
  CHECK(sums[1] < sums[0] / 2);
  CHECK(sums[2] < sums[0] / 2);
}

TEST_CASE("run validation names the field") {
  auto r = memoriser(1, 2, 3, 0.5, 1);
  auto bad_mask = r;
  bad_mask.mask[0] = 2;
  CHECK_THROWS_WITH_AS(validate(bad_mask), doctest::Contains("mask"), itbound::InvalidArgument);
  auto bad_loss = r;
  bad_loss.loss[1] = std::nan("");
  CHECK_THROWS_WITH_AS(validate(bad_loss), doctest::Contains("loss: contains NaN"), itbound::InvalidArgument);
  bad_loss.loss[1] = 1.5;
  CHECK_THROWS_WITH_AS(validate(bad_loss), doctest::Contains("outside the declared range"), itbound::InvalidArgument);
  auto bad_shape = r;
  bad_shape.loss.pop_back();
  CHECK_THROWS_WITH_AS(validate(bad_shape), doctest::Contains("loss: shape mismatch"), itbound::InvalidArgument);
}

TEST_CASE("intervals over runs (jackknife, bootstrap) cover the estimate and narrow with more runs") {
  const double p = 0.3;
  const auto small = memoriser(2, 20, 30, p, 3);
  const auto large = memoriser(2, 200, 30, p, 3);
  for (const auto method : {IntervalMethod::jackknife, IntervalMethod::bootstrap}) {
    CAPTURE(to_string(method));
    const auto intervals = [&](const SupersampleRuns& r, int replicates) {
      const auto stats = SupersampleStats::accumulate(view(r));
      return cmi_intervals(view(r), stats, stats.finalize(Correction::none),
                           {.method = method, .replicates = replicates, .seed = 1});
    };
    const auto bs = intervals(small, 200), bl = intervals(large, 50);
    const double est = mean(estimate_cmi(small, Correction::none).ecmi);
    CHECK(bs.ecmi.lo <= est);
    CHECK(est <= bs.ecmi.hi);
    CHECK(bl.ldmi.hi - bl.ldmi.lo < bs.ldmi.hi - bs.ldmi.lo);
    CHECK(bl.ldmi.lo < p * std::numbers::ln2);
    CHECK(p * std::numbers::ln2 < bl.ldmi.hi + 0.02);
  }
  const auto stats = SupersampleStats::accumulate(view(small));
  CHECK_THROWS_AS(cmi_intervals(view(small), stats, stats.finalize(Correction::none),
                                {.method = IntervalMethod::bootstrap, .replicates = 1}),
                  itbound::InvalidArgument);
}
