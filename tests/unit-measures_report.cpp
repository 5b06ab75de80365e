// evaluate_measures: the statistics per measure (both orders of each environment), ranking, negation, the
// per-hyper-parameter split and the errors that name their field. The table reader: data/column_table.hpp.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "itbound/bounds/measures_report.hpp"
#include "itbound/data/column_table.hpp"
#include "itbound/error.hpp"
#include "reader_errors.hpp"

using itbound::MeasuresOptions;
using itbound::evaluate_measures;
using itbound::testing::error_message;
using itbound::estimators::Column;
using itbound::estimators::ColumnTable;

namespace {

Column numbers(std::string name, std::vector<double> v) { return {std::move(name), false, std::move(v), {}}; }

// Two hyper-parameters on a 2 x 2 grid with two seeds: gap = 0.1 a + 0.2 b + 0.01 seed.
ColumnTable grid() {
  ColumnTable t;
  std::vector<double> a, b, seed, gap, good, bad, flat;
  for (int i = 0; i < 4; ++i)
    for (int s = 0; s < 2; ++s) {
      a.push_back(i & 1), b.push_back(i >> 1), seed.push_back(s);
      gap.push_back(0.1 * (i & 1) + 0.2 * (i >> 1) + 0.01 * s);
      good.push_back(gap.back());
      bad.push_back(-gap.back());
      flat.push_back(1.0);
    }
  t.columns = {numbers("a", a), numbers("b", b), numbers("seed", seed), numbers("gap", gap),
               numbers("good", good), numbers("bad", bad), numbers("flat", flat)};
  return t;
}

MeasuresOptions options() {
  MeasuresOptions o;
  o.gap = "gap";
  o.hparams = {"a", "b"};
  o.seed = "seed";
  o.test_size = 1e6;
  o.min_ess = 4;
  return o;
}

}  // namespace

TEST_CASE("measures report: ranking, both orders, per hyper-parameter, negation") {
  auto r = evaluate_measures(grid(), options());
  // Default measures: every numeric column but the gap, hyper-parameters and seed.
  REQUIRE(r.measures.size() == 3);
  CHECK(r.measures[0].name == "good");
  CHECK(r.measures[1].name == "flat");
  CHECK(r.measures[2].name == "bad");
  CHECK(r.runs == 8);
  CHECK(r.combinations == 4);
  // 4 unordered environments (2 per hyper-parameter), each counted in both orders; every pair's gaps differ by
  // >= 0.09 (n = 10^6: all weigh ~1/2), 4 pairs each: ESS 4, kept.
  CHECK(r.environments_kept == 8);
  CHECK(r.environments_dropped == 0);
  CHECK(r.measures[0].robust.max == 0.0);
  CHECK(r.measures[0].robust.environments == 8);
  CHECK(r.measures[2].robust.mean == 1.0);
  CHECK(*r.measures[1].robust.p90 == doctest::Approx(0.5).epsilon(1e-15));
  REQUIRE(r.measures[0].per_hparam.size() == 2);
  CHECK(r.measures[0].per_hparam[1].hparam == "b");
  CHECK(r.measures[0].per_hparam[1].stats.environments == 4);
  // Two hyper-parameters: the PGDL score is 0 by construction (one combination per group), and said so.
  CHECK(r.measures[0].pgdl == 0.0);
  CHECK(r.notes.front().find("two hyper-parameters") != std::string::npos);
  CHECK(r.summary.find("smallest robust sign-error good = 0") != std::string::npos);

  auto o = options();
  o.negate = {"bad"};
  r = evaluate_measures(grid(), o);
  CHECK(r.measures[0].robust.max == 0.0);
  CHECK(r.measures[1].name == "bad");  // ties with good on every statistic: stable order of the columns
  CHECK(r.measures[1].negated);
  CHECK(r.measures[1].robust.max == 0.0);

  o = options();
  o.min_ess = 12;  // 4 pairs per environment: all dropped
  r = evaluate_measures(grid(), o);
  CHECK(r.environments_dropped == 8);
  CHECK_FALSE(r.measures[0].robust.max);
  CHECK(r.summary.find("no environment kept") != std::string::npos);

  o = options();
  o.per_environment = true;
  o.measures = {"flat", "good"};
  r = evaluate_measures(grid(), o);
  REQUIRE(r.per_environment);
  CHECK(r.per_environment->measures == std::vector<std::string>{"good", "flat"});
  CHECK(r.per_environment->hparam.size() == 4);
  CHECK(r.per_environment->loss.size() == 8);
  CHECK(r.per_environment->loss[0] == 0.0);
  CHECK(r.per_environment->loss[1] == 0.5);
}

TEST_CASE("measures report: bad input names the field") {
  auto t = grid();
  auto o = options();
  o.measures = {"good", "nope"};
  CHECK(error_message([&] { evaluate_measures(t, o); }).rfind("measures: no column 'nope'", 0) == 0);
  o = options();
  o.negate = {"gap"};
  CHECK(error_message([&] { evaluate_measures(t, o); }) == "negate: 'gap' is not one of the measures");
  o = options();
  o.gap = "missing";
  CHECK(error_message([&] { evaluate_measures(t, o); }).rfind("gap: no column 'missing'", 0) == 0);
  o = options();
  o.test_size = 0;
  CHECK(error_message([&] { evaluate_measures(t, o); }).rfind("test-size:", 0) == 0);
  o = options();
  o.hparams = {"a"};  // b missing from the hyper-parameters: (combination, seed) repeats
  CHECK(error_message([&] { evaluate_measures(t, o); }).rfind("seed: rows 1 and 5 repeat seed 0 at a=0", 0) == 0);

  auto text_gap = grid();
  text_gap.columns[3] = {"gap", true, {}, {"0.1", "0.2", "n/a", "0", "0", "0", "0", "0"}};
  CHECK(error_message([&] { evaluate_measures(text_gap, options()); }) == "gap: column 'gap' is not numeric (row 3: 'n/a')");
  auto inf = grid();
  inf.columns[4].numbers[5] = HUGE_VAL;
  CHECK(error_message([&] { evaluate_measures(inf, options()); }).rfind("measures: column 'good' row 6 is not a finite", 0) == 0);
}

TEST_CASE("column tables from CSV and JSON: names, quoting, comments, text columns, errors with their line") {
  using itbound::testing::write_temp;
  using itbound::data::read_column_table;
  const auto csv = write_temp("table.csv", "# a comment\nlr,\"opt, name\",gap\n0.1, \"sgd\" ,0.5\n\n1e-2,\"a \"\"b\"\"\",nan\n");
  const ColumnTable t = read_column_table(csv, "runs");
  REQUIRE(t.columns.size() == 3);
  CHECK(t.columns[1].name == "opt, name");
  CHECK(t.columns[1].text);
  CHECK(t.columns[1].texts == std::vector<std::string>{"sgd", "a \"b\""});
  CHECK(t.columns[0].numbers == std::vector<double>{0.1, 0.01});
  CHECK(std::isnan(t.columns[2].numbers[1]));

  const auto bad = write_temp("bad.csv", "a,b\n1,2\n3\n");
  CHECK(error_message([&] { read_column_table(bad, "runs"); }) == "runs: " + bad + " line 3: 1 fields, the header has 2");
  const auto twice = write_temp("twice.csv", "a,a\n1,2\n");
  CHECK(error_message([&] { read_column_table(twice, "runs"); }).find("column 'a' appears twice") != std::string::npos);

  const auto records = write_temp("records.json", R"([{"lr": 0.1, "opt": "sgd", "bn": true}, {"lr": 0.2, "opt": 3, "bn": false}])");
  const ColumnTable r = read_column_table(records, "runs");
  CHECK(r.columns[0].numbers == std::vector<double>{0.1, 0.2});
  CHECK(r.columns[1].texts == std::vector<std::string>{"sgd", "3"});
  CHECK(r.columns[2].texts == std::vector<std::string>{"true", "false"});
  const auto columns = write_temp("columns.json", R"({"lr": [0.1, null], "gap": [0.5, 0.25]})");
  const ColumnTable c = read_column_table(columns, "runs");
  CHECK(std::isnan(c.columns[0].numbers[1]));
  const auto uneven = write_temp("uneven.json", R"([{"lr": 0.1}, {"gap": 0.2}])");
  CHECK(error_message([&] { read_column_table(uneven, "runs"); }).find("record 2 has no 'lr'") != std::string::npos);
  CHECK(error_message([&] { read_column_table("runs.txt", "runs"); }).find(".csv, .json or .npz") != std::string::npos);
}
