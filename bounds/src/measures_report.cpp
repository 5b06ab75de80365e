#include "itbound/bounds/measures_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "itbound/error.hpp"
#include "itbound/estimators/sign_error.hpp"

namespace itbound {
namespace {

using estimators::Column;
using estimators::ColumnTable;

std::string column_names(const ColumnTable& table) {
  std::string s;
  for (std::size_t i = 0; i < table.columns.size() && i < 20; ++i) s += (i ? ", " : "") + table.columns[i].name;
  return table.columns.size() > 20 ? s + ", ..." : s;
}

// A numeric column with finite values, or an error naming `field`.
const Column& numeric_column(const ColumnTable& table, const std::string& name, const char* field) {
  const Column* c = table.find(name);
  if (!c) fail(field, "no column '" + name + "' in the table (columns: " + column_names(table) + ")");
  if (c->text) {
    std::size_t r = 0;
    while (r < c->texts.size() && estimators::cell_number(c->texts[r])) ++r;
    fail(field, "column '" + name + "' is not numeric" +
                    (r < c->texts.size() ? " (row " + std::to_string(r + 1) + ": '" + c->texts[r] + "')" : ""));
  }
  for (std::size_t r = 0; r < c->numbers.size(); ++r)
    if (!std::isfinite(c->numbers[r]))
      fail(field, "column '" + name + "' row " + std::to_string(r + 1) + " is not a finite number (" +
                      format_number(c->numbers[r]) + "); the authors' protocol drops such runs: remove the row");
  return *c;
}

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> measure_names(const ColumnTable& table, const MeasuresOptions& o) {
  if (!o.measures.empty()) {
    for (std::size_t i = 0; i < o.measures.size(); ++i) {
      const std::string& m = o.measures[i];
      if (std::count(o.measures.begin(), o.measures.end(), m) > 1) fail("measures", "names '" + m + "' twice");
      if (m == o.gap || listed(o.hparams, m) || (o.seed && *o.seed == m))
        fail("measures", "'" + m + "' is the gap, a hyper-parameter or the seed column");
    }
    return o.measures;
  }
  std::vector<std::string> out;
  for (const Column& c : table.columns)
    if (!c.text && c.name != o.gap && !listed(o.hparams, c.name) && !(o.seed && *o.seed == c.name)) out.push_back(c.name);
  if (out.empty()) fail("measures", "the table has no numeric column besides the gap, hyper-parameters and seed");
  return out;
}

// Each (combination, seed) at most once: a repeated one is a duplicated row or a missing hyper-parameter.
void check_seeds(const ColumnTable& table, const std::string& seed, const estimators::RunGrid& grid) {
  const Column* c = table.find(seed);
  if (!c) fail("seed", "no column '" + seed + "' in the table (columns: " + column_names(table) + ")");
  for (std::size_t p = 0; p < grid.combinations(); ++p) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = grid.start[p]; i < grid.start[p + 1]; ++i) {
      const std::size_t r = grid.order[i];
      const std::string key = c->text ? c->texts[r] : format_number(c->numbers[r]);
      const auto [it, fresh] = seen.emplace(key, r);
      if (!fresh)
        fail("seed", "rows " + std::to_string(it->second + 1) + " and " + std::to_string(r + 1) + " repeat seed " + key +
                         " at " + grid.label(p) + " (a duplicated run, or a hyper-parameter missing from hparams)");
    }
  }
}

SignErrorStats stats_of(std::vector<double> losses) {
  // Both orders of each environment, as the authors list them: the mean and max are unchanged, the percentile is not.
  const std::size_t n = losses.size();
  losses.resize(2 * n);
  std::copy_n(losses.begin(), n, losses.begin() + static_cast<std::ptrdiff_t>(n));
  SignErrorStats s;
  s.environments = static_cast<std::int64_t>(losses.size());
  if (losses.empty()) return s;
  s.mean = std::accumulate(losses.begin(), losses.end(), 0.0) / static_cast<double>(losses.size());
  s.p90 = estimators::percentile_linear(losses, 90.0);  // sorts
  s.max = losses.back();
  return s;
}

// Smaller robust sign-error first: max, then p90, then mean; measures without a kept environment last.
bool ranks_before(const MeasureRanking& x, const MeasureRanking& y) {
  if (x.robust.max.has_value() != y.robust.max.has_value()) return x.robust.max.has_value();
  if (!x.robust.max) return false;
  if (*x.robust.max != *y.robust.max) return *x.robust.max < *y.robust.max;
  if (*x.robust.p90 != *y.robust.p90) return *x.robust.p90 < *y.robust.p90;
  return *x.robust.mean < *y.robust.mean;
}

std::string shown(const std::optional<double>& x) { return x ? format_rounded(*x, 0, 3) : std::string("-"); }

std::string summary(const MeasuresReport& r) {
  std::string s = "ranked " + std::to_string(r.measures.size()) + " measures on " + std::to_string(r.runs) + " runs (" +
                  std::to_string(r.combinations) + " combinations): ";
  const MeasureRanking& best = r.measures.front();
  if (!best.robust.max)
    return s + "no environment kept (" + std::to_string(r.environments_dropped) +
           " dropped for effective sample size below " + format_number(r.min_ess) +
           "): lower min-ess, add seeds, or use no-noise-filter";
  s += "smallest robust sign-error " + best.name + " = " + shown(best.robust.max) + " (max over " +
       std::to_string(best.robust.environments) + " environments; p90 " + shown(best.robust.p90) + ", mean " +
       shown(best.robust.mean) + ")";
  const MeasureRanking* pgdl_best = nullptr;
  for (const auto& m : r.measures)
    if (m.pgdl && (!pgdl_best || *m.pgdl > *pgdl_best->pgdl)) pgdl_best = &m;
  if (pgdl_best) s += "; best PGDL score " + pgdl_best->name + " = " + shown(pgdl_best->pgdl);
  return s;
}

}  // namespace

MeasuresReport evaluate_measures(const ColumnTable& table, const MeasuresOptions& o) {
  if (!(o.test_size > 0.0 && std::isfinite(o.test_size)))
    fail("test-size", "must be a positive number of test examples, got " + format_number(o.test_size));
  if (!(o.min_ess > 0.0 && std::isfinite(o.min_ess))) fail("min-ess", "must be positive, got " + format_number(o.min_ess));
  if (o.gap.empty()) fail("gap", "name the column of the generalization gap");
  for (const Column& c : table.columns)
    if (c.size() != table.rows()) fail("runs", "column '" + c.name + "' has " + std::to_string(c.size()) +
                                                   " values, column '" + table.columns.front().name + "' " +
                                                   std::to_string(table.rows()));
  if (table.rows() < 2) fail("runs", "needs at least two runs, got " + std::to_string(table.rows()));
  const Column& gap = numeric_column(table, o.gap, "gap");
  for (const auto& h : o.hparams)
    if (h == o.gap) fail("hparams", "'" + h + "' is the gap column");
  const std::vector<std::string> names = measure_names(table, o);
  std::vector<const Column*> columns;
  for (const auto& m : names) columns.push_back(&numeric_column(table, m, "measures"));
  for (const auto& m : o.negate)
    if (!listed(names, m)) fail("negate", "'" + m + "' is not one of the measures");

  const estimators::RunGrid grid = estimators::group_runs(table, o.hparams, o.hparam_rtol);
  if (o.seed) check_seeds(table, *o.seed, grid);

  // Per-run values in grid order; negated measures flipped so that larger always should mean a larger gap.
  const std::size_t n = grid.runs(), k = names.size();
  std::vector<double> g(n), c(n * k);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t row = grid.order[i];
    g[i] = gap.numbers[row];
    for (std::size_t m = 0; m < k; ++m) {
      const double x = columns[m]->numbers[row];
      c[i * k + m] = listed(o.negate, names[m]) ? -x : x;
    }
  }
  const estimators::EnvironmentOptions eo{o.test_size, o.noise_filter, o.min_ess};
  const estimators::Environments env = estimators::sign_error_environments(grid, g, c, k, eo);
  const estimators::PgdlScores pgdl = estimators::pgdl_scores(grid, g, c, k);

  MeasuresReport r;
  r.gap = o.gap;
  r.hparams = o.hparams;
  r.runs = static_cast<std::int64_t>(n);
  r.combinations = static_cast<std::int64_t>(grid.combinations());
  r.min_runs_per_combination = r.runs;
  for (std::size_t p = 0; p < grid.combinations(); ++p) {
    const auto size = static_cast<std::int64_t>(grid.start[p + 1] - grid.start[p]);
    r.min_runs_per_combination = std::min(r.min_runs_per_combination, size);
    r.max_runs_per_combination = std::max(r.max_runs_per_combination, size);
  }
  r.test_size = o.test_size;
  r.min_ess = o.min_ess;
  r.hparam_rtol = o.hparam_rtol;
  r.noise_filter = o.noise_filter;
  // psi(d) > 1/2 exactly when d > sqrt(2 ln(2 / (1 - sqrt(1/2))) / n).
  if (o.noise_filter) r.min_gap_difference = std::sqrt(2.0 * std::log(2.0 / (1.0 - std::sqrt(0.5))) / o.test_size);

  const std::size_t h = grid.hparams.size();
  for (std::size_t i = 0; i < h; ++i) {
    EnvironmentCount count{grid.hparams[i], static_cast<std::int64_t>(grid.levels[i].size()), 0, 0, env.missing[i]};
    for (std::size_t e = 0; e < env.size(); ++e)
      if (static_cast<std::size_t>(env.hparam[e]) == i) (env.kept[e] ? count.kept : count.dropped_low_ess) += 2;
    r.environments_kept += count.kept;
    r.environments_dropped += count.dropped_low_ess;
    r.environments_missing += count.missing;
    r.environments.push_back(count);
  }

  for (std::size_t m = 0; m < k; ++m) {
    MeasureRanking mr;
    mr.name = names[m];
    mr.negated = listed(o.negate, names[m]);
    std::vector<std::vector<double>> per(h);
    std::vector<double> all;
    for (std::size_t e = 0; e < env.size(); ++e) {
      if (!env.kept[e]) continue;
      const double loss = env.loss[e * k + m];
      all.push_back(loss);
      per[static_cast<std::size_t>(env.hparam[e])].push_back(loss);
    }
    mr.robust = stats_of(std::move(all));
    for (std::size_t i = 0; i < h; ++i) mr.per_hparam.push_back({grid.hparams[i], stats_of(std::move(per[i]))});
    if (!pgdl.not_computed) {
      mr.pgdl = pgdl.score[m];
      mr.pgdl_worst_pair = pgdl.worst[m];
    }
    r.measures.push_back(std::move(mr));
  }
  std::stable_sort(r.measures.begin(), r.measures.end(), ranks_before);
  for (std::size_t i = 0; i < r.measures.size(); ++i) r.measures[i].rank = static_cast<std::int64_t>(i + 1);

  r.pgdl_status = pgdl.not_computed ? "not computed: " + *pgdl.not_computed
                                    : "computed on the means over each combination's runs (the competition had one "
                                      "model per combination); minimum over " +
                                          std::to_string(pgdl.pairs.size()) + " hyper-parameter pairs";
  if (h == 2 && !pgdl.not_computed)
    r.notes.push_back("with two hyper-parameters every PGDL cell holds one pair of combinations: its entropy is 0 and "
                      "the score is 0 for every measure, as in the official code");
  r.notes.push_back("sign-errors and scores are statistics of these runs, not bounds: nothing here holds with a stated "
                    "probability");
  if (o.noise_filter)
    r.notes.push_back("noise filter (" + format_number(o.test_size) + " test examples): a pair of runs weighs only when "
                      "their gaps differ by more than " + format_rounded(*r.min_gap_difference, 1, 3) +
                      "; environments with effective sample size below " + format_number(o.min_ess) + " are dropped");
  if (!o.negate.empty()) {
    std::string s = "negated (larger should mean a smaller gap):";
    for (const auto& m : o.negate) s += " " + m;
    r.notes.push_back(s);
  }
  r.summary = summary(r);

  if (o.per_environment) {
    EnvironmentTable t;
    std::vector<std::size_t> column_of(k);  // report order -> input order
    for (const auto& mr : r.measures) {
      t.measures.push_back(mr.name);
      column_of[t.measures.size() - 1] = static_cast<std::size_t>(std::find(names.begin(), names.end(), mr.name) - names.begin());
    }
    for (std::size_t e = 0; e < env.size(); ++e) {
      if (!env.kept[e]) continue;
      t.hparam.push_back(grid.hparams[static_cast<std::size_t>(env.hparam[e])]);
      t.from.push_back(grid.label(env.a[e]));
      t.to.push_back(grid.label(env.b[e]));
      t.ess.push_back(env.ess[e]);
      for (std::size_t m = 0; m < k; ++m) t.loss.push_back(env.loss[e * k + column_of[m]]);
    }
    r.per_environment = std::move(t);
  }
  return r;
}

void visit(const SignErrorStats& s, FieldVisitor& v) {
  v.number("mean", s.mean, "Mean sign-error over the kept environments; null when none was kept.");
  v.number("p90", s.p90, "90th percentile (linear interpolation, as numpy.percentile).");
  v.number("max", s.max, "Maximum: the distributionally robust sign-error.");
  v.integer("environments", s.environments, "Kept environments, both orders of each pair of combinations counted.");
}

void visit(const HparamSignError& h, FieldVisitor& v) {
  v.text("hparam", h.hparam, "The hyper-parameter varied.");
  visit(h.stats, v);
}

void visit(const MeasureRanking& m, FieldVisitor& v) {
  v.integer("rank", m.rank, "Position by robust sign-error (max, then p90, then mean).");
  v.text("name", m.name, "The measure's column.");
  object_field(v, "robust", "SignErrorStats", m.robust, "Sign-error over every kept environment.");
  v.number("pgdl", m.pgdl, "PGDL competition score, 0-100 (higher is better); null when not computed.");
  v.boolean("negated", m.negated, "Whether the column was negated (larger should mean a smaller gap).");
  list_field(v, "per_hparam", "HparamSignError", m.per_hparam, "The same over the environments varying each hyper-parameter.");
  v.texts("pgdl_worst_pair", m.pgdl_worst_pair, "The hyper-parameter pair conditioning on which gave the PGDL score.");
}

void visit(const EnvironmentCount& e, FieldVisitor& v) {
  v.text("hparam", e.hparam, "The hyper-parameter varied.");
  v.integer("levels", e.levels, "Its distinct values.");
  v.integer("kept", e.kept, "Environments kept (both orders).");
  v.integer("dropped_low_ess", e.dropped_low_ess, "Environments dropped for a low effective sample size (both orders).");
  v.integer("missing", e.missing, "(combination, other value) pairs whose coupled combination has no run: skipped.");
}

void visit(const EnvironmentTable& t, FieldVisitor& v) {
  v.texts("measures", t.measures, "Columns of loss.");
  v.texts("hparam", t.hparam, "Per kept environment: the hyper-parameter varied.");
  v.texts("from", t.from, "Its combination with the smaller value.");
  v.texts("to", t.to, "Its combination with the larger value.");
  v.vector("ess", t.ess, "Its effective sample size (sum w)^2 / sum w^2.");
  v.matrix("loss", t.loss, t.hparam.size(), t.measures.size(), "Its weighted mean sign-error per measure.");
}

void visit(const MeasuresReport& r, FieldVisitor& v) {
  v.text("summary", r.summary, "The answer in one line: the measure with the smallest robust sign-error.");
  list_field(v, "measures", "MeasureRanking", r.measures, "Every measure, ranked by robust sign-error.");
  v.text("gap", r.gap, "The gap column.");
  v.texts("hparams", r.hparams, "The hyper-parameter columns.");
  v.integer("runs", r.runs, "Runs (rows).");
  v.integer("combinations", r.combinations, "Distinct hyper-parameter combinations.");
  v.integer("min_runs_per_combination", r.min_runs_per_combination, "Fewest runs (seeds) of a combination.");
  v.integer("max_runs_per_combination", r.max_runs_per_combination, "Most runs (seeds) of a combination.");
  v.number("test_size", r.test_size, "Test examples behind each gap (the noise filter's n).");
  v.boolean("noise_filter", r.noise_filter, "Whether pairs were weighted by the Monte Carlo noise filter.");
  v.number("min_gap_difference", r.min_gap_difference,
           "Smallest gap difference with a positive weight under the noise filter; null without it.");
  v.number("min_ess", r.min_ess, "Minimum effective sample size of a kept environment.");
  v.number("hparam_rtol", r.hparam_rtol, "Relative tolerance within which numeric hyper-parameter values are equal.");
  v.integer("environments_kept", r.environments_kept, "Environments kept (both orders).");
  v.integer("environments_dropped", r.environments_dropped, "Environments dropped for low effective sample size.");
  v.integer("environments_missing", r.environments_missing, "Coupled combinations without runs (skipped).");
  v.text("pgdl_status", r.pgdl_status, "How the PGDL scores were computed, or why not.");
  list_field(v, "environments", "EnvironmentCount", r.environments, "Environments per hyper-parameter varied.");
  v.texts("notes", r.notes, "What the numbers are and which filters applied.");
  object_field(v, "per_environment", "EnvironmentTable", r.per_environment,
               "Every kept environment's sign-errors (with --per-environment); null otherwise.");
}

}  // namespace itbound
