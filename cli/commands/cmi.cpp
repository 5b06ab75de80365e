#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

#include "commands.hpp"
#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/cli/cmi.hpp"
#include "itbound/cli/progress.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/continuous_cmi.hpp"
#include "runs_report.hpp"

namespace itbound::cli {
namespace {

using estimators::Correction;

// Over the raw per-pair k-NN estimates: the fraction below 0 (noise around a small true MI), the sample sd,
// the share of estimation samples whose ties were broken (a sign the loss is discrete) and the share of
// estimates left undetermined by too few runs (the bounds take ln 2 for those).
Json knn_summary(const estimators::KnnTerm& t) {
  const auto& raw = t.raw;
  double neg = 0, m = mean(raw), var = 0;
  for (double x : raw) neg += x < 0, var += (x - m) * (x - m);
  const double n = static_cast<double>(raw.size());
  return {{"negative_fraction", raw.empty() ? 0.0 : neg / n},
          {"pair_sd", raw.size() > 1 ? std::sqrt(var / (n - 1)) : 0.0},
          {"tied_fraction", t.tied_fraction},
          {"undetermined_fraction", raw.empty() ? 0.0 : static_cast<double>(t.undetermined) / n}};
}

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * fraction);
  return buf;
}

// Per pair i: the mean over the k1 supersamples of per[s * n + i]; null for an absent measure.
Json over_supersamples(const std::vector<double>& per, std::size_t k1, std::size_t n) {
  if (per.empty()) return Json();
  std::vector<double> m(n, 0.0);
  for (std::size_t s = 0; s < k1; ++s)
    for (std::size_t i = 0; i < n; ++i) m[i] += per[s * n + i] / static_cast<double>(k1);
  return Json(m);
}

// The result from statistics and, where they are at hand, the runs they came from: the bootstrap resamples
// the runs and the k-NN estimator reads their raw losses.
Json report(const estimators::SupersampleStats& stats, const Args& a, const estimators::SupersampleView* runs) {
  const Correction correction = correction_of(a);
  const bool knn = a.text("estimator") == "knn";
  if (knn && !runs)
    fail("estimator", "knn needs the raw losses, and statistics keep only counts: use the plug-in estimator, or give "
                      "the runs (itbound.cmi(mask=..., loss=...))");
  const int k = static_cast<int>(a.integer("k"));
  estimators::KnnCmiEstimates knn_est;
  if (knn) knn_est = estimators::estimate_cmi_knn(estimators::to_runs(*runs), k);  // the only full copy of the runs
  const auto est = knn ? knn_est.clamped : stats.finalize(correction);
  Json out = Json::object();
  out["train_error"] = est.train_error;
  out["heldout_error"] = est.heldout_error;
  out["gap"] = mean(est.run_gap);
  out["shape"] = {{"k1", stats.k1()}, {"k2", stats.k2()}, {"n", stats.n()}};
  out["correction"] = a.text("correction");
  out["estimator"] = a.text("estimator");
  // k-NN: the raw means (they can be negative); the bounds use the per-pair values clamped to [0, ln 2].
  const auto& ecmi = knn ? knn_est.ecmi.raw : est.ecmi;
  const auto& ldcmi = knn ? knn_est.ldcmi.raw : est.ldcmi;
  const auto& ldmi = knn ? knn_est.ldmi.raw : est.ldmi;
  const auto& slmi = knn ? knn_est.slmi.raw : est.slmi;
  out["estimates"] = {{"fcmi_mean", est.fcmi.empty() ? Json() : Json(mean(est.fcmi))},
                      {"ecmi_mean", mean(ecmi)},
                      {"ldcmi_mean", mean(ldcmi)},
                      {"ldmi_mean", mean(ldmi)},
                      {"slmi_mean", mean(slmi)}};
  if (knn) {
    out["knn"] = {{"k", k},
                  {"fcmi", "plug-in on the integer predictions"},
                  {"ecmi", knn_summary(knn_est.ecmi)},
                  {"ldcmi", knn_summary(knn_est.ldcmi)},
                  {"ldmi", knn_summary(knn_est.ldmi)},
                  {"slmi", knn_summary(knn_est.slmi)},
                  {"bootstrap", "not computed: resampling runs with replacement duplicates points, which "
                                "breaks k-NN distances"}};
  } else if (const auto reps = runs ? a.integer("bootstrap") : 0; reps > 0 && a.text("interval") != "none") {
    const bool boot = a.text("interval") == "bootstrap";
    const auto method = boot ? estimators::IntervalMethod::bootstrap : estimators::IntervalMethod::jackknife;
    const auto b = estimators::cmi_intervals(
        *runs, stats, est,
        {.method = method, .correction = correction, .replicates = static_cast<int>(reps), .progress = progress()});
    const auto pair = [](estimators::Interval i) { return Json::array({i.lo, i.hi}); };
    if (!est.fcmi.empty()) out["estimates"]["fcmi_interval"] = pair(b.fcmi);
    out["estimates"]["ecmi_interval"] = pair(b.ecmi);
    out["estimates"]["ldcmi_interval"] = pair(b.ldcmi);
    out["estimates"]["ldmi_interval"] = pair(b.ldmi);
    auto& interval = out["estimates"]["interval"];
    interval = {{"method", to_string(b.method)}, {"level", b.level}, {"covers", estimators::kIntervalCovers}};
    if (boot) interval["replicates"] = b.replicates;
    else interval["standard_errors"] = {{"fcmi", est.fcmi.empty() ? Json() : Json(b.fcmi_se)}, {"ecmi", b.ecmi_se},
                                        {"ldcmi", b.ldcmi_se}, {"ldmi", b.ldmi_se}};
  }
  out["bounds"] = Json::array();
  CmiBoundInput in{stats.shape(), &est, correction, std::nullopt, a.text("estimator")};
  if (knn)
    in.information_detail = "k-NN (Ross 2014) with k = " + std::to_string(k) + "; ties broken in " +
                            percent(knn_est.ecmi.tied_fraction) + " of the e-CMI samples" +
                            (knn_est.ecmi.tied_fraction > 0.1 ? " (the losses look discrete: the plug-in estimator "
                                                                "is meant for them)" : "") +
                            "; from tens of runs the 2-d e-CMI estimate can be far below the truth where the loss "
                            "densities have edges (estimators/KNN-K.md): prefer the ld-CMI bound" +
                            (knn_est.ecmi.undetermined > 0
                                 ? "; " + std::to_string(knn_est.ecmi.undetermined) + " per-pair estimates had a "
                                   "selector value seen at most once and count as ln 2"
                                 : std::string());
  if (a.has("total-cmi")) in.total_cmi = a.real("total-cmi");
  for (const auto& cert : cmi_bounds(in)) out["bounds"].push_back(data::to_json(cert));
  if (a.flag("per-pair")) {
    // Per pair i: f-, e- and ld-CMI averaged over the supersamples; ld-MI and single-loss MI as they are (pooled).
    const auto k1 = static_cast<std::size_t>(stats.k1()), n = static_cast<std::size_t>(stats.n());
    out["per_pair"] = {{"fcmi", over_supersamples(est.fcmi, k1, n)},
                       {"ecmi", over_supersamples(ecmi, k1, n)},
                       {"ldcmi", over_supersamples(ldcmi, k1, n)},
                       {"ldmi", ldmi},
                       {"slmi", slmi}};
  }
  return runs_output(std::move(out), a, "heldout_error", "held-out error", "mean per-pair MI (nats)");
}

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

Json cmi_result(const estimators::SupersampleView& runs, const Args& a) {
  return report(estimators::SupersampleStats::accumulate(runs), a, &runs);
}

Json cmi_result(const estimators::SupersampleStats& stats, const Args& a) { return report(stats, a, nullptr); }

estimators::CmiEstimates cmi_estimates(const estimators::SupersampleStats& stats, const Args& a) {
  return stats.finalize(correction_of(a));
}

Command cmi_command() {
  return {
      "cmi",
      "Supersample CMI: per-pair f-/e-/ld-CMI and ld-MI estimates from saved runs, and the bounds built on them.",
      runs_params(
          "Supersample runs file (.npz, .json or .csv; see data/SCHEMA.md).",
          {{.name = "estimator", .kind = Kind::text,
            .doc = "Information estimator: plug-in (discrete losses: 0-1, a few levels) or knn (continuous losses: "
                   "Ross's k-NN estimator per pair, raw estimates reported, clamped at 0 for the bounds; "
                   "estimators/KNN-K.md).",
            .default_value = "plug-in", .choices = {"plug-in", "knn"}},
           {.name = "k", .kind = Kind::integer, .doc = "Neighbours of the knn estimator (bias/variance: estimators/KNN-K.md).",
            .default_value = 1, .range = Range{1, 1000}},
           {.name = "total-cmi", .kind = Kind::real,
            .doc = "Total CMI I(W; U | Z~) in nats, if known from elsewhere (at most n ln 2): adds the cmi-total-sqrt bound.",
            .default_value = Json(), .range = Range{0, 1e300}},
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
        return cmi_result(runs.view(), a);
      },
  };
}

}  // namespace itbound::cli
