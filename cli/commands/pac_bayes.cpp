#include "commands.hpp"
#include "itbound/bounds/pac_bayes.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/gaussian_json.hpp"
#include "itbound/estimators/kl_divergence.hpp"
#include "itbound/error.hpp"

namespace itbound::cli {
namespace {

std::optional<double> optional_real(const Args& a, const std::string& name) {
  return a.has(name) ? std::optional<double>(a.real(name)) : std::nullopt;
}

// The KL term: given directly, or computed from the stored Gaussian parameters (rounded up).
double kl_term(const Args& a) {
  const bool files = a.has("posterior") || a.has("prior");
  if (a.has("kl") == files) fail("kl", "give either --kl or both --posterior and --prior");
  if (!files) return a.real("kl");
  if (!a.has("posterior")) fail("posterior", "is required with --prior");
  if (!a.has("prior")) fail("prior", "is required with --posterior");
  const auto q = data::read_diag_gaussian_json(a.text("posterior"), "posterior");
  const auto p = data::read_diag_gaussian_json(a.text("prior"), "prior", q.mean.size());
  return kl_diag_gaussian(q.mean, q.std, p.mean, p.std);
}

}  // namespace

Command pac_bayes_command() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const Json optional = nullptr;
  return {
      "pac-bayes",
      "Every PAC-Bayes bound for losses in [0,1] side by side (kl and its variants, McAllester, quad, lambda, "
      "Catoni, relaxations), each with its delta ledger, and the best valid one.",
      {
          {.name = "emp-risk", .kind = Kind::real, .doc = "Empirical Gibbs risk of the posterior on the n bound examples "
                                                          "(omit when giving the Monte Carlo estimate).",
           .default_value = optional, .range = Range{0, 1}},
          {.name = "kl", .kind = Kind::real, .doc = "KL(posterior || prior) in nats (or give --posterior and --prior).",
           .default_value = optional, .range = Range{0, inf, false, true}},
          {.name = "posterior", .kind = Kind::path, .doc = "JSON file {mean, std | log_var} of a diagonal Gaussian posterior.",
           .default_value = optional},
          {.name = "prior", .kind = Kind::path, .doc = "JSON file {mean, std | log_var} of the Gaussian prior (numbers: isotropic).",
           .default_value = optional},
          {.name = "n", .kind = Kind::integer, .doc = "Examples in the bound set only (not those that trained the prior).",
           .range = Range{1, 4.5e15}},
          {.name = "delta", .kind = Kind::real, .doc = "Confidence parameter of the PAC-Bayes bound.",
           .default_value = 0.05, .range = Range{0, 1, true, true}},
          {.name = "mc-samples", .kind = Kind::integer, .doc = "Number N of predictors sampled from the posterior.",
           .default_value = optional, .range = Range{1, 4.5e15}},
          {.name = "mc-error", .kind = Kind::real, .doc = "Mean empirical risk of the N sampled predictors.",
           .default_value = optional, .range = Range{0, 1}},
          {.name = "delta-mc", .kind = Kind::real, .doc = "Confidence spent on the Monte Carlo step (added to delta).",
           .default_value = 0.01, .range = Range{0, 1, true, true}},
          {.name = "prior-grid-index", .kind = Kind::integer,
           .doc = "Index j >= 1 of a prior variance chosen on Dziugaite & Roy's grid c exp(-j/b); costs 2 ln j + ln(pi^2/6).",
           .default_value = optional, .range = Range{1, 4.5e15}},
          {.name = "baseline-error", .kind = Kind::real, .doc = "Error of a trivial predictor; nonvacuous means below it too.",
           .default_value = optional, .range = Range{0, 1}},
      },
      [](const Args& a) {
        PacBayesOptions o;
        o.emp_risk = optional_real(a, "emp-risk");
        o.kl = kl_term(a);
        o.n = a.integer("n");
        o.delta = a.real("delta");
        o.baseline_error = optional_real(a, "baseline-error");
        if (a.has("prior-grid-index")) o.prior_grid_index = a.integer("prior-grid-index");
        if (a.has("mc-samples") != a.has("mc-error")) fail("mc-error", "give both mc-samples and mc-error, or neither");
        if (a.has("mc-samples")) o.mc = MonteCarloOptions{a.integer("mc-samples"), a.real("mc-error"), a.real("delta-mc")};
        const PacBayesResult r = pac_bayes_bounds(o);
        Json out = Json::object();
        auto& bounds = out["bounds"] = Json::array();
        for (const auto& c : r.bounds) bounds.push_back(data::to_json(c));
        out["best"] = r.best.empty() ? Json(nullptr) : Json(r.best);
        if (r.mc_upper) out["mc_upper"] = *r.mc_upper;
        out["kl"] = o.kl;
        return out;
      },
  };
}

}  // namespace itbound::cli
