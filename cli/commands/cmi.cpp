#include <cmath>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/continuous_cmi.hpp"
#include "runs_report.hpp"

namespace itbound::cli {
namespace {

using estimators::Correction;

// Over the raw per-pair k-NN estimates: the fraction below 0 (noise around a small true MI), the sample sd
// and the share of estimation samples whose ties were broken (a sign the loss is discrete).
Json knn_summary(const estimators::KnnTerm& t) {
  const auto& raw = t.raw;
  double neg = 0, m = mean(raw), var = 0;
  for (double x : raw) neg += x < 0, var += (x - m) * (x - m);
  const double n = static_cast<double>(raw.size());
  return {{"negative_fraction", raw.empty() ? 0.0 : neg / n},
          {"pair_sd", raw.size() > 1 ? std::sqrt(var / (n - 1)) : 0.0},
          {"tied_fraction", t.tied_fraction}};
}

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * fraction);
  return buf;
}

}  // namespace

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
           {.name = "bootstrap", .kind = Kind::integer,
            .doc = "Bootstrap replicates over runs for the 90% intervals of the mean estimates (0: none; plug-in only).",
            .default_value = 200, .range = Range{0, 100000}}}),
      [](const Args& a) {
        const Correction correction = correction_of(a);
        const auto runs = data::read_supersample_runs(a.text("runs"), a.real("loss-min"), a.real("loss-max"));
        const bool knn = a.text("estimator") == "knn";
        const int k = static_cast<int>(a.integer("k"));
        estimators::KnnCmiEstimates knn_est;
        estimators::SingleLossKnn knn_single;
        if (knn) {
          knn_est = estimators::estimate_cmi_knn(runs, k);
          knn_single = estimators::single_loss_mi_knn(runs, k);
        }
        const auto est = knn ? knn_est.clamped : estimators::estimate_cmi(runs, correction);
        const auto single = knn ? knn_single.clamped : estimators::single_loss_mi(runs, correction);
        Json out = Json::object();
        out["train_error"] = est.train_error;
        out["heldout_error"] = est.heldout_error;
        out["gap"] = mean(est.run_gap);
        out["shape"] = {{"k1", runs.k1}, {"k2", runs.k2}, {"n", runs.n}};
        out["correction"] = a.text("correction");
        out["estimator"] = a.text("estimator");
        // k-NN: the raw means (they can be negative); the bounds use the per-pair values clamped to [0, ln 2].
        out["estimates"] = {{"fcmi_mean", est.fcmi.empty() ? Json() : Json(mean(est.fcmi))},
                            {"ecmi_mean", mean(knn ? knn_est.ecmi.raw : est.ecmi)},
                            {"ldcmi_mean", mean(knn ? knn_est.ldcmi.raw : est.ldcmi)},
                            {"ldmi_mean", mean(knn ? knn_est.ldmi.raw : est.ldmi)},
                            {"slmi_mean", mean(knn ? knn_single.slmi.raw : single)}};
        if (knn) {
          out["knn"] = {{"k", k},
                        {"fcmi", "plug-in on the integer predictions"},
                        {"ecmi", knn_summary(knn_est.ecmi)},
                        {"ldcmi", knn_summary(knn_est.ldcmi)},
                        {"ldmi", knn_summary(knn_est.ldmi)},
                        {"slmi", knn_summary(knn_single.slmi)},
                        {"bootstrap", "not computed: resampling runs with replacement duplicates points, which "
                                      "breaks k-NN distances"}};
        } else if (const auto reps = a.integer("bootstrap"); reps > 0) {
          // Fixed seed: the same file always gives the same intervals.
          const auto b = estimators::bootstrap_cmi(runs, correction, static_cast<int>(reps), 0.9, 20240601);
          const auto pair = [](estimators::Interval i) { return Json::array({i.lo, i.hi}); };
          if (!est.fcmi.empty()) out["estimates"]["fcmi_interval"] = pair(b.fcmi);
          out["estimates"]["ecmi_interval"] = pair(b.ecmi);
          out["estimates"]["ldcmi_interval"] = pair(b.ldcmi);
          out["estimates"]["ldmi_interval"] = pair(b.ldmi);
          out["estimates"]["interval"] = {{"method", "percentile bootstrap over runs"}, {"level", 0.9}, {"replicates", b.replicates}};
        }
        out["bounds"] = Json::array();
        CmiBoundInput in{&runs, &est, correction, &single, std::nullopt, a.text("estimator")};
        if (knn)
          in.information_detail = "k-NN (Ross 2014) with k = " + std::to_string(k) + "; ties broken in " +
                                  percent(knn_est.ecmi.tied_fraction) + " of the e-CMI samples" +
                                  (knn_est.ecmi.tied_fraction > 0.1 ? " (the losses look discrete: the plug-in estimator "
                                                                      "is meant for them)" : "") +
                                  "; from tens of runs the 2-d e-CMI estimate can be far below the truth where the loss "
                                  "densities have edges (estimators/KNN-K.md): prefer the ld-CMI bound";
        if (a.has("total-cmi")) in.total_cmi = a.real("total-cmi");
        for (const auto& cert : cmi_bounds(in)) out["bounds"].push_back(data::to_json(cert));
        return runs_output(std::move(out), a, "heldout_error", "held-out error", "mean per-pair MI (nats)");
      },
  };
}

}  // namespace itbound::cli
