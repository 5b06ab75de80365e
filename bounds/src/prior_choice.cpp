#include "itbound/bounds/prior_choice.hpp"

#include <cmath>
#include <string>

#include "itbound/bounds/split.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/kl_divergence.hpp"
#include "itbound/solvers/maurer.hpp"

namespace itbound {

std::vector<DeltaCharge> grid_ledger(const char* what, double charge, std::size_t points) {
  const std::string grid = std::string(what) + " (" + std::to_string(points) + " points, uniform union bound)";
  return {{"PAC-Bayes-kl bound at the chosen point of the " + grid, charge},
          {"the other grid points of the " + grid, charge * static_cast<double>(points - 1)}};
}

void set_grid_kl_result(Certificate& cert, std::string name, double raw, SolverStatus status, const GridChoice& grid) {
  cert.name = std::move(name);
  if (cert.quantity.empty()) cert.quantity = "R(Q), the expected loss of the posterior Q (Gibbs) on the task distribution";
  cert.set_value(raw, 1.0);
  cert.status = status;
  cert.delta_ledger = grid_ledger(grid.grid, grid.charge, grid.points);
  cert.add_assumption("grid_declared_in_advance", grid.declared, Holds::unchecked, grid.declared_detail);
}

Certificate data_dependent_prior_bound(const PriorChoiceOptions& o) {
  const Eigen::Index d = o.posterior_mean.size();
  if (d == 0) fail("posterior_mean", "must not be empty");
  if (o.centre0.size() != d) fail("centre0", "must have the posterior mean's length " + std::to_string(d));
  if (o.centre1.size() != d) fail("centre1", "must have the posterior mean's length " + std::to_string(d));
  if (!o.centre0.allFinite()) fail("centre0", "must be finite");
  if (!o.centre1.allFinite()) fail("centre1", "must be finite");
  require_probability(o.empirical_risk, "empirical_risk");
  require_delta(o.delta);
  const SplitRecord split = check_split(o.bound_indices, o.prior_indices);
  validate(o.grid);
  const double charge = uniform_grid_charge(o.delta, o.grid.size());

  KlInverseResult last{};
  if (o.posterior_std.size() != 1 && o.posterior_std.size() != d)
    fail("posterior_std", "must have 1 entry or one per coordinate (" + std::to_string(d) + ")");
  for (Eigen::Index i = 0; i < o.posterior_std.size(); ++i)
    if (!(o.posterior_std[i] > 0.0 && std::isfinite(o.posterior_std[i]))) fail("posterior_std", "must be positive and finite");
  const Eigen::ArrayXd posterior_std =
      o.posterior_std.size() == 1 ? Eigen::ArrayXd::Constant(d, o.posterior_std[0]) : Eigen::ArrayXd(o.posterior_std);
  double last_kl = 0.0;
  const auto bound_at = [&](double t, double s) {
    last_kl = kl_diag_gaussian(o.posterior_mean, posterior_std, (1.0 - t) * o.centre0 + t * o.centre1, s);
    last = pac_bayes_kl_inverse(o.empirical_risk, last_kl, split.bound_size, charge);
    return last.value;
  };
  const PriorGridChoice choice = minimise_over_prior_grid(o.grid, bound_at);
  // Recompute at the chosen grid point: this value, not the relaxation, is the certificate.
  const double t = o.grid.mix[choice.mix_index], s = o.grid.scale[choice.scale_index];
  bound_at(t, s);

  Certificate cert;
  cert.inputs = {{"empirical_risk", o.empirical_risk},
                 {"n", split.bound_size},
                 {"dimension", static_cast<std::int64_t>(d)},
                 {"delta", o.delta},
                 {"grid_mix_points", static_cast<std::int64_t>(o.grid.mix.size())},
                 {"grid_scale_points", static_cast<std::int64_t>(o.grid.scale.size())},
                 {"prior_set_size", split.prior_size}};
  cert.add_assumption("prior_independent_of_bound_set",
                      "the prior centres were computed without the bound-set examples",
                      split.disjoint_checked ? Holds::yes : Holds::unchecked,
                      split.disjoint_checked ? "prior_indices and bound_indices are disjoint"
                                             : "no prior_indices given: disjointness not checked");
  // After the disjointness assumption, which stays the first one listed.
  set_grid_kl_result(cert, "pac-bayes-kl-data-dependent-prior", last.value, last.status,
                     {"prior grid (mix t x scale)", charge, o.grid.size(),
                      "the grid was fixed before the bound set was looked at", "cannot be checked from the arrays"});
  cert.add_assumption("empirical_risk_on_bound_set",
                      "empirical_risk is the posterior's Gibbs risk on exactly the bound_indices examples",
                      Holds::unchecked, "computed by the caller");
  cert.add_assumption("iid_bound_set", "bound-set examples are iid from the task distribution", Holds::unchecked);
  cert.add_assumption("loss_in_unit_interval", "the Gibbs risk is of a loss in [0, 1]", Holds::yes,
                      "empirical_risk is in [0, 1]");
  cert.details = {{"prior_mix", t},
                  {"prior_scale", s},
                  {"kl", last_kl},
                  {"log_xi", log_maurer_xi(split.bound_size)},
                  {"delta_per_grid_point", charge},
                  {"split_hash", split.hash},
                  {"relaxed_mix", choice.relaxed_mix},
                  {"relaxed_scale", choice.relaxed_scale},
                  {"relaxed_value", choice.relaxed_value},
                  {"optimiser", choice.optimiser},
                  {"optimiser_result", choice.optimiser_result},
                  {"optimiser_status", std::string(to_string(choice.status))},
                  {"objective_evaluations", static_cast<std::int64_t>(choice.evaluations)}};
  cert.reference = {"Maurer (2004), A note on the PAC Bayesian theorem; Seeger (2002), JMLR 3; data-dependent "
                    "priors: Dziugaite et al. (2021), AISTATS",
                    "Maurer's Theorem 5 (per Alquier 2024, Thm 3.2) with xi(n) for 2 sqrt(n), on the bound set only; "
                    "prior grid charged by a union bound"};
  return cert;
}

PriorReport evaluate_prior(const PriorChoiceOptions& o) {
  PriorReport r{data_dependent_prior_bound(o), {}};
  double t = 0.0;
  for (const auto& d : r.certificate.details)
    if (d.name == "prior_mix") t = std::get<double>(d.value);
  const Eigen::ArrayXd centre = (1.0 - t) * o.centre0 + t * o.centre1;
  r.prior_mean.assign(centre.data(), centre.data() + centre.size());
  return r;
}

void visit(const PriorReport& r, FieldVisitor& v) {
  visit(r.certificate, v);
  v.vector("prior_mean", r.prior_mean, "The chosen prior's centre (1 - t) c0 + t c1, to store beside the certificate.");
}

}  // namespace itbound
