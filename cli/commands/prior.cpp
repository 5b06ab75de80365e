#include "commands.hpp"
#include "itbound/bounds/prior_choice.hpp"
#include "itbound/data/csv_matrix.hpp"

namespace itbound::cli {

std::vector<Param> with_prior_scale_grid(std::vector<Param> params) {
  params.insert(params.end(), {
      {.name = "scale-top", .kind = Kind::real, .doc = "Largest prior std of the grid top * exp(-j / b).",
       .default_value = 1.0, .range = Range{0, 1e6, true}},
      {.name = "scale-b", .kind = Kind::real, .doc = "Grid spacing b of the prior std grid.", .default_value = 1.0,
       .range = Range{0, 1e6, true}},
      {.name = "scale-count", .kind = Kind::integer, .doc = "Number of prior std grid points j = 0..count-1.",
       .default_value = 10, .range = Range{1, 100000}},
  });
  return params;
}

std::vector<double> prior_scale_grid(const Args& a) {
  return geometric_grid(a.real("scale-top"), a.real("scale-b"), static_cast<int>(a.integer("scale-count")));
}

Command prior_command() {
  return {
      "prior",
      "Chooses a Gaussian prior N((1-t) c0 + t c1, s^2 I) on a declared grid for a stored Gaussian posterior and "
      "certifies its Gibbs risk with the PAC-Bayes-kl bound on the bound set (grid charged to the delta ledger).",
      with_prior_scale_grid({
          {.name = "posterior-mean", .kind = Kind::path, .doc = "CSV of the posterior mean (any layout, read in order)."},
          {.name = "posterior-std", .kind = Kind::path, .doc = "CSV of the posterior std: one value or one per coordinate."},
          {.name = "centre0", .kind = Kind::path, .doc = "CSV of prior centre c0 (e.g. the initialisation w0)."},
          {.name = "centre1", .kind = Kind::path, .doc = "CSV of prior centre c1 (e.g. weights trained on S_alpha)."},
          {.name = "emp-risk", .kind = Kind::real, .doc = "Posterior's empirical Gibbs risk on the bound set.",
           .range = Range{0, 1}},
          {.name = "bound-indices", .kind = Kind::path, .doc = "Indices of the bound-set examples; n is their number."},
          {.name = "prior-indices", .kind = Kind::path,
           .doc = "Indices of the examples the centres were fitted on (checked disjoint from the bound set).",
           .default_value = Json()},
          {.name = "delta", .kind = Kind::real, .doc = "Total confidence parameter, split uniformly over the grid.",
           .default_value = 0.05, .range = Range{0, 1, true, true}},
          {.name = "mix-count", .kind = Kind::integer, .doc = "Grid of t: mix-count points evenly on [0, 1].",
           .default_value = 11, .range = Range{1, 10000}},
      }),
      [](const Args& a) {
        PriorChoiceOptions o;
        o.posterior_mean = data::read_csv_vector(a.text("posterior-mean"), "posterior-mean").array();
        o.posterior_std = data::read_csv_vector(a.text("posterior-std"), "posterior-std").array();
        o.centre0 = data::read_csv_vector(a.text("centre0"), "centre0").array();
        o.centre1 = data::read_csv_vector(a.text("centre1"), "centre1").array();
        o.empirical_risk = a.real("emp-risk");
        o.bound_indices = data::read_integer_list(a.text("bound-indices"), "bound-indices");
        if (a.has("prior-indices"))
          o.prior_indices = data::read_integer_list(a.text("prior-indices"), "prior-indices");
        o.delta = a.real("delta");
        const int mix_count = static_cast<int>(a.integer("mix-count"));
        o.grid = {linear_grid(0.0, 1.0, mix_count), prior_scale_grid(a)};
        return Report("prior", evaluate_prior(o));
      },
      [] { return Report("prior", PriorReport{}); },
  };
}

}  // namespace itbound::cli
