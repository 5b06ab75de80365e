#include <cmath>

#include "commands.hpp"
#include "itbound/bounds/pac_bayes.hpp"
#include "itbound/data/number_arrays.hpp"
#include "itbound/error.hpp"

namespace itbound::cli {
namespace {

std::optional<double> optional_real(const Args& a, const std::string& name) {
  return a.has(name) ? std::optional<double>(a.real(name)) : std::nullopt;
}

// The Monte Carlo step from N and the mean error, or from the per-predictor errors (a file or an inline array).
std::optional<MonteCarloOptions> monte_carlo(const Args& a) {
  const bool mean = a.has("mc-samples") || a.has("mc-mean-error");
  if (a.has("mc-sample-errors")) {
    if (mean) fail("mc-sample-errors", "give either the per-sample errors or mc-samples and mc-mean-error, not both");
    const Json& v = a.json().at("mc-sample-errors");
    const data::NdArray errors = v.is_array() ? data::number_array_from_json(v, "mc-sample-errors")
                                              : data::read_number_array(a.text("mc-sample-errors"), "mc-sample-errors", "errors");
    return monte_carlo_from_error_array(data::as_vector(errors), errors.shape, a.integer("n"), a.real("delta-mc"));
  }
  if (a.has("mc-samples") != a.has("mc-mean-error"))
    fail("mc-mean-error", "give both mc-samples and mc-mean-error, or neither");
  if (!mean) return std::nullopt;
  return MonteCarloOptions{a.integer("mc-samples"), a.real("mc-mean-error"), a.real("delta-mc")};
}

}  // namespace

Command pac_bayes_command() {
  const Json optional = nullptr;
  return {
      "pac-bayes",
      "Every PAC-Bayes bound for losses in [0,1] side by side (kl and its variants, McAllester, quad, lambda, "
      "Catoni, relaxations, empirical Bernstein given the variance), each with its delta ledger, and the best valid one.",
      with_kl_source({
          {.name = "emp-risk", .kind = Kind::real, .doc = "Empirical Gibbs risk of the posterior on the n bound examples "
                                                          "(omit when giving the Monte Carlo estimate).",
           .default_value = optional, .range = Range{0, 1}},
          {.name = "n", .kind = Kind::integer, .doc = "Examples in the bound set only (not those that trained the prior).",
           .range = Range{1, 4.5e15}},
          {.name = "delta", .kind = Kind::real, .doc = "Confidence parameter of the PAC-Bayes bound.",
           .default_value = 0.05, .range = Range{0, 1, true, true}},
          {.name = "mc-samples", .kind = Kind::integer, .doc = "Number N of predictors sampled from the posterior.",
           .default_value = optional, .range = Range{1, 4.5e15}},
          {.name = "mc-mean-error", .kind = Kind::real, .doc = "Mean empirical risk of the N sampled predictors.",
           .default_value = optional, .range = Range{0, 1}, .aliases = {"mc-error"}},
          {.name = "mc-sample-errors", .kind = Kind::path,
           .doc = "File of the N sampled predictors' empirical risks on the n examples, one per predictor, or an (N, n) "
                  "matrix of their per-example losses whose rows are averaged (.npy, .npz with one array or 'errors', "
                  ".csv, or a column 'errors' under a header, .json array); N and the mean are taken from it (instead of "
                  "--mc-samples and --mc-mean-error).",
           .default_value = optional, .inline_numbers = true, .aliases = {"mc-errors"}},
          {.name = "delta-mc", .kind = Kind::real, .doc = "Confidence spent on the Monte Carlo step (added to delta).",
           .default_value = 0.01, .range = Range{0, 1, true, true}},
          {.name = "prior-grid-index", .kind = Kind::integer,
           .doc = "Index j >= 1 of a prior variance chosen on Dziugaite & Roy's grid c exp(-j/b); costs 2 ln j + ln(pi^2/6) "
                  "(or give --prior-variance).",
           .default_value = optional, .range = Range{1, 4.5e15}},
          {.name = "split-candidates", .kind = Kind::integer,
           .doc = "Number K of split fractions (prior set vs bound set) the one used was chosen from after seeing the "
                  "bound examples; union bound: delta / K and delta-mc / K each.",
           .default_value = 1, .range = Range{1, 1e12}},
          {.name = "epoch-candidates", .kind = Kind::integer,
           .doc = "Number E of epochs / checkpoints the posterior was chosen from after seeing the bound examples; union "
                  "bound: delta / E and delta-mc / E each.",
           .default_value = 1, .range = Range{1, 1e12}},
          {.name = "baseline-error", .kind = Kind::real, .doc = "Error of a trivial predictor; nonvacuous means below it too.",
           .default_value = optional, .range = Range{0, 1}},
          {.name = "emp-variance", .kind = Kind::real,
           .doc = "Posterior mean of each hypothesis' unbiased sample variance of its n bound losses, computed exactly "
                  "(at most n/(n-1) R (1-R)); adds the empirical-bernstein bound (Tolstikhin & Seldin 2013).",
           .default_value = optional, .range = Range{0, 0.5}},
          {.name = "dp-epsilon", .kind = Kind::real,
           .doc = "The prior was chosen from the n bound examples by an epsilon-differentially private mechanism (e.g. an "
                  "exact Gibbs sample, see dp-gibbs-prior): adds kl-dp-prior (Dziugaite & Roy 2018), and for epsilon > 0 "
                  "every fixed-prior bound no longer applies.",
           .default_value = optional, .range = Range{0, 1e300}},
      }),
      [](const Args& a) {
        const KlTerm kl = kl_from_args(a);
        if (std::isinf(kl.kl) && kl.source != "given")
          fail("posterior", "KL(posterior || prior) is +inf (beyond the largest double, or the prior has no mass where "
                            "the posterior has some): every bound would be vacuous");
        PacBayesOptions o;
        o.emp_risk = optional_real(a, "emp-risk");
        o.kl = kl.kl;
        o.n = a.integer("n");
        o.delta = a.real("delta");
        o.baseline_error = optional_real(a, "baseline-error");
        o.emp_variance = optional_real(a, "emp-variance");
        o.dp_epsilon = optional_real(a, "dp-epsilon");
        if (a.has("prior-grid-index")) o.prior_grid_index = a.integer("prior-grid-index");
        if (kl.grid) {
          if (o.prior_grid_index && *o.prior_grid_index != kl.grid->j)
            fail("prior-grid-index", "disagrees with --prior-variance, which is grid point j = " + std::to_string(kl.grid->j));
          o.prior_grid_index = kl.grid->j;
        }
        o.split_candidates = a.integer("split-candidates");
        o.epoch_candidates = a.integer("epoch-candidates");
        o.mc = monte_carlo(a);
        o.kl_term = kl;
        return Report("pac-bayes", pac_bayes_bounds(o));
      },
      [] { return Report("pac-bayes", PacBayesReport{}); },
  };
}

}  // namespace itbound::cli
