#include <algorithm>

#include "commands.hpp"
#include "itbound/cli/measures.hpp"
#include "itbound/data/column_table.hpp"
#include "itbound/error.hpp"

namespace itbound::cli {
namespace {

// "a, b,c" -> {"a", "b", "c"}; an empty name is an error on the field.
std::vector<std::string> names_of(const Args& a, const char* name) {
  std::vector<std::string> out;
  if (!a.has(name)) return out;
  const std::string text = a.text(name);
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string item = text.substr(pos, comma - pos);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) fail(name, "is a comma-separated list of column names, got '" + text + "'");
    out.push_back(std::move(item));
    pos = comma + 1;
  }
  return out;
}

}  // namespace

MeasuresOptions measures_options(const Args& a) {
  MeasuresOptions o;
  o.gap = a.text("gap");
  o.hparams = names_of(a, "hparams");
  o.measures = names_of(a, "measures");
  o.negate = names_of(a, "negate");
  if (a.has("seed")) o.seed = a.text("seed");
  o.test_size = a.real("test-size");
  o.min_ess = a.real("min-ess");
  o.noise_filter = !a.flag("no-noise-filter");
  o.hparam_rtol = a.real("hparam-rtol");
  o.per_environment = a.flag("per-environment");
  return o;
}

std::vector<Param> measures_table_params() {
  std::vector<Param> out;
  for (const auto& p : measures_command().params)
    if (p.name != "runs") out.push_back(p);
  return out;
}

Command measures_command() {
  const Json optional = nullptr;
  return {
      "measures",
      "Which generalization measures rank a grid of trained runs by their gap: the robust sign-error of Dziugaite et "
      "al. (2020) over environments varying one hyper-parameter (mean, 90th percentile, max; overall and per "
      "hyper-parameter) and the PGDL competition score (bounds/MEASURES.md).",
      {
          {.name = "runs", .kind = Kind::path,
           .doc = "Table of runs, one row per trained run (.csv with a header, .json columns or records, .npz of 1-d "
                  "arrays): hyper-parameter columns, the gap, one column per measure, optionally a seed.",
           .positional = true},
          {.name = "gap", .kind = Kind::text,
           .doc = "Column of the generalization gap (train accuracy - test accuracy, or test error - train error)."},
          {.name = "hparams", .kind = Kind::text,
           .doc = "Hyper-parameter columns, comma-separated: runs with equal values form a combination."},
          {.name = "measures", .kind = Kind::text,
           .doc = "Measure columns, comma-separated; default: every other numeric column.", .default_value = optional},
          {.name = "negate", .kind = Kind::text,
           .doc = "Measures where a larger value should mean a smaller gap (e.g. a margin, a flatness radius), "
                  "comma-separated: they are ranked negated.",
           .default_value = optional},
          {.name = "seed", .kind = Kind::text,
           .doc = "Seed column, if any: never a measure, and each (combination, seed) must appear once.",
           .default_value = optional},
          {.name = "test-size", .kind = Kind::real,
           .doc = "Examples each gap was measured on: the noise filter weighs a pair of runs by the probability "
                  "(Hoeffding) that their gaps truly differ.",
           .range = Range{0, 1e15, true, false}},
          {.name = "min-ess", .kind = Kind::real,
           .doc = "Environments whose effective sample size (sum w)^2 / sum w^2 is below this are dropped.",
           .default_value = 12.0, .range = Range{0, 1e15, true, false}},
          {.name = "no-noise-filter", .kind = Kind::flag,
           .doc = "Weigh every pair of runs 1 instead of by the noise filter."},
          {.name = "hparam-rtol", .kind = Kind::real,
           .doc = "Numeric hyper-parameter values within this relative distance are one value (floats written "
                  "by different devices or in float32).",
           .default_value = 1e-6, .range = Range{0, 1, false, true}},
          {.name = "per-environment", .kind = Kind::flag,
           .doc = "Also list every kept environment's sign-error per measure (for CDF plots)."},
      },
      [](const Args& a) {
        const auto table = data::read_column_table(a.text("runs"), "runs");
        return Report("measures", evaluate_measures(table, measures_options(a)));
      },
      [] { return Report("measures", MeasuresReport{}); },
  };
}

}  // namespace itbound::cli
