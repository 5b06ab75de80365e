#pragma once
// PAC-Bayes-kl certificate for a Gaussian posterior with a data-dependent Gaussian prior chosen from a
// declared grid (Dziugaite et al. 2021, "On the role of data in PAC-Bayes bounds", AISTATS; Dziugaite &
// Roy 2018; Perez-Ortiz et al. 2021, JMLR 22).
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"
#include "itbound/bounds/pac_bayes.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/prior.hpp"

namespace itbound {

struct PriorChoiceOptions {
  Eigen::ArrayXd posterior_mean;
  Eigen::ArrayXd posterior_std;  // 1 entry (isotropic) or one per coordinate
  Eigen::ArrayXd centre0, centre1;  // prior centre (1 - t) centre0 + t centre1
  double empirical_risk = 0.0;   // the posterior's Gibbs risk on the bound set, in [0, 1]
  std::vector<std::int64_t> bound_indices;  // the bound set: n is its size
  std::vector<std::int64_t> prior_indices;  // examples the prior centres were fitted on (may be empty)
  PriorGrid grid;
  double delta = 0.05;
};

// Chooses t and the prior scale on the grid (NLopt on the relaxation, snapped, recomputed) and certifies
// the Gibbs risk of the posterior. Each of the |grid| points is charged delta / |grid|.
Certificate data_dependent_prior_bound(const PriorChoiceOptions& options);

// The result of `itbound prior`: the certificate's fields, then the chosen prior's centre.
struct PriorReport {
  Certificate certificate;
  std::vector<double> prior_mean;
};
PriorReport evaluate_prior(const PriorChoiceOptions& options);
void visit(const PriorReport& r, FieldVisitor& v);

// Ledger entries for a uniform union bound over a grid: the chosen point's charge and the rest, summing
// to at most delta.
std::vector<DeltaCharge> grid_ledger(const char* what, double charge, std::size_t points);

// What a PAC-Bayes-kl certificate chosen on a declared grid shares (prior and self-certify): name, value capped at 1,
// solver status, the grid's ledger and the assumption that the grid was declared before the data were seen.
struct GridChoice {
  const char* grid;             // e.g. "grid alpha x prior scale"
  double charge;                // delta per grid point
  std::size_t points;
  std::string declared;         // what had to be fixed in advance, in words
  std::string declared_detail;  // why that cannot be checked here
};
void set_grid_kl_result(Certificate& cert, std::string name, double raw, SolverStatus status, const GridChoice& grid);

}  // namespace itbound
