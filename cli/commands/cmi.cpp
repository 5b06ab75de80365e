#include <algorithm>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/cli/cmi.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"

namespace itbound::cli {
namespace {

using estimators::Correction;

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

std::string fixed(double x, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

std::string table(const Json& j) {
  std::string out = "train error " + fixed(j["train_error"].get<double>()) + "   held-out error " +
                    fixed(j["heldout_error"].get<double>()) + "   gap " + fixed(j["gap"].get<double>()) + "\n";
  out += "mean per-pair MI (nats):";
  for (const auto& [k, v] : j["estimates"].items()) {
    if (v.is_number()) out += " " + k + "=" + fixed(v.get<double>());
    else if (v.is_array()) out += " " + k + "=[" + fixed(v[0].get<double>()) + ", " + fixed(v[1].get<double>()) + "]";
  }
  out += "\n\nbound (on held-out error)   value    valid  spread   reference\n";
  for (const auto& b : j["bounds"]) {
    std::string name = b["name"].get<std::string>();
    name.resize(std::max<std::size_t>(name.size(), 27), ' ');
    out += name + " " + fixed(b["value"].get<double>()) + "   " + (b["valid"].get<bool>() ? "yes  " : "NO   ") + " " +
           fixed(b["spread"].get<double>()) + "   " + b["reference"]["paper"].get<std::string>() + "\n";
    if (!b["valid"].get<bool>()) out += "    invalid: " + b["invalid_reason"].get<std::string>() + "\n";
  }
  return out;
}

// The result from statistics (and, for the bootstrap, the runs they came from); every argument but runs.
Json report(const estimators::SupersampleStats& stats, const Args& a, const estimators::SupersampleView* runs) {
  const std::string c = a.text("correction");
  const Correction correction = correction_of(a);
  const auto est = stats.finalize(correction);
  Json out = Json::object();
  out["train_error"] = est.train_error;
  out["heldout_error"] = est.heldout_error;
  out["gap"] = mean(est.run_gap);
  out["shape"] = {{"k1", stats.k1()}, {"k2", stats.k2()}, {"n", stats.n()}};
  out["correction"] = c;
  out["estimates"] = {{"fcmi_mean", est.fcmi.empty() ? Json() : Json(mean(est.fcmi))},
                      {"ecmi_mean", mean(est.ecmi)},
                      {"ldcmi_mean", mean(est.ldcmi)},
                      {"ldmi_mean", mean(est.ldmi)}};
  if (const auto reps = runs ? a.integer("bootstrap") : 0; reps > 0) {
    // Fixed seed: the same file always gives the same intervals.
    const auto b = estimators::bootstrap_cmi(*runs, correction, static_cast<int>(reps), 0.9, 20240601);
    const auto pair = [](estimators::Interval i) { return Json::array({i.lo, i.hi}); };
    if (!est.fcmi.empty()) out["estimates"]["fcmi_interval"] = pair(b.fcmi);
    out["estimates"]["ecmi_interval"] = pair(b.ecmi);
    out["estimates"]["ldcmi_interval"] = pair(b.ldcmi);
    out["estimates"]["ldmi_interval"] = pair(b.ldmi);
    out["estimates"]["interval"] = {{"method", "percentile bootstrap over runs"}, {"level", 0.9}, {"replicates", b.replicates}};
  }
  out["bounds"] = Json::array();
  estimators::SupersampleRuns shape;  // the bounds read shape and loss range; the data is in the estimates
  shape.k1 = stats.k1(), shape.k2 = stats.k2(), shape.n = stats.n();
  shape.loss_min = stats.loss_min(), shape.loss_max = stats.loss_max();
  for (const auto& cert : cmi_bounds({&shape, &est, correction})) out["bounds"].push_back(data::to_json(cert));
  if (a.flag("per-pair")) {
    // Per pair i: the mean over supersamples of I^{z_s}(X_i; U_i), and ld-MI as it is (pooled already).
    const auto n = static_cast<std::size_t>(stats.n()), k1 = static_cast<std::size_t>(stats.k1());
    const auto over_supersamples = [&](const std::vector<double>& per) {
      if (per.empty()) return Json();
      std::vector<double> m(n, 0.0);
      for (std::size_t s = 0; s < k1; ++s)
        for (std::size_t i = 0; i < n; ++i) m[i] += per[s * n + i] / static_cast<double>(k1);
      return Json(m);
    };
    out["per_pair"] = {{"fcmi", over_supersamples(est.fcmi)},
                       {"ecmi", over_supersamples(est.ecmi)},
                       {"ldcmi", over_supersamples(est.ldcmi)},
                       {"ldmi", est.ldmi}};
  }
  if (a.text("format") == "table") return Json(table(out));
  return out;
}

std::vector<Param> params_except(std::initializer_list<const char*> names) {
  std::vector<Param> out;
  for (const auto& p : cmi_command().params)
    if (std::none_of(names.begin(), names.end(), [&](const char* n) { return p.name == n; })) out.push_back(p);
  return out;
}

}  // namespace

Correction correction_of(const Args& a) {
  const std::string c = a.text("correction");
  return c == "miller-madow" ? Correction::miller_madow : c == "jackknife" ? Correction::jackknife : Correction::none;
}

std::vector<Param> cmi_array_params() { return params_except({"runs"}); }
std::vector<Param> cmi_stats_params() { return params_except({"runs", "loss-min", "loss-max", "bootstrap"}); }
std::vector<Param> cmi_shard_params() {
  std::vector<Param> out = params_except({"runs", "correction", "bootstrap", "per-pair", "format"});
  for (const char* axis : {"supersample", "run", "pair"})
    out.push_back({.name = std::string(axis) + "-offset", .kind = Kind::integer,
                   .doc = std::string("Index of the shard's first ") + axis + " in the full run.", .default_value = 0,
                   .range = Range{0, 1e12}});
  return out;
}

Json cmi_result(const estimators::SupersampleView& runs, const Args& a) {
  return report(estimators::SupersampleStats::accumulate(runs), a, &runs);
}

Json cmi_result(const estimators::SupersampleStats& stats, const Args& a) { return report(stats, a, nullptr); }

Command cmi_command() {
  return {
      "cmi",
      "Supersample CMI: per-pair f-/e-/ld-CMI and ld-MI estimates from saved runs, and the bounds built on them.",
      {
          {.name = "runs", .kind = Kind::path, .doc = "Supersample runs file (.npz, .json or .csv; see data/SCHEMA.md)."},
          {.name = "loss-min", .kind = Kind::real, .doc = "Lower end of the declared loss range.", .default_value = 0.0},
          {.name = "loss-max", .kind = Kind::real, .doc = "Upper end of the declared loss range.", .default_value = 1.0},
          {.name = "correction", .kind = Kind::text, .doc = "Bias correction of the plug-in MI estimates.",
           .default_value = "none", .choices = {"none", "miller-madow", "jackknife"}},
          {.name = "bootstrap", .kind = Kind::integer,
           .doc = "Bootstrap replicates over runs for the 90% intervals of the mean estimates (0: none).",
           .default_value = 200, .range = Range{0, 100000}},
          {.name = "per-pair", .kind = Kind::flag,
           .doc = "Also report each pair's estimates under per_pair: f-, e- and ld-CMI averaged over the supersamples, "
                  "and ld-MI."},
          {.name = "format", .kind = Kind::text, .doc = "Output: JSON object or a text table.", .default_value = "json",
           .choices = {"json", "table"}},
      },
      [](const Args& a) {
        // The file is mapped and read in place: no copy, no conversion to double.
        const auto runs = data::open_supersample_runs(a.text("runs"), a.real("loss-min"), a.real("loss-max"));
        return cmi_result(runs.view(), a);
      },
  };
}

}  // namespace itbound::cli
