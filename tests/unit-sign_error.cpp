// The ranking statistics of estimators/sign_error.hpp on grids small enough to count by hand. The comparison with an
// independent NumPy implementation on a generated table is python/tests/test_measures.py.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "itbound/error.hpp"
#include "itbound/estimators/sign_error.hpp"
#include "reader_errors.hpp"

using namespace itbound::estimators;
using itbound::testing::error_message;

namespace {

Column numbers(std::string name, std::vector<double> v) { return {std::move(name), false, std::move(v), {}}; }
Column texts(std::string name, std::vector<std::string> v) { return {std::move(name), true, {}, std::move(v)}; }

// Per-run gap and measures in grid order.
std::vector<double> in_grid_order(const RunGrid& g, const std::vector<double>& by_row) {
  std::vector<double> out;
  for (std::size_t r : g.order) out.push_back(by_row[r]);
  return out;
}

}  // namespace

TEST_CASE("noise weight: the authors' Hoeffding formula, and zero at or below the threshold") {
  // d = 0.1, n = 1000: 2 n (d/2)^2 = 5, psi = (1 - 2 e^-5)^2.
  const double psi = std::pow(1.0 - 2.0 * std::exp(-5.0), 2);
  CHECK(hoeffding_weight(0.1, 1000) == doctest::Approx(psi).epsilon(1e-15));
  CHECK(hoeffding_weight(-0.1, 1000) == hoeffding_weight(0.1, 1000));
  CHECK(noise_weight(0.1, 1000) == doctest::Approx(psi - 0.5).epsilon(1e-15));
  CHECK(hoeffding_weight(0.0, 1000) == 0.0);  // 1 - 2 < 0, clamped
  // psi = 1/2 at n d^2 / 2 = ln(2 / (1 - sqrt(1/2))).
  const double d0 = std::sqrt(2.0 * std::log(2.0 / (1.0 - std::sqrt(0.5))) / 1000.0);
  CHECK(noise_weight(d0 * (1 - 1e-9), 1000) == 0.0);
  CHECK(noise_weight(d0 * (1 + 1e-6), 1000) > 0.0);
}

TEST_CASE("levels: float values within the tolerance are one level; chains and non-finite values are errors") {
  ColumnTable t{{numbers("lr", {0.1, 0.1 * (1 + 1e-12), 0.01, 0.1}), texts("opt", {"sgd", "adam", "sgd", "sgd"})}};
  const RunGrid g = group_runs(t, {"lr", "opt"}, 1e-6);
  CHECK(g.levels[0] == std::vector<std::string>{"0.01", "0.1"});
  CHECK(g.levels[1] == std::vector<std::string>{"adam", "sgd"});
  CHECK(g.combinations() == 3);  // (0.01, sgd), (0.1, adam), (0.1, sgd) x 2
  CHECK(g.label(2) == "lr=0.1, opt=sgd");
  CHECK(g.start == std::vector<std::size_t>{0, 1, 2, 4});
  CHECK(g.order == std::vector<std::size_t>{2, 1, 0, 3});
  // Exact comparison separates them.
  CHECK(group_runs(t, {"lr", "opt"}, 0.0).levels[0].size() == 3);

  ColumnTable chain{{numbers("lr", {1.0, 1.0 + 0.6e-6, 1.0 + 1.2e-6})}};
  CHECK(error_message([&] { group_runs(chain, {"lr"}, 1e-6); }).find("chain within the tolerance") != std::string::npos);
  ColumnTable nan{{numbers("lr", {1.0, std::nan("")})}};
  CHECK(error_message([&] { group_runs(nan, {"lr"}, 1e-6); }).rfind("hparams: column 'lr' row 2", 0) == 0);
  CHECK(error_message([&] { group_runs(t, {"width"}, 1e-6); }) == "hparams: no column 'width' in the table");
  CHECK(error_message([&] { group_runs(t, {"lr", "lr"}, 1e-6); }) == "hparams: names column 'lr' twice");
}

TEST_CASE("sign-error by hand: all pairs of runs of the two combinations, ties count 1/2") {
  // Combination a (h = 0) has gaps 0.1, 0.3; b (h = 1) has 0.2, 0.4. Measure columns:
  //   perfect = gap (every pair ordered right: 0), reversed = -gap (1), constant (ties: 1/2),
  //   one_wrong orders (0.3 vs 0.4) wrongly and the other three pairs right: 1/4.
  ColumnTable t{{numbers("h", {0, 0, 1, 1}), numbers("gap", {0.1, 0.3, 0.2, 0.4})}};
  const RunGrid g = group_runs(t, {"h"}, 1e-6);
  const std::vector<double> gap = in_grid_order(g, {0.1, 0.3, 0.2, 0.4});
  const std::vector<std::vector<double>> cols = {
      {0.1, 0.3, 0.2, 0.4}, {-0.1, -0.3, -0.2, -0.4}, {1, 1, 1, 1}, {0.1, 0.3, 0.2, 0.25}};
  std::vector<double> m;
  for (std::size_t i = 0; i < 4; ++i)
    for (const auto& c : cols) m.push_back(c[g.order[i]]);
  EnvironmentOptions o{1000, false, 4};  // no noise filter: 4 pairs weigh 1 each, ESS = 4 (kept: equal to min-ess)
  Environments e = sign_error_environments(g, gap, m, 4, o);
  REQUIRE(e.size() == 1);
  CHECK(e.kept[0] == 1);
  CHECK(e.ess[0] == 4.0);
  CHECK(e.weight_sum[0] == 4.0);
  CHECK(e.loss == std::vector<double>{0.0, 1.0, 0.5, 0.25});

  o.min_ess = 4.5;  // ESS 4 < 4.5: dropped, loss NaN
  e = sign_error_environments(g, gap, m, 4, o);
  CHECK(e.kept[0] == 0);
  CHECK(std::isnan(e.loss[0]));

  // With the noise filter and n = 1000, only pairs of gaps at least 0.062 apart weigh: here every pair differs by
  // 0.1, 0.3, 0.1 or 0.1 (pair 0.3 vs 0.2 is 0.1). Loss of one_wrong = w(0.1) / (3 w(0.1) + w(0.3)).
  o = {1000, true, 1};
  e = sign_error_environments(g, gap, m, 4, o);
  const double w1 = noise_weight(0.1, 1000), w3 = noise_weight(0.3, 1000);
  CHECK(e.weight_sum[0] == doctest::Approx(3 * w1 + w3).epsilon(1e-15));
  CHECK(e.ess[0] == doctest::Approx(std::pow(3 * w1 + w3, 2) / (3 * w1 * w1 + w3 * w3)).epsilon(1e-14));
  CHECK(e.loss[3] == doctest::Approx(w1 / (3 * w1 + w3)).epsilon(1e-14));
  CHECK(e.loss[2] == doctest::Approx(0.5).epsilon(1e-15));
}

TEST_CASE("tied gaps give sign-error 1/2 without the noise filter, and no weight with it") {
  ColumnTable t{{numbers("h", {0, 1})}};
  const RunGrid g = group_runs(t, {"h"}, 1e-6);
  const std::vector<double> gap{0.2, 0.2}, m{1.0, 2.0};
  Environments e = sign_error_environments(g, gap, m, 1, {100, false, 1});
  CHECK(e.loss[0] == 0.5);
  e = sign_error_environments(g, gap, m, 1, {100, true, 1});
  CHECK(e.weight_sum[0] == 0.0);
  CHECK(e.kept[0] == 0);  // no weight: dropped, whatever min-ess is
}

TEST_CASE("environments whose coupled combination has no run are skipped and counted") {
  // (a, b) in {0,1}^2 without (1, 1): environments (00, 01) and (00, 10); (01) -> (11) and (10) -> (11) missing.
  ColumnTable t{{numbers("a", {0, 0, 1}), numbers("b", {0, 1, 0})}};
  const RunGrid g = group_runs(t, {"a", "b"}, 1e-6);
  const std::vector<double> gap{0.1, 0.2, 0.3}, m{1, 2, 3};
  const Environments e = sign_error_environments(g, gap, m, 1, {100, false, 1});
  CHECK(e.size() == 2);
  CHECK(e.missing == std::vector<std::int64_t>{1, 1});
  const PgdlScores p = pgdl_scores(g, gap, m, 1);
  REQUIRE(p.not_computed);
  CHECK(p.not_computed->find("3 of 4 combinations") != std::string::npos);
  CHECK(p.not_computed->find("first missing: a=1, b=1") != std::string::npos);
}

TEST_CASE("PGDL: a measure equal to the gap scores 100, a constant 0; one hyper-parameter is not scored") {
  // A complete 2 x 2 x 2 grid, two seeds per combination (scored on their means).
  std::vector<double> a, b, c, gap;
  for (int i = 0; i < 8; ++i)
    for (int s = 0; s < 2; ++s) {
      a.push_back(i & 1), b.push_back(i >> 1 & 1), c.push_back(i >> 2 & 1);
      gap.push_back(0.01 * ((i * 5) % 8) + 0.001 * s);
    }
  ColumnTable t{{numbers("a", a), numbers("b", b), numbers("c", c)}};
  const RunGrid g = group_runs(t, {"a", "b", "c"}, 1e-6);
  const std::vector<double> gg = in_grid_order(g, gap);
  std::vector<double> m;
  for (double x : gg) m.push_back(x), m.push_back(7.0);
  const PgdlScores p = pgdl_scores(g, gg, m, 2);
  REQUIRE_FALSE(p.not_computed);
  CHECK(p.pairs.size() == 3);
  CHECK(p.score[0] == doctest::Approx(100.0).epsilon(1e-14));
  CHECK(p.score[1] == 0.0);
  CHECK(p.pair_score.size() == 6);

  const RunGrid one = group_runs(t, {"a"}, 1e-6);
  CHECK(pgdl_scores(one, in_grid_order(one, gap), in_grid_order(one, gap), 1).not_computed);
}

TEST_CASE("percentile and exact mean") {
  std::vector<double> v{10, 0, 2, 1};
  CHECK(percentile_linear(v, 90) == doctest::Approx(7.6).epsilon(1e-15));  // numpy.percentile([0,1,2,10], 90)
  CHECK(percentile_linear(v, 100) == 10.0);
  CHECK(percentile_linear(v, 0) == 0.0);
  std::vector<double> empty;
  CHECK(std::isnan(percentile_linear(empty, 50)));
  // Order does not change the mean; cancellation does not lose the small term.
  const std::vector<double> x{0.1, 0.7, 0.2, 0.3}, y{0.3, 0.2, 0.7, 0.1};
  CHECK(exact_mean(x) == exact_mean(y));
  CHECK(exact_mean(std::vector<double>{1e16, 1.0, -1e16}) == 1.0 / 3.0);
}
