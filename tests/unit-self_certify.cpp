// Self-certified linear classifier: closed-form Gibbs risk against Monte Carlo, certificate invariants, and an
// end-to-end run on the committed digits example.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "itbound/bounds/prior_choice.hpp"
#include "itbound/bounds/self_certify.hpp"
#include "itbound/data/csv_matrix.hpp"
#include "itbound/error.hpp"
#include "itbound/solvers/prior.hpp"

using namespace itbound;

namespace {

const std::string example_dir = std::string(ITBOUND_DATA_DIR) + "/examples/priors/";

// The committed digits 4 vs 9 training split as learner options (label column first).
SelfCertifyOptions digits_options() {
  const Eigen::MatrixXd train = data::read_csv_matrix(example_dir + "digits-4v9-train.csv", "train");
  SelfCertifyOptions o;
  o.x = train.rightCols(train.cols() - 1);
  o.y = train.col(0);
  return o;
}

}  // namespace

TEST_CASE("linear Gibbs risk: closed form agrees with Monte Carlo over the posterior") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  const Eigen::Index m = 60, d = 5;
  Eigen::MatrixXd x(m, d);
  Eigen::VectorXd y(m), w(d);
  for (Eigen::Index i = 0; i < m; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) x(i, j) = normal(rng);
    y[i] = normal(rng) > 0 ? 1.0 : -1.0;
  }
  for (Eigen::Index j = 0; j < d; ++j) w[j] = 0.3 * normal(rng);
  x.row(3).setZero();  // a zero row is an error for every classifier
  const double sigma = 0.4;
  const double closed = linear_gibbs_risk(x, y, w, sigma);
  const int draws = 40000;
  double errors = 0.0;
  for (int s = 0; s < draws; ++s) {
    Eigen::VectorXd v = w;
    for (Eigen::Index j = 0; j < d; ++j) v[j] += sigma * normal(rng);
    errors += static_cast<double>(((y.array() * (x * v).array()) <= 0.0).count());
  }
  const double mc = errors / (draws * static_cast<double>(m));
  // Standard error of the MC mean is below sqrt(0.25 / draws) = 0.0025; allow 4 of them.
  CHECK(std::abs(closed - mc) < 0.01);
  CHECK_THROWS_WITH_AS(linear_gibbs_risk(x, Eigen::VectorXd::Zero(m), w, sigma), doctest::Contains("y"), InvalidArgument);
  CHECK_THROWS_WITH_AS(linear_gibbs_risk(x, y, w, 0.0), doctest::Contains("sigma"), InvalidArgument);
}

TEST_CASE("self-certification end to end on the committed digits 4 vs 9 example") {
  SelfCertifyOptions o = digits_options();
  o.alphas = {0.0, 0.2, 0.5};
  o.prior_scales = geometric_grid(1.0, 1.0, 6);
  const SelfCertifyResult r = self_certify_linear(o);
  const Certificate& c = r.certificate;
  CHECK(c.valid());
  CHECK(c.value < 0.2);  // nonvacuous, far below the trivial 1
  CHECK(c.delta_spent() <= o.delta);
  CHECK(c.delta_spent() == doctest::Approx(o.delta).epsilon(1e-12));
  // Never below the empirical Gibbs risk on the bound set.
  double q = -1.0, kl = -1.0;
  for (const auto& d : c.details) {
    if (d.name == "empirical_gibbs_risk") q = std::get<double>(d.value);
    if (d.name == "kl") kl = std::get<double>(d.value);
  }
  CHECK(c.value >= q);
  CHECK(kl >= 0.0);
  // The chosen alpha and scale are grid points.
  CHECK(std::find(o.alphas.begin(), o.alphas.end(), r.alpha) != o.alphas.end());
  CHECK(std::find(o.prior_scales.begin(), o.prior_scales.end(), r.prior_scale) != o.prior_scales.end());
  // The held-out comparison on the committed test split.
  const Eigen::MatrixXd test = data::read_csv_matrix(example_dir + "digits-4v9-test.csv", "test");
  const HeldOutEvaluation e = evaluate_held_out(test.rightCols(test.cols() - 1), test.col(0), r.mean, r.sigma, 0.05);
  CHECK(e.trials == test.rows());
  CHECK(e.gibbs_risk <= e.gibbs_kl_bound);
  CHECK(e.mean_test_set.value >= static_cast<double>(e.mean_errors) / static_cast<double>(e.trials));
}

TEST_CASE("self-certification: a larger grid costs confidence, bad input names the field") {
  SelfCertifyOptions o = digits_options();
  o.alphas = {0.5};
  o.prior_scales = {0.1};
  const double one = self_certify_linear(o).certificate.value;
  o.prior_scales = {0.1, 0.1 + 1e-9};  // the same choice, but a two-point grid is charged delta / 2
  CHECK(self_certify_linear(o).certificate.value > one);
  o.alphas = {1.0};
  CHECK_THROWS_WITH_AS(self_certify_linear(o), doctest::Contains("alphas"), InvalidArgument);
  o.alphas = {0.5};
  o.prior_scales = {};
  CHECK_THROWS_WITH_AS(self_certify_linear(o), doctest::Contains("prior_scales"), InvalidArgument);
}

TEST_CASE("self-certification: the posterior search improves on posterior = prior") {
  SelfCertifyOptions o = digits_options();
  o.alphas = {0.2};
  o.prior_scales = {std::exp(-3.0)};
  const SelfCertifyResult r = self_certify_linear(o);
  // The bound at Q = P (KL = 0), computed here from the learner's prior centre on the same bound set.
  const Eigen::Index k = static_cast<Eigen::Index>(std::floor(0.2 * static_cast<double>(o.x.rows())));
  const Eigen::Index n = o.x.rows() - k;
  const double q0 = linear_gibbs_risk(o.x.bottomRows(n), o.y.tail(n), r.prior_centre, o.prior_scales[0]);
  const double at_prior = pac_bayes_kl_inverse(q0, 0.0, n, o.delta).value;
  CHECK(r.certificate.value < at_prior);
  CHECK(r.alpha == 0.2);
}

TEST_CASE("one-vs-rest: the certificate is the sum of the class certificates, each at delta / K") {
  SelfCertifyOptions o = digits_options();
  o.y = (o.y.array() > 0.0).select(Eigen::VectorXd::Ones(o.y.size()), 0.0);  // classes 0 and 1
  o.alphas = {0.2};
  o.prior_scales = {std::exp(-3.0)};
  const OneVsRestResult r = self_certify_one_vs_rest(o);
  REQUIRE(r.classes.size() == 2);
  const double sum = r.classes[0].certificate.raw_value + r.classes[1].certificate.raw_value;
  CHECK(r.certificate.raw_value >= sum);
  CHECK(r.certificate.raw_value == doctest::Approx(sum).epsilon(1e-14));
  CHECK(r.classes[0].certificate.delta_spent() <= 0.025);
  CHECK(r.certificate.delta_spent() <= o.delta);
  CHECK(r.certificate.delta_spent() == doctest::Approx(o.delta).epsilon(1e-12));
  CHECK(r.certificate.value < 0.3);
  o.y[0] = 0.5;
  CHECK_THROWS_WITH_AS(self_certify_one_vs_rest(o), doctest::Contains("y"), InvalidArgument);
}

TEST_CASE("certified Gibbs risk: never below the exact risk where the margins' rounding is large against sigma") {
  // Rows (a, -(a - 1)) with a ~ 5e13 and w = (c, c): the exact margin c / ||x|| is a couple of rounding bounds
  // (4 (d + 2) eps ||w||) above 0, so the computed u.w carries a relative error of a few percent, and with sigma a
  // thirtieth of the margin Phi(-z) moves by factors e^(z dz). Taking that error as "(d + 2) eps relative" gave
  // values below the exact risk. The exact margins here: integers in long double, c (a - b) / sqrt(a^2 + b^2).
  const double c = 1024.0;
  const Eigen::VectorXd w = Eigen::VectorXd::Constant(2, c);
  int rows_checked = 0;
  for (int t = 0; t < 40; ++t) {
    const double a = 3.0e13 + 1.0e12 * t, b = a - 1.0;
    Eigen::MatrixXd x(1, 2);
    x << a, -b;
    const Eigen::VectorXd y = Eigen::VectorXd::Ones(1);
    const long double la = a, lb = b;
    const long double margin = static_cast<long double>(c) * (la - lb) / std::sqrt(la * la + lb * lb);
    const double sigma = static_cast<double>(margin / 30.0L);
    const long double exact = 0.5L * std::erfc(static_cast<long double>(margin / sigma) / std::sqrt(2.0L));
    const double certified = linear_gibbs_risk(x, y, w, sigma, true);
    INFO("a=", a, " exact=", static_cast<double>(exact), " certified=", certified);
    CHECK(static_cast<long double>(certified) >= exact);
    ++rows_checked;
  }
  CHECK(rows_checked == 40);
}
