#include <cmath>
#include <string>

#include "commands.hpp"
#include "itbound/bounds/loo_cmi_bounds.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/loo_io.hpp"
#include "runs_report.hpp"

namespace itbound::cli {
namespace {

std::string design_note(const estimators::LooDesign& d) {
  if (d.exact()) return "exhaustive design of a deterministic learner: each supersample's plug-in value is its exact evaluated loo-CMI";
  if (d.exhaustive) return "exhaustive design: U is exactly uniform over each supersample's runs; the learner's randomness is estimated from the runs (plug-in bias)";
  return "not exhaustive: with k2 random leave-outs the plug-in estimate is biased (downward when k2 < n + 1); the bounds need an exhaustive design";
}

}  // namespace

Command loo_cmi_command() {
  return {
      "loo-cmi",
      "Leave-one-out CMI: the evaluated loo-CMI I(L; U | Z~) per supersample from saved leave-one-out runs, and the "
      "bounds built on it.",
      runs_params("Leave-one-out runs file (.npz, .json or .csv; see data/SCHEMA.md, \"Leave-one-out runs\")."),
      [](const Args& a) {
        const auto correction = correction_of(a);
        const auto runs = data::read_loo_runs(a.text("runs"), a.real("loss-min"), a.real("loss-max"));
        const auto est = estimators::estimate_loo_cmi(runs, correction);
        const auto info = estimators::over_supersamples(est.loo_cmi);
        Json out = Json::object();
        out["train_error"] = est.train_error;
        out["loo_error"] = est.loo_error;
        out["gap"] = mean(est.run_gap);
        out["shape"] = {{"k1", runs.k1}, {"k2", runs.k2}, {"n", runs.n}, {"points", runs.n + 1}};
        out["correction"] = a.text("correction");
        out["design"] = {{"exhaustive", est.design.exhaustive},
                         {"repeats", est.design.repeats},
                         {"learner", estimators::to_string(est.design.learner)},
                         {"exact", est.design.exact() && correction == estimators::Correction::none},
                         {"note", design_note(est.design)}};
        out["estimates"] = {{"loo_cmi", info.mean},
                            {"loo_cmi_spread", info.spread},
                            {"loo_cmi_max", std::log(static_cast<double>(runs.n + 1))}};
        out["per_supersample"] = {{"loo_cmi", est.loo_cmi}, {"loo_error", est.supersample_loo_error}};
        out["bounds"] = Json::array();
        for (const auto& cert : loo_cmi_bounds({&runs, &est, correction})) out["bounds"].push_back(data::to_json(cert));
        return runs_output(std::move(out), a, "loo_error", "leave-one-out error", "loo-CMI (nats)");
      },
  };
}

}  // namespace itbound::cli
