#pragma once
// Choosing a data-dependent prior from a declared finite grid. The grid is fixed before the bound is
// looked at and every point is charged in the delta ledger (union bound), so the best point found by any
// search, continuous or not, keeps the certificate valid. NLopt searches the continuous relaxation; the
// optimum is snapped to the grid and the objective recomputed there.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "itbound/solvers/status.hpp"

namespace itbound {

// Prior N(mu(t), s^2 I) with mu(t) = (1 - t) c0 + t c1: t ranges over `mix`, s over `scale`.
struct PriorGrid {
  std::vector<double> mix;    // finite, strictly increasing
  std::vector<double> scale;  // positive, finite, strictly increasing
  std::size_t size() const { return mix.size() * scale.size(); }
};

// count points spaced evenly on [lo, hi] (lo alone when count is 1).
std::vector<double> linear_grid(double lo, double hi, int count);
// Dziugaite & Roy (2017, UAI), Sec. 5: prior scales lambda_j = top * exp(-j / b), j = 0..count-1, returned
// in increasing order.
std::vector<double> geometric_grid(double top, double b, int count);
// Throws InvalidArgument naming grid.mix / grid.scale when a grid is empty, unsorted or out of range.
void validate(const PriorGrid& grid);

// Uniform union bound over `points` grid points: the delta each one gets, rounded down so that
// points * charge <= delta.
double uniform_grid_charge(double delta, std::size_t points);

struct PriorGridChoice {
  std::size_t mix_index = 0, scale_index = 0;
  double value = 0.0;                  // objective recomputed at the chosen grid point
  double relaxed_mix = 0.0, relaxed_scale = 0.0, relaxed_value = 0.0;  // NLopt's continuous optimum
  std::string optimiser;               // NLopt algorithm name
  std::string optimiser_result;        // NLopt's return code, as text
  int evaluations = 0;                 // objective calls, relaxation and snapping together
  SolverStatus status = SolverStatus::converged;  // not_converged if NLopt failed (the whole grid is then scanned)
};

// Minimises objective(t, s) over the grid: NLopt (BOBYQA, derivative free) on the box
// [min mix, max mix] x [log min scale, log max scale], then the objective is evaluated at the grid points
// bracketing the relaxed optimum (up to 4) and the smallest is returned. The objective must be finite at
// every grid point.
PriorGridChoice minimise_over_prior_grid(const PriorGrid& grid,
                                         const std::function<double(double mix, double scale)>& objective);

}  // namespace itbound
