#include "commands.hpp"
#include "itbound/bounds/loo_cmi_bounds.hpp"
#include "itbound/data/loo_io.hpp"
#include "runs_report.hpp"

namespace itbound::cli {

Command loo_cmi_command() {
  return {
      "loo-cmi",
      "Leave-one-out CMI: the evaluated loo-CMI I(L; U | Z~) per supersample from saved leave-one-out runs, the "
      "bounds built on it, and a certified upper limit on the expected risk.",
      runs_params("Leave-one-out runs file (.npz, .json or .csv; see data/SCHEMA.md, \"Leave-one-out runs\")."),
      [](const Args& a) {
        const auto runs = data::read_loo_runs(a.text("runs"), a.real("loss-min"), a.real("loss-max"));
        return Report("loo-cmi", evaluate_loo_cmi(runs, correction_of(a), a.real("delta")));
      },
      [] { return Report("loo-cmi", LooCmiReport{}); },
  };
}

}  // namespace itbound::cli
