#include "commands.hpp"
#include "itbound/bounds/dp_prior.hpp"

namespace itbound::cli {

Command dp_gibbs_prior_command() {
  return {
      "dp-gibbs-prior",
      "Differential privacy of a Gibbs prior P exp(-tau R_hat) sampled exactly (exponential mechanism: epsilon = 2 tau "
      "range / n), for pac-bayes --dp-epsilon; SGLD sampling only approximates it.",
      {
          {.name = "tau", .kind = Kind::real, .doc = "Inverse temperature tau of the Gibbs prior P exp(-tau R_hat).",
           .range = Range{0, 1e300}},
          {.name = "n", .kind = Kind::integer, .doc = "Bound examples the empirical risk R_hat averages over.",
           .range = Range{1, 4.5e15}},
          {.name = "loss-range", .kind = Kind::real, .doc = "Width of the loss range (1 for the 0-1 loss).",
           .default_value = 1.0, .range = Range{0, 1e300, true}},
          {.name = "delta", .kind = Kind::real, .doc = "Confidence of the PAC-Bayes bound the prior is for.",
           .default_value = 0.05, .range = Range{0, 1, true, true}},
      },
      [](const Args& a) {
        return Report("dp-gibbs-prior", gibbs_prior_privacy({a.real("tau"), a.integer("n"), a.real("loss-range"),
                                                             a.real("delta")}));
      },
      [] { return Report("dp-gibbs-prior", GibbsPriorPrivacy{}); },
  };
}

}  // namespace itbound::cli
