// Leave-one-out CMI bounds against hand-computed values (mpmath, 30 digits, in the comments), their
// assumptions on the data, and the invariants the derivations in bounds/LOO-CMI.md promise.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include "itbound/bounds/loo_cmi_bounds.hpp"
#include "synthetic_runs.hpp"

using namespace itbound;
using estimators::Correction;
using itbound::testing::hard_points;
using itbound::testing::loo_interpolator;

namespace {
std::map<std::string, Certificate> bounds_of(const estimators::LooRuns& r, Correction c = Correction::none) {
  const auto e = estimators::estimate_loo_cmi(r, c);
  std::map<std::string, Certificate> out;
  for (auto& cert : loo_cmi_bounds({&r, &e, c})) out[cert.name] = cert;
  return out;
}
}  // namespace

TEST_CASE("interpolating learner, exact design: the three bounds by hand") {
  // Supersamples with r = 0, 0.3, 1 on n + 1 = 10 points: I = 0, 0.940447988655326370444244534274, ln 10;
  // mean I = 1.08101102721645735148741199632.
  // upper  = mean I / ln 10        = 0.469477123996673406167149539662
  // lower  = mean I / (ln 10 + 1)  = 0.327322687160934973127987874289
  // sqrt   = 0 + mean (10/9) sqrt(I/2) = 0.651374747547660698462902588821
  const auto r = loo_interpolator({hard_points({}), hard_points({2, 5, 7}), hard_points({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})}, 2, 1);
  auto b = bounds_of(r);
  REQUIRE(b.size() == 3);
  CHECK(b["loo-interpolating-upper"].value == doctest::Approx(0.469477123996673406167149539662).epsilon(1e-14));
  CHECK(b["loo-interpolating-lower"].value == doctest::Approx(0.327322687160934973127987874289).epsilon(1e-14));
  CHECK(b["loo-ecmi-sqrt"].value == doctest::Approx(0.651374747547660698462902588821).epsilon(1e-14));
  for (auto& [name, c] : b) {
    CHECK_MESSAGE(c.applicable(), name << ": " << c.reason());
    CHECK(c.delta_spent() == 0.0);
    CHECK(c.reference.where.find("unchecked") != std::string::npos);
  }
  // Risk (= loo error 1.3/3 here, exactly, for a deterministic learner in an exhaustive design) is bracketed.
  CHECK(b["loo-interpolating-lower"].value <= 1.3 / 3);
  CHECK(1.3 / 3 <= b["loo-interpolating-upper"].value);
  CHECK(b["loo-interpolating-lower"].direction == itbound::Direction::lower);
  CHECK(b["loo-interpolating-upper"].direction == itbound::Direction::upper);
}

TEST_CASE("non-interpolating deterministic learner: the square-root bound by hand") {
  // n + 1 = 4; loss vectors for U = 0..3: (1,0,1,0), (0,0,1,0), (0,0,1,0), (0,1,1,1), each index left out twice.
  // Symbols A, B, B, C: I = H(L) = (3/2) ln 2 = 1.03972077083991796412584818219;
  // train error = (1/3 + 1/3 + 0 + 2/3)/4 = 1/3, loo error = 3/4;
  // raw bound = 1/3 + (4/3) sqrt(I/2) = 1.2946845910672553447085165198, reported capped at 1.
  estimators::LooRuns r;
  r.k1 = 1, r.k2 = 8, r.n = 3;
  const double rows[4][4] = {{1, 0, 1, 0}, {0, 0, 1, 0}, {0, 0, 1, 0}, {0, 1, 1, 1}};
  for (int j = 0; j < 8; ++j) {
    r.left_out.push_back(j % 4);
    for (double l : rows[j % 4]) r.loss.push_back(l);
  }
  auto b = bounds_of(r);
  CHECK(b["loo-ecmi-sqrt"].raw_value == doctest::Approx(1.2946845910672553447085165198).epsilon(1e-14));
  CHECK(b["loo-ecmi-sqrt"].value == 1.0);
  CHECK(b["loo-ecmi-sqrt"].applicable());
  CHECK_FALSE(b["loo-interpolating-upper"].applicable());
  CHECK(b["loo-interpolating-upper"].reason().find("interpolating") == 0);
  // On [0, 2] (the same numbers read as losses in a wider range) the gap term doubles: (b - a) scales it.
  r.loss_max = 2.0;
  auto wide = bounds_of(r);
  CHECK(wide["loo-ecmi-sqrt"].raw_value == doctest::Approx(1.0 / 3 + 2 * (1.2946845910672553447085165198 - 1.0 / 3)).epsilon(1e-14));
  CHECK_FALSE(wide["loo-interpolating-lower"].applicable());
  CHECK(wide["loo-interpolating-lower"].reason().find("zero_one_loss") == 0);
}

TEST_CASE("assumptions follow the design: random leave-outs invalidate, randomized learners are estimates") {
  auto r = loo_interpolator({hard_points({1, 4})}, 1, 1);
  r.left_out[0] = r.left_out[1];  // index 0 now left out twice, index 1 never
  for (auto& [name, c] : bounds_of(r)) {
    CHECK_FALSE(c.applicable());
    CHECK(c.reason().find("exhaustive_design") == 0);
  }
  const auto randomized = loo_interpolator({std::vector<double>(5, 0.3)}, 400, 2);
  for (auto& [name, c] : bounds_of(randomized)) {
    CHECK(c.applicable());
    bool unchecked = false;
    for (const auto& a : c.assumptions) unchecked = unchecked || (a.name == "exact_information" && a.holds == Holds::unchecked);
    CHECK(unchecked);
  }
  // Erasure channel: I = p ln(n + 1), so the upper bound I/ln(n + 1) estimates the risk p itself.
  CHECK(bounds_of(randomized)["loo-interpolating-upper"].value == doctest::Approx(0.3).epsilon(0.1));
  // A bias correction makes the exact value an estimate.
  const auto exact = loo_interpolator({hard_points({1, 4})}, 2, 1);
  for (auto& [name, c] : bounds_of(exact, Correction::miller_madow))
    for (const auto& a : c.assumptions)
      if (a.name == "exact_information") CHECK(a.holds == Holds::unchecked);
}

TEST_CASE("invariants: bounds bracket the loo error of exact designs; monotone in the information") {
  // Every r = k/10: per supersample r ln 10 <= I <= r (ln 10 + 1), so upper >= r >= lower, and the
  // square-root bound >= r (train error 0).
  for (int k = 0; k <= 10; ++k) {
    std::vector<double> err(10, 0.0);
    for (int i = 0; i < k; ++i) err[static_cast<std::size_t>(i)] = 1.0;
    auto b = bounds_of(loo_interpolator({err}, 2, 1));
    const double rate = k / 10.0;
    CHECK(b["loo-interpolating-upper"].value >= rate);
    CHECK(b["loo-interpolating-lower"].value <= rate);
    CHECK(b["loo-ecmi-sqrt"].value >= rate);
  }
  double previous = -1;
  for (int k = 0; k <= 5; ++k) {  // I increases with r for r <= 1/2
    std::vector<double> err(10, 0.0);
    for (int i = 0; i < k; ++i) err[static_cast<std::size_t>(i)] = 1.0;
    const double v = bounds_of(loo_interpolator({err}, 1, 1))["loo-interpolating-upper"].value;
    CHECK(v > previous);
    previous = v;
  }
}
