// kl-dp-prior (pac-bayes --dp-epsilon; Dziugaite & Roy 2018, derived in bounds/REFERENCES.md) and dp-gibbs-prior against
// the 50-digit table data/reference/pac_bayes_dp.csv (pac_bayes_dp.py); invariants, what the other bounds say about a
// private prior, bad input, and Monte Carlo coverage with an exactly sampled Gibbs prior.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "itbound/bounds/dp_prior.hpp"
#include "itbound/bounds/pac_bayes.hpp"
#include "itbound/error.hpp"
#include "reference_table.hpp"

using namespace itbound;

namespace {

PacBayesOptions dp_options(double r, double kl, std::int64_t n, double delta, double eps) {
  PacBayesOptions o;
  o.emp_risk = r;
  o.kl = kl;
  o.n = n;
  o.delta = delta;
  o.dp_epsilon = eps;
  return o;
}

std::map<std::string, Certificate> by_name(const PacBayesReport& r) {
  std::map<std::string, Certificate> m;
  for (const auto& c : r.bounds) m[c.name] = c;
  return m;
}

double detail(const Certificate& c, const std::string& name) {
  for (const auto& d : c.details)
    if (d.name == name) return std::get<double>(d.value);
  FAIL("missing detail " << name);
  return 0;
}

Holds holds(const Certificate& c, const std::string& name) {
  for (const auto& a : c.assumptions)
    if (a.name == name) return a.holds;
  FAIL("missing assumption " << name);
  return Holds::unchecked;
}

}  // namespace

TEST_CASE("kl-dp-prior and the Gibbs prior's epsilon against the 50-digit table") {
  const auto rows = test::read_reference("pac_bayes_dp.csv");
  REQUIRE(rows.size() == 13);
  for (const auto& row : rows) {
    INFO("row: kind " << row.at("kind") << " n " << row.at("n") << " eps/tau " << row.at("eps_or_tau"));
    const double ref = test::number(row, "value"), free_ref = test::number(row, "free_epsilon");
    const auto n = static_cast<std::int64_t>(test::number(row, "n"));
    const double delta = test::number(row, "delta"), x = test::number(row, "eps_or_tau");
    if (row.at("kind") == "kl-dp-prior") {
      const auto m = by_name(pac_bayes_bounds(
          dp_options(test::number(row, "emp_risk"), test::number(row, "kl"), n, delta, x)));
      const Certificate& c = m.at("kl-dp-prior");
      CHECK(c.raw_value >= std::nextafter(ref, 0.0));  // sound: not below the exact value
      CHECK(c.raw_value <= ref * (1 + 1e-12));         // n <= 4096: ln xi(n) is summed exactly
      CHECK(detail(c, "free_epsilon") <= free_ref);
      CHECK(detail(c, "free_epsilon") >= free_ref * (1 - 1e-14));
    } else {
      const auto p = gibbs_prior_privacy({x, n, test::number(row, "loss_range"), delta});
      CHECK(p.epsilon >= ref * (1 - 1e-16));
      CHECK(p.epsilon <= ref * (1 + 1e-15));
      CHECK(p.free_epsilon <= free_ref);
      CHECK(p.free_epsilon >= free_ref * (1 - 1e-14));
      CHECK(p.free_tau * 2 * test::number(row, "loss_range") / static_cast<double>(n) <= free_ref);
    }
  }
}

TEST_CASE("kl-dp-prior: invariants") {
  for (double r : {0.0, 0.05, 0.3}) {
    double previous = 0;
    for (double eps : {0.0, 0.01, 0.1, 0.2, 0.5, 2.0}) {
      INFO("r " << r << " eps " << eps);
      const auto m = by_name(pac_bayes_bounds(dp_options(r, 10.0, 500, 0.05, eps)));
      const Certificate& c = m.at("kl-dp-prior");
      CHECK(c.raw_value >= r);
      CHECK(c.raw_value >= previous);  // more privacy loss, larger bound
      previous = c.raw_value;
      // 2 max{ln(3/delta), n eps^2} >= ln(1/delta): never below the fixed-prior kl bound at the same inputs.
      CHECK(c.raw_value >= m.at("kl").raw_value);
      CHECK(c.raw_value <= by_name(pac_bayes_bounds(dp_options(r, 20.0, 500, 0.05, eps))).at("kl-dp-prior").raw_value);
      CHECK(c.raw_value <= by_name(pac_bayes_bounds(dp_options(r, 10.0, 500, 0.01, eps))).at("kl-dp-prior").raw_value);
      CHECK(c.delta_spent() == doctest::Approx(0.05));
    }
  }
  // Below free_epsilon the privacy costs nothing more: the same value.
  const double free = std::sqrt(std::log(3 / 0.05) / 500);
  CHECK(by_name(pac_bayes_bounds(dp_options(0.1, 5, 500, 0.05, 0.0))).at("kl-dp-prior").raw_value ==
        by_name(pac_bayes_bounds(dp_options(0.1, 5, 500, 0.05, 0.99 * free))).at("kl-dp-prior").raw_value);
  // Tuned choices are charged as for every other bound: delta / K.
  PacBayesOptions tuned = dp_options(0.1, 5, 500, 0.05, 0.1);
  tuned.split_candidates = 4;
  const auto t = by_name(pac_bayes_bounds(tuned));
  CHECK(t.at("kl-dp-prior").raw_value > by_name(pac_bayes_bounds(dp_options(0.1, 5, 500, 0.05, 0.1))).at("kl-dp-prior").raw_value);
  CHECK(t.at("kl-dp-prior").raw_value ==
        doctest::Approx(by_name(pac_bayes_bounds(dp_options(0.1, 5, 500, 0.05 / 4, 0.1))).at("kl-dp-prior").raw_value)
            .epsilon(1e-13));
  CHECK(t.at("kl-dp-prior").delta_spent() == doctest::Approx(0.05));
}

TEST_CASE("a private prior: the fixed-prior bounds do not apply, kl-dp-prior is the certificate") {
  const PacBayesReport r = pac_bayes_bounds(dp_options(0.05, 5, 253, 0.05, 0.12));
  REQUIRE(r.best);
  CHECK(r.best->name == "kl-dp-prior");
  for (const auto& c : r.bounds) {
    INFO(c.name);
    if (c.name == "kl-dp-prior") {
      CHECK(c.valid());
      CHECK(holds(c, "prior_differentially_private") == Holds::unchecked);
    } else {
      CHECK_FALSE(c.applicable());
      CHECK(holds(c, "prior_independent") == Holds::no);
    }
  }
  // epsilon = 0: a 0-DP mechanism's output does not depend on the data, the fixed-prior bounds stand and are tighter.
  const PacBayesReport z = pac_bayes_bounds(dp_options(0.05, 5, 253, 0.05, 0.0));
  REQUIRE(z.best);
  CHECK(z.best->name != "kl-dp-prior");
  CHECK(holds(by_name(z).at("kl"), "prior_independent") == Holds::unchecked);
  // No --dp-epsilon: no kl-dp-prior.
  PacBayesOptions plain = dp_options(0.05, 5, 253, 0.05, 0.0);
  plain.dp_epsilon.reset();
  CHECK(by_name(pac_bayes_bounds(plain)).count("kl-dp-prior") == 0);
}

TEST_CASE("dp inputs: bad values name the field") {
  const auto field_of = [](auto f) {
    try {
      f();
    } catch (const InvalidArgument& e) {
      return e.field();
    }
    return std::string("none");
  };
  CHECK(field_of([] { pac_bayes_bounds(dp_options(0.1, 1, 100, 0.05, -0.1)); }) == "dp-epsilon");
  CHECK(field_of([] { pac_bayes_bounds(dp_options(0.1, 1, 100, 0.05, std::nan(""))); }) == "dp-epsilon");
  CHECK(field_of([] { pac_bayes_bounds(dp_options(0.1, 1, 100, 0.05, HUGE_VAL)); }) == "dp-epsilon");
  CHECK(field_of([] { gibbs_prior_privacy({-1.0, 10, 1.0, 0.05}); }) == "tau");
  CHECK(field_of([] { gibbs_prior_privacy({1.0, 0, 1.0, 0.05}); }) == "n");
  CHECK(field_of([] { gibbs_prior_privacy({1.0, 10, 0.0, 0.05}); }) == "loss-range");
  CHECK(field_of([] { gibbs_prior_privacy({1.0, 10, 1.0, 1.0}); }) == "delta");
}

TEST_CASE("kl-dp-prior coverage: an exactly sampled Gibbs prior over a finite class, the empirical minimiser") {
  // 20 hypotheses with true risks 0.05 .. 0.43, per-example losses independent Bernoulli; the prior is
  // (1/2) delta_J + (1/2) uniform with J drawn exactly from uniform * exp(-tau R_hat) (2 tau / n-DP); the posterior is
  // the point mass on the empirical minimiser, KL = -ln P(h). The certificate must hold in >= 1 - delta of the trials.
  constexpr int kH = 20, kN = 200, kTrials = 1500;
  constexpr double kDelta = 0.1;
  std::mt19937_64 rng(2018);
  std::vector<double> risk(kH);
  for (int j = 0; j < kH; ++j) risk[j] = 0.05 + 0.02 * j;
  const double tau = gibbs_prior_privacy({25.0, kN, 1.0, kDelta}).free_tau * 1.5;  // past the free region
  const double eps = gibbs_prior_privacy({tau, kN, 1.0, kDelta}).epsilon;
  int failures = 0;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<double> emp(kH);
    for (int j = 0; j < kH; ++j) emp[j] = std::binomial_distribution<int>(kN, risk[j])(rng) / static_cast<double>(kN);
    std::vector<double> w(kH);
    for (int j = 0; j < kH; ++j) w[j] = std::exp(-tau * emp[j]);
    const int J = std::discrete_distribution<int>(w.begin(), w.end())(rng);
    int best = 0;
    for (int j = 1; j < kH; ++j)
      if (emp[j] < emp[best]) best = j;
    const double prior = (best == J ? 0.5 : 0.0) + 0.5 / kH;
    const auto m = by_name(pac_bayes_bounds(dp_options(emp[best], -std::log(prior), kN, kDelta, eps)));
    failures += risk[best] > m.at("kl-dp-prior").value;
  }
  MESSAGE("kl-dp-prior misses: " << failures << " of " << kTrials << " at epsilon " << eps);
  CHECK(failures <= kDelta * kTrials);
}
