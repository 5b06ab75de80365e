#include <string>

#include "commands.hpp"
#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"
#include "runs_report.hpp"

namespace itbound::cli {

using estimators::Correction;

Command cmi_command() {
  return {
      "cmi",
      "Supersample CMI: per-pair f-/e-/ld-CMI and ld-MI estimates from saved runs, and the bounds built on them.",
      runs_params("Supersample runs file (.npz, .json or .csv; see data/SCHEMA.md).",
                  {{.name = "bootstrap", .kind = Kind::integer,
                    .doc = "Bootstrap replicates over runs for the 90% intervals of the mean estimates (0: none).",
                    .default_value = 200, .range = Range{0, 100000}}}),
      [](const Args& a) {
        const Correction correction = correction_of(a);
        const auto runs = data::read_supersample_runs(a.text("runs"), a.real("loss-min"), a.real("loss-max"));
        const auto est = estimators::estimate_cmi(runs, correction);
        Json out = Json::object();
        out["train_error"] = est.train_error;
        out["heldout_error"] = est.heldout_error;
        out["gap"] = mean(est.run_gap);
        out["shape"] = {{"k1", runs.k1}, {"k2", runs.k2}, {"n", runs.n}};
        out["correction"] = a.text("correction");
        out["estimates"] = {{"fcmi_mean", est.fcmi.empty() ? Json() : Json(mean(est.fcmi))},
                            {"ecmi_mean", mean(est.ecmi)},
                            {"ldcmi_mean", mean(est.ldcmi)},
                            {"ldmi_mean", mean(est.ldmi)}};
        if (const auto reps = a.integer("bootstrap"); reps > 0) {
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
        for (const auto& cert : cmi_bounds({&runs, &est, correction})) out["bounds"].push_back(data::to_json(cert));
        return runs_output(std::move(out), a, "heldout_error", "held-out error", "mean per-pair MI (nats)");
      },
  };
}

}  // namespace itbound::cli
