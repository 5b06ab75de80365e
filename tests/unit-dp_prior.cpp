// dp-gibbs-prior (bounds/dp_prior.hpp): the exponential mechanism's epsilon and the free region against the 50-digit
// table data/reference/pac_bayes_dp.csv (pac_bayes_dp.py); bad input. kl-dp-prior itself: unit-pac_bayes.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "itbound/bounds/dp_prior.hpp"
#include "itbound/bounds/pac_bayes.hpp"
#include "itbound/error.hpp"
#include "reference_table.hpp"

using namespace itbound;

TEST_CASE("dp-gibbs-prior: epsilon = 2 tau range / n and the free region against the 50-digit table") {
  int rows = 0;
  for (const auto& row : test::read_reference("pac_bayes_dp.csv")) {
    if (row.at("kind") != "gibbs") continue;
    ++rows;
    INFO("n " << row.at("n") << " tau " << row.at("eps_or_tau"));
    const double ref = test::number(row, "value"), free_ref = test::number(row, "free_epsilon");
    const auto n = static_cast<std::int64_t>(test::number(row, "n"));
    const double range = test::number(row, "loss_range"), delta = test::number(row, "delta");
    const auto p = gibbs_prior_privacy({test::number(row, "eps_or_tau"), n, range, delta});
    CHECK(p.epsilon >= ref * (1 - 1e-16));
    CHECK(p.epsilon <= ref * (1 + 1e-15));
    CHECK(p.free_epsilon <= free_ref);
    CHECK(p.free_epsilon >= free_ref * (1 - 1e-14));
    CHECK(p.free_tau * 2 * range / static_cast<double>(n) <= free_ref);
    // What kl-dp-prior would charge at this epsilon, the same function.
    CHECK(p.log_inv_beta == dp_prior_log_inv_beta(p.epsilon, n, std::log(delta)));
    CHECK(p.log_inv_beta >= 2 * std::log(3 / delta));
  }
  CHECK(rows == 3);
  CHECK(gibbs_prior_privacy({0.0, 10, 1.0, 0.05}).epsilon == 0.0);  // tau = 0: the data-free base measure
}

TEST_CASE("dp-gibbs-prior: bad values name the field") {
  const auto field_of = [](const GibbsPriorOptions& o) {
    try {
      gibbs_prior_privacy(o);
    } catch (const InvalidArgument& e) {
      return e.field();
    }
    return std::string("none");
  };
  CHECK(field_of({-1.0, 10, 1.0, 0.05}) == "tau");
  CHECK(field_of({std::nan(""), 10, 1.0, 0.05}) == "tau");
  CHECK(field_of({1.0, 0, 1.0, 0.05}) == "n");
  CHECK(field_of({1.0, 10, 0.0, 0.05}) == "loss-range");
  CHECK(field_of({1.0, 10, 1.0, 1.0}) == "delta");
}
