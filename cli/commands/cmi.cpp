#include <algorithm>
#include <functional>
#include <string>

#include "commands.hpp"
#include "itbound/cli/cmi.hpp"
#include "itbound/cli/progress.hpp"
#include "itbound/data/supersample_io.hpp"
#include "runs_report.hpp"

namespace itbound::cli {
namespace {

std::vector<Param> params_where(const std::function<bool(const std::string&)>& keep) {
  std::vector<Param> out;
  for (const auto& p : cmi_command().params)
    if (keep(p.name)) out.push_back(p);
  return out;
}

std::vector<Param> params_except(std::initializer_list<std::string> names) {
  return params_where([&](const std::string& name) { return std::find(names.begin(), names.end(), name) == names.end(); });
}

}  // namespace

std::vector<Param> cmi_array_params() { return params_except({"runs"}); }
std::vector<Param> cmi_stats_params() { return params_except({"runs", "loss-min", "loss-max", "interval", "bootstrap"}); }
std::vector<Param> cmi_shard_params() {
  std::vector<Param> out = params_where([](const std::string& name) { return name == "loss-min" || name == "loss-max"; });
  for (const char* axis : {"supersample", "run", "pair"})
    out.push_back({.name = std::string(axis) + "-offset", .kind = Kind::integer,
                   .doc = std::string("Index of the shard's first ") + axis + " in the full run.", .default_value = 0,
                   .range = Range{0, 1e12}});
  return out;
}

CmiOptions cmi_options(const Args& a) {
  CmiOptions o;
  o.correction = correction_of(a);
  o.estimator = a.text("estimator");
  o.k = static_cast<int>(a.integer("k"));
  if (a.has("total-cmi")) o.total_cmi = a.real("total-cmi");
  if (a.has("compression-size")) o.compression_size = a.integer("compression-size");
  o.compression_unordered = a.flag("compression-unordered");
  if (a.has("bootstrap")) o.bootstrap = static_cast<int>(a.integer("bootstrap"));
  if (a.has("interval")) {
    const std::string interval = a.text("interval");
    o.interval = interval == "bootstrap" ? estimators::IntervalMethod::bootstrap
                 : interval == "none"    ? estimators::IntervalMethod::none
                                         : estimators::IntervalMethod::jackknife;
  }
  o.progress = progress();
  o.per_pair = a.flag("per-pair");
  o.delta = a.real("delta");
  return o;
}

Command cmi_command() {
  return {
      "cmi",
      "Supersample CMI: per-pair f-/e-/ld-CMI and ld-MI estimates from saved runs, the bounds built on them, and a "
      "certified upper limit on the expected held-out error.",
      runs_params(
          "Supersample runs file (.npz, .json or .csv; see data/SCHEMA.md).",
          {{.name = "estimator", .kind = Kind::text,
            .doc = "Information estimator: plug-in (discrete losses: 0-1, a few levels) or knn (continuous losses: "
                   "Ross's k-NN estimator per pair, raw estimates reported, clamped at 0 for the bounds; "
                   "estimators/KNN-K.md).",
            .default_value = "plug-in", .choices = {"plug-in", "knn"}},
           {.name = "k", .kind = Kind::integer,
            .doc = "Neighbours of the knn estimator. 1 here (3 in mi-bound): each pair's estimate has only the k2 "
                   "runs of its supersample, about k2/2 per label, and the bias grows with k at that size "
                   "(estimators/KNN-K.md).",
            .default_value = 1, .range = Range{1, 1000}},
           {.name = "total-cmi", .kind = Kind::real,
            .doc = "Total CMI I(W; U | Z~) in nats, if known from elsewhere (at most n ln 2): adds the cmi-total-sqrt bound.",
            .default_value = Json(), .range = Range{0, 1e300}},
           {.name = "compression-size", .kind = Kind::integer,
            .doc = "Compression size k of the learner (its output is a function of k of its n training points), if "
                   "known: adds cmi-compression-sqrt and cmi-compression-fast-rate with CMI <= k ln(2n) (Steinke & "
                   "Zakynthinou 2020, Theorems 2 and 7).",
            .default_value = Json(), .range = Range{0, 4.5e15}},
           {.name = "compression-unordered", .kind = Kind::flag,
            .doc = "The k points form an unordered set of exactly k distinct training points: CMI <= ln C(2n, k)."},
           {.name = "interval", .kind = Kind::text,
            .doc = "90% intervals of the mean estimates over redraws of the runs (plug-in only): jackknife (delete-one-run, "
                   "one pass), bootstrap (percentile, --bootstrap replicates, each recounting the runs) or none.",
            .default_value = "jackknife", .choices = {"jackknife", "bootstrap", "none"}},
           {.name = "bootstrap", .kind = Kind::integer,
            .doc = "Bootstrap replicates for --interval bootstrap (0: no interval, whichever the method).",
            .default_value = 200, .range = Range{0, 100000}},
           {.name = "per-pair", .kind = Kind::flag,
            .doc = "Also report each pair's estimates under per_pair: f-, e- and ld-CMI averaged over the supersamples, "
                   "ld-MI and single-loss MI."}}),
      [](const Args& a) {
        // The file is mapped and read in place: no copy, no conversion to double (k-NN alone converts).
        const auto runs = data::open_supersample_runs(a.text("runs"), a.real("loss-min"), a.real("loss-max"));
        return Report("cmi", evaluate_cmi(runs.view(), cmi_options(a)));
      },
      [] { return Report("cmi", CmiReport{}); },
  };
}

}  // namespace itbound::cli
