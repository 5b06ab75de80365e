// Data-dependent priors: Gaussian KL, prior grid and snapping, delta ledger, split integrity, kl bound.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "itbound/bounds/prior_choice.hpp"
#include "itbound/bounds/split.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/kl_divergence.hpp"
#include "itbound/solvers/prior.hpp"
#include "reference_table.hpp"

using namespace itbound;

namespace {

Eigen::ArrayXd parse_vector(const std::string& text) {
  std::vector<double> v;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ';')) v.push_back(std::stod(part));
  return Eigen::Map<Eigen::ArrayXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::vector<std::int64_t> range(std::int64_t lo, std::int64_t hi) {
  std::vector<std::int64_t> v;
  for (std::int64_t i = lo; i < hi; ++i) v.push_back(i);
  return v;
}

PriorChoiceOptions example_options() {
  PriorChoiceOptions o;
  o.posterior_mean = Eigen::ArrayXd::LinSpaced(20, -1.0, 1.0);
  o.posterior_std = Eigen::ArrayXd::Constant(1, 0.05);
  o.centre0 = Eigen::ArrayXd::Zero(20);
  o.centre1 = o.posterior_mean + 0.1 * Eigen::ArrayXd::LinSpaced(20, 1.0, -1.0).sin();
  o.empirical_risk = 0.05;
  o.bound_indices = range(100, 1100);
  o.prior_indices = range(0, 100);
  o.grid = {linear_grid(0.0, 1.0, 11), geometric_grid(1.0, 2.0, 12)};
  o.delta = 0.05;
  return o;
}

double detail(const Certificate& c, const std::string& name) {
  for (const auto& d : c.details)
    if (d.name == name) return std::get<double>(d.value);
  FAIL("no detail " << name);
  return 0.0;
}

}  // namespace

TEST_CASE("gaussian KL matches the mpmath reference and is never below it") {
  for (const auto& row : test::read_reference("gaussian-kl.csv")) {
    CAPTURE(row.at("name"));
    const double ref = test::number(row, "kl");
    const Eigen::ArrayXd mu_q = parse_vector(row.at("mu_q")), s_q = parse_vector(row.at("s_q"));
    const Eigen::ArrayXd std_q = s_q.size() == 1 ? Eigen::ArrayXd::Constant(mu_q.size(), s_q[0]) : s_q;
    const double got = kl_diag_gaussian(mu_q, std_q, parse_vector(row.at("mu_p")), test::number(row, "s_p"));
    CHECK(got >= ref * (1.0 - 1e-15));
    CHECK(got <= ref * (1.0 + 1e-12) + 1e-15);
  }
}

TEST_CASE("gaussian KL rejects bad input by field") {
  const Eigen::ArrayXd two = Eigen::ArrayXd::Ones(2);
  CHECK_THROWS_WITH_AS(kl_diag_gaussian(two, two, Eigen::ArrayXd::Ones(3), 1.0),
                       doctest::Contains("mean_p"), InvalidArgument);
  CHECK_THROWS_WITH_AS(kl_diag_gaussian(two, Eigen::ArrayXd::Zero(2), two, 1.0),
                       doctest::Contains("std_q"), InvalidArgument);
  CHECK_THROWS_WITH_AS(kl_diag_gaussian(two, two, two, std::nan("")), doctest::Contains("std_p"),
                       InvalidArgument);
}

TEST_CASE("PAC-Bayes-kl point bound matches the mpmath reference") {
  for (const auto& row : test::read_reference("pac-bayes-kl-point.csv")) {
    const double ref = test::number(row, "bound");
    const KlInverseResult r = pac_bayes_kl_inverse(test::number(row, "q"), test::number(row, "kl"),
                                                 static_cast<std::int64_t>(test::number(row, "n")), test::number(row, "delta"));
    CHECK(r.value >= ref);
    CHECK(r.value <= ref * (1.0 + 1e-9));
  }
}

TEST_CASE("grids: Dziugaite-Roy geometric scales and validation") {
  const auto g = geometric_grid(0.1, 100.0, 3);
  REQUIRE(g.size() == 3);
  CHECK(g[2] == 0.1);
  CHECK(g[0] == doctest::Approx(0.1 * std::exp(-0.02)).epsilon(1e-15));
  CHECK(linear_grid(0.0, 1.0, 5)[1] == 0.25);
  CHECK_THROWS_WITH_AS(validate(PriorGrid{{0.0, 0.0}, {1.0}}), doctest::Contains("grid.mix"), InvalidArgument);
  CHECK_THROWS_WITH_AS(validate(PriorGrid{{0.0}, {-1.0}}), doctest::Contains("grid.scale"), InvalidArgument);
}

TEST_CASE("uniform ledger: charges never exceed delta and the ledger sums to delta") {
  for (const std::size_t k : {1UL, 3UL, 7UL, 110UL, 1000003UL}) {
    const double c = uniform_grid_charge(0.05, k);
    CHECK(c * static_cast<double>(k) <= 0.05);
    CHECK(c * static_cast<double>(k) == doctest::Approx(0.05).epsilon(1e-12));
  }
  // A delta whose share underflows names delta and the real problem (was "must be in (0, 1), got -4.94e-324").
  CHECK_THROWS_WITH_AS(uniform_grid_charge(5e-324, 10), doctest::Contains("delta: is too small for 10 grid points"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(uniform_grid_charge(1e-310, 10), doctest::Contains("underflows"), InvalidArgument);
  const Certificate cert = data_dependent_prior_bound(example_options());
  CHECK(cert.delta_spent() <= 0.05);
  CHECK(cert.delta_spent() == doctest::Approx(0.05).epsilon(1e-12));
  CHECK(cert.delta_ledger.size() == 2);
}

TEST_CASE("snapping: the certificate is the bound recomputed at the chosen grid point, the grid minimum") {
  const PriorChoiceOptions o = example_options();
  const Certificate cert = data_dependent_prior_bound(o);
  const double t = detail(cert, "prior_mix"), s = detail(cert, "prior_scale");
  // t and s are grid points.
  CHECK(std::find(o.grid.mix.begin(), o.grid.mix.end(), t) != o.grid.mix.end());
  CHECK(std::find(o.grid.scale.begin(), o.grid.scale.end(), s) != o.grid.scale.end());
  // Recompute independently of the chooser, and scan the whole grid: the snapped point is the minimum.
  const double charge = 0.05 / static_cast<double>(o.grid.size());
  const auto bound = [&](double tt, double ss) {
    const Eigen::ArrayXd std_q = o.posterior_std.size() == 1 ? Eigen::ArrayXd::Constant(o.posterior_mean.size(), o.posterior_std[0])
                                                             : Eigen::ArrayXd(o.posterior_std);
    const double kl = kl_diag_gaussian(o.posterior_mean, std_q, (1 - tt) * o.centre0 + tt * o.centre1, ss);
    return pac_bayes_kl_inverse(o.empirical_risk, kl, 1000, charge).value;
  };
  CHECK(cert.value == doctest::Approx(bound(t, s)).epsilon(1e-12));
  double grid_min = 1.0;
  for (const double tt : o.grid.mix)
    for (const double ss : o.grid.scale) grid_min = std::min(grid_min, bound(tt, ss));
  CHECK(cert.value == doctest::Approx(grid_min).epsilon(1e-12));
  // The relaxed optimum is not below the grid optimum by more than the relaxation allows, and the
  // certificate is never the relaxed value when that point is off the grid.
  CHECK(detail(cert, "relaxed_value") <= cert.value + 1e-12);
  CHECK(cert.value >= o.empirical_risk);
  CHECK(cert.valid());
}

TEST_CASE("NLopt's relaxed optimum matches the closed-form KL minimiser") {
  // For fixed t the best isotropic prior variance is (d s_q^2 + ||mu_q - mu_p||^2) / d; with mu_p = mu_q at
  // t = 1 (centre1 = posterior mean) the optimum is t = 1, s = s_q.
  PriorChoiceOptions o = example_options();
  o.centre1 = o.posterior_mean;
  o.grid = {linear_grid(0.0, 1.0, 11), geometric_grid(1.0, 2.0, 12)};
  const Certificate cert = data_dependent_prior_bound(o);
  CHECK(detail(cert, "relaxed_mix") == doctest::Approx(1.0).epsilon(1e-4));
  CHECK(detail(cert, "relaxed_scale") == doctest::Approx(0.05).epsilon(1e-3));
  CHECK(detail(cert, "prior_mix") == 1.0);
  // Interior optimum: mu_q is the midpoint of c0 = 0 and c1 = 2 mu_q, so t = 1/2, s = s_q.
  o.centre1 = 2.0 * o.posterior_mean;
  const Certificate mid = data_dependent_prior_bound(o);
  CHECK(detail(mid, "relaxed_mix") == doctest::Approx(0.5).epsilon(1e-4));
  CHECK(detail(mid, "prior_mix") == 0.5);
  CHECK(detail(mid, "relaxed_scale") == doctest::Approx(0.05).epsilon(1e-3));
}

TEST_CASE("split integrity: n from the bound indices, disjointness, hash") {
  const SplitRecord r = check_split(range(10, 50), range(0, 10));
  CHECK(r.bound_size == 40);
  CHECK(r.prior_size == 10);
  CHECK(r.disjoint_checked);
  CHECK(r.hash.rfind("fnv1a64:", 0) == 0);
  CHECK(r.hash.size() == 8 + 16);
  // Order-free, but sensitive to which example is where.
  std::vector<std::int64_t> shuffled = range(10, 50);
  std::reverse(shuffled.begin(), shuffled.end());
  CHECK(check_split(shuffled, range(0, 10)).hash == r.hash);
  CHECK(check_split(range(9, 50), range(0, 9)).hash != r.hash);
  // FNV-1a 64 of no bytes is the offset basis (the CLI end-to-end test checks the hash against Python).
  CHECK(fnv1a64({}) == 14695981039346656037ULL);
  CHECK_THROWS_WITH_AS(check_split(range(5, 50), range(0, 10)), doctest::Contains("prior_indices"), InvalidArgument);
  CHECK_THROWS_WITH_AS(check_split({1, 2, 2}, {}), doctest::Contains("bound_indices"), InvalidArgument);
  CHECK_THROWS_WITH_AS(check_split({}, {}), doctest::Contains("bound_indices"), InvalidArgument);
  PriorChoiceOptions o = example_options();
  o.prior_indices = {3, 100};
  CHECK_THROWS_WITH_AS(data_dependent_prior_bound(o), doctest::Contains("prior_indices"), InvalidArgument);
  o.prior_indices.clear();
  const Certificate unchecked = data_dependent_prior_bound(o);
  CHECK(unchecked.valid());
  CHECK(unchecked.assumptions[0].holds == Holds::unchecked);
}

TEST_CASE("prior bound is monotone in n, delta and the empirical risk") {
  PriorChoiceOptions o = example_options();
  const double base = data_dependent_prior_bound(o).value;
  o.bound_indices = range(100, 2100);
  CHECK(data_dependent_prior_bound(o).value < base);
  o = example_options();
  o.delta = 0.01;
  CHECK(data_dependent_prior_bound(o).value > base);
  o = example_options();
  o.empirical_risk = 0.1;
  CHECK(data_dependent_prior_bound(o).value > base);
}
