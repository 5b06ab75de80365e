#include "commands.hpp"
#include "itbound/bounds/rrm.hpp"
#include "itbound/data/rrm_io.hpp"

namespace itbound::cli {

Command rrm_command() {
  return {
      "rrm",
      "Rationality, robustness and memorization (Bansal, Kaplun & Barak 2021): the generalization gap of a clean run "
      "decomposed with K runs on eta-noisy labels, the memorization bound sqrt(C^pc/(2n))/eta and the RRM bound.",
      {
          {.name = "runs", .kind = Kind::path,
           .doc = "RRM runs (.npz or .json): y, clean_pred, noisy_labels, noisy_pred, test_accuracy or test_pred and "
                  "test_y, num_classes, eta, optionally noised (data/RRM-SCHEMA.md).",
           .positional = true},
          {.name = "bootstrap", .kind = Kind::integer,
           .doc = "Bootstrap replicates over the K runs for the interval of the per-example information (0: none).",
           .default_value = 200, .range = Range{0, 100000}},
      },
      [](const Args& a) {
        return Report("rrm", evaluate_rrm(data::read_rrm_runs(a.text("runs")),
                                          {static_cast<int>(a.integer("bootstrap"))}));
      },
      [] { return Report("rrm", RrmReport{}); },
  };
}

}  // namespace itbound::cli
