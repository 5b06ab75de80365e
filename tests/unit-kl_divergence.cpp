#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "itbound/error.hpp"
#include "itbound/estimators/kl_divergence.hpp"
#include "reference_table.hpp"

using namespace itbound;

namespace {
constexpr double kPi2 = std::numbers::pi * std::numbers::pi;
Eigen::ArrayXd arr(std::initializer_list<double> v) {
  Eigen::ArrayXd a(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) a[i++] = x;
  return a;
}

// Values from data/reference/kl_divergence.py (mpmath, 50 digits): sound (not below) and tight.
void check_ref(double value, double ref) {
  CHECK(value >= ref * (1 - 1e-16));
  CHECK(value == doctest::Approx(ref).epsilon(1e-13));
}

template <class F>
void expect_field(F f, const std::string& field) {
  try {
    f();
    FAIL("no throw for " << field);
  } catch (const InvalidArgument& e) {
    CHECK(e.field() == field);
  }
}
}  // namespace

TEST_CASE("kl terms: closed forms against mpmath") {
  const auto mq = arr({0.1, -0.3, 2.0, 0.0}), sq = arr({0.05, 0.2, 1.0, 0.3});
  const auto mp = arr({0, 0, 1.5, 0}), sp = arr({0.1, 0.1, 0.5, 0.3});
  check_ref(kl_diag_gaussian(mq, sq, mp, sp), 7.431852819440053857915499);
  check_ref(kl_diag_gaussian(mq, sq, Eigen::ArrayXd::Zero(4), 0.1), 256.2238026183378153517063);
  check_ref(kl_diag_gaussian(mq, std_from_log_var((sq * sq).log()), mp, sp), 7.431852819440053857915499);

  Eigen::MatrixXd Sq(3, 3), Sp(3, 3);
  Sq << 1.0, 0.3, 0.1, 0.3, 0.5, -0.2, 0.1, -0.2, 0.8;
  Sp << 2.0, 0.5, 0.0, 0.5, 1.0, 0.2, 0.0, 0.2, 1.5;
  const double full = kl_gaussian(arr({0.2, -0.1, 0.4}), Sq, arr({0.0, 0.3, 0.1}), Sp);
  CHECK(full >= 0.6049326699660170967912554);
  CHECK(full == doctest::Approx(0.6049326699660170967912554).epsilon(1e-12));
  // Diagonal covariances agree with the diagonal formula.
  Eigen::MatrixXd Dq = (sq * sq).matrix().asDiagonal(), Dp = (sp * sp).matrix().asDiagonal();
  CHECK(kl_gaussian(mq, Dq, mp, Dp) == doctest::Approx(7.431852819440053857915499).epsilon(1e-12));

  check_ref(kl_bernoulli(arr({0.9, 0.1, 0.5, 0, 1}), arr({0.5, 0.5, 0.25, 0.3, 0.7})), 1.593319338440349445538378);
  check_ref(kl_categorical(arr({0.7, 0.2, 0.1, 0}), arr({0.25, 0.25, 0.25, 0.25})), 0.5844758085765532292299768);
  check_ref(kl_compression(1000), 693.1471805599453094172321);
  // Identical distributions: zero up to the outward padding.
  CHECK(kl_diag_gaussian(mq, sq, mq, sq) >= 0.0);
  CHECK(kl_diag_gaussian(mq, sq, mq, sq) < 1e-300);
  CHECK(std::isinf(kl_bernoulli(arr({0.5}), arr({0.0}))));
}

TEST_CASE("kl terms: bad input names the field") {
  const auto a = arr({0.1, 0.2}), s = arr({0.1, 0.2});
  expect_field([&] { kl_diag_gaussian(a, s, arr({0.1}), s); }, "mean_p");
  expect_field([&] { kl_diag_gaussian(a, arr({0.1, 0.0}), a, s); }, "std_q");
  expect_field([&] { kl_diag_gaussian(arr({NAN, 0}), s, a, s); }, "mean_q");
  expect_field([&] { kl_diag_gaussian(a, s, a, -1.0); }, "std_p");
  Eigen::MatrixXd notpd(2, 2);
  notpd << 1, 2, 2, 1;
  expect_field([&] { kl_gaussian(a, notpd, a, Eigen::MatrixXd::Identity(2, 2)); }, "cov_q");
  expect_field([&] { kl_bernoulli(arr({1.2}), arr({0.5})); }, "prob_q");
  expect_field([&] { kl_categorical(arr({0.5, 0.4}), arr({0.5, 0.5})); }, "prob_q");
  expect_field([&] { kl_compression(-1); }, "code_length_bits");
}

TEST_CASE("Dziugaite-Roy prior variance grid") {
  const double delta = 0.05;
  // lambda = 0.1 exp(-j/100): j = 250.
  const double v = 0.1 * std::exp(-250.0 / 100.0);
  const auto g = prior_variance_grid_point(v, delta);
  CHECK(g.j == 250);
  CHECK(g.variance == doctest::Approx(v).epsilon(1e-15));
  // 2 ln 250 + ln(pi^2/6) and 6 delta / (pi^2 250^2).
  CHECK(g.charge_nats == doctest::Approx(2 * std::log(250.0) + std::log(kPi2 / 6)).epsilon(1e-15));
  CHECK(g.charge_nats >= 2 * std::log(250.0) + std::log(kPi2 / 6));
  CHECK(g.delta_j <= 6 * delta / (kPi2 * 250.0 * 250.0));
  CHECK(g.delta_j == doctest::Approx(std::exp(std::log(delta) - g.charge_nats)).epsilon(1e-14));
  // Off the grid: an error unless snapping was asked for; j <= 0 never gives NaN.
  expect_field([&] { prior_variance_grid_point(0.0123, delta); }, "prior_variance");
  expect_field([&] { prior_variance_grid_point(0.5, delta); }, "prior_variance");
  expect_field([&] { prior_variance_grid_point(0.1, delta); }, "prior_variance");  // j = 0
  PriorVarianceGrid snap;
  snap.snap = true;
  CHECK(prior_variance_grid_point(0.5, delta, snap).j == 1);
  CHECK(prior_variance_grid_point(0.1 * std::exp(-3.4), delta, snap).j == 340);
}

namespace {
Eigen::ArrayXd semicolon_vector(const std::string& text) {
  std::vector<double> v;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    v.push_back(std::strtod(text.substr(start, end - start).c_str(), nullptr));
    start = end + 1;
  }
  return Eigen::Map<Eigen::ArrayXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}
}  // namespace

TEST_CASE("kl terms: sound where the textbook formulas cancel (data/reference/kl_conditioning.py, 60 digits)") {
  int gaussians = 0, refused = 0;
  for (const auto& row : test::read_reference("kl-conditioning.csv")) {
    const std::string kind = row.at("kind");
    const double ref = test::number(row, "kl");
    const Eigen::ArrayXd q = semicolon_vector(row.at("cov_q")), p = semicolon_vector(row.at("cov_p"));
    INFO(kind, " d=", row.at("d"), " kappa_p=", row.at("kappa_p"), " kappa_q=", row.at("kappa_q"), " exact=", ref);
    if (kind == "categorical") {
      // p within 1e-9 of q: ln(q/p) carries an absolute error of eps that a relative pad missed (1e-16 nats low).
      const double got = kl_categorical(q, p);
      CHECK(got >= ref);
      CHECK(got <= std::max(ref, 0.0) + 1e-17);  // the sums differ from 1 by roundings: the literal sum can be < 0
    } else if (kind == "diag_gaussian") {
      // Prior std 1e-160 against 1: the exact KL exceeds DBL_MAX; was NaN (inf - inf).
      const double got = kl_diag_gaussian(Eigen::ArrayXd::Zero(1), q, Eigen::ArrayXd::Zero(1), p);
      CHECK(got == std::numeric_limits<double>::infinity());
    } else {
      const Eigen::Index d = std::stoi(row.at("d"));
      const Eigen::MatrixXd cq = Eigen::Map<const Eigen::MatrixXd>(q.data(), d, d);
      const Eigen::MatrixXd cp = Eigen::Map<const Eigen::MatrixXd>(p.data(), d, d);
      const Eigen::ArrayXd mq = semicolon_vector(row.at("mean_q")), mp = semicolon_vector(row.at("mean_p"));
      ++gaussians;
      try {
        const double got = kl_gaussian(mq, cq, mp, cp);
        CHECK(got >= ref);  // was up to 0.92 nats below at condition numbers ~5e8
        CHECK(got <= ref * (1 + 2.5e-3) + 1e-9);  // the pad is at most about 2e-3 relative, else the pair is refused
      } catch (const InvalidArgument& e) {
        // Refused only where the conditioning makes a certified value impossible in long double.
        ++refused;
        CHECK(std::string(e.what()).find("ill-conditioned") != std::string::npos);
        CHECK(std::max(test::number(row, "kappa_p"), test::number(row, "kappa_q")) > 1e6);
      }
    }
  }
  MESSAGE(refused, " of ", gaussians, " ill-conditioned Gaussian pairs refused");
  CHECK(gaussians >= 100);
  CHECK(refused * 4 < gaussians);
}
