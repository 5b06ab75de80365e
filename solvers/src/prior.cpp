#include "itbound/solvers/prior.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlopt.hpp>

#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

void validate_axis(const std::vector<double>& v, const char* field, bool positive) {
  if (v.empty()) fail(field, "must have at least one point");
  for (std::size_t i = 0; i < v.size(); ++i) {
    require_finite(v[i], field);
    if (positive && !(v[i] > 0.0)) fail(field, "must be positive, got " + format_number(v[i]));
    if (i > 0 && !(v[i] > v[i - 1])) fail(field, "must be strictly increasing");
  }
}

// Indices of the grid points at or around x: the two neighbours, or one at the ends.
std::vector<std::size_t> bracket(const std::vector<double>& grid, double x) {
  const auto it = std::lower_bound(grid.begin(), grid.end(), x);
  const auto hi = static_cast<std::size_t>(it - grid.begin());
  if (hi == 0) return {0};
  if (hi == grid.size()) return {grid.size() - 1};
  return {hi - 1, hi};
}

struct Relaxation {
  const PriorGrid* grid;
  const std::function<double(double, double)>* objective;
  int evaluations;
};

double relaxed_objective(unsigned, const double* x, double*, void* data) {
  auto* r = static_cast<Relaxation*>(data);
  ++r->evaluations;
  const double v = (*r->objective)(x[0], std::exp(x[1]));
  // Off-grid points may be infeasible (e.g. a centre that makes no sense); steer away without failing.
  return std::isfinite(v) ? v : std::numeric_limits<double>::max();
}

}  // namespace

std::vector<double> linear_grid(double lo, double hi, int count) {
  require_finite(lo, "grid.lo");
  require_finite(hi, "grid.hi");
  if (count < 1) fail("grid.count", "must be at least 1");
  if (count > 1 && !(hi > lo)) fail("grid.hi", "must exceed grid.lo when count > 1");
  std::vector<double> g(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) g[static_cast<std::size_t>(i)] = count == 1 ? lo : lo + (hi - lo) * i / (count - 1);
  return g;
}

std::vector<double> geometric_grid(double top, double b, int count) {
  if (!(top > 0.0) || !std::isfinite(top)) fail("grid.top", "must be positive and finite");
  if (!(b > 0.0) || !std::isfinite(b)) fail("grid.b", "must be positive and finite");
  if (count < 1) fail("grid.count", "must be at least 1");
  std::vector<double> g(static_cast<std::size_t>(count));
  for (int j = 0; j < count; ++j) g[static_cast<std::size_t>(count - 1 - j)] = top * std::exp(-j / b);
  return g;
}

void validate(const PriorGrid& grid) {
  validate_axis(grid.mix, "grid.mix", false);
  validate_axis(grid.scale, "grid.scale", true);
}

double uniform_grid_charge(double delta, std::size_t points) {
  require_delta(delta);
  if (points == 0) fail("grid", "must have at least one point");
  const double k = static_cast<double>(points);
  double charge = round_down(delta / k, 1);
  while (charge * k > delta) charge = round_down(charge, 1);
  if (!(charge > 0.0))
    fail("delta", "is too small for " + format_number(k) + " grid points: delta / " + format_number(k) +
                      " underflows below the normal doubles, got delta " + format_number(delta));
  return charge;
}

PriorGridChoice minimise_over_prior_grid(const PriorGrid& grid,
                                         const std::function<double(double, double)>& objective) {
  validate(grid);
  PriorGridChoice out;
  Relaxation relax{&grid, &objective, 0};
  const double lo_mix = grid.mix.front(), hi_mix = grid.mix.back();
  const double lo_log = std::log(grid.scale.front()), hi_log = std::log(grid.scale.back());
  std::vector<double> x = {0.5 * (lo_mix + hi_mix), 0.5 * (lo_log + hi_log)};
  const bool degenerate_mix = !(hi_mix > lo_mix), degenerate_scale = !(hi_log > lo_log);

  nlopt::opt opt(nlopt::LN_BOBYQA, 2);
  out.optimiser = opt.get_algorithm_name();
  // A one-point axis gives equal bounds, which NLopt treats as a fixed coordinate.
  opt.set_lower_bounds({lo_mix, lo_log});
  opt.set_upper_bounds({hi_mix, hi_log});
  opt.set_min_objective(relaxed_objective, &relax);
  opt.set_xtol_rel(1e-8);
  opt.set_maxeval(2000);
  if (!degenerate_mix && !degenerate_scale) opt.set_initial_step({0.25 * (hi_mix - lo_mix), 0.25 * (hi_log - lo_log)});
  double fx = 0.0;
  bool relaxed_ok = true;
  try {
    const nlopt::result r = opt.optimize(x, fx);
    out.optimiser_result = nlopt_result_to_string(static_cast<nlopt_result>(r));
  } catch (const std::exception& e) {
    relaxed_ok = false;
    out.optimiser_result = std::string("failed: ") + e.what();
  }
  out.relaxed_mix = x[0];
  out.relaxed_scale = std::exp(x[1]);
  out.relaxed_value = fx;

  // Snap: the bracketing grid points, or every point if the relaxation failed.
  std::vector<std::size_t> mixes, scales;
  if (relaxed_ok) {
    mixes = bracket(grid.mix, x[0]);
    scales = bracket(grid.scale, std::exp(x[1]));
  } else {
    out.status = SolverStatus::not_converged;
    for (std::size_t i = 0; i < grid.mix.size(); ++i) mixes.push_back(i);
    for (std::size_t j = 0; j < grid.scale.size(); ++j) scales.push_back(j);
  }
  out.value = std::numeric_limits<double>::infinity();
  for (const std::size_t i : mixes)
    for (const std::size_t j : scales) {
      const double v = objective(grid.mix[i], grid.scale[j]);
      ++relax.evaluations;
      if (v < out.value) {
        out.value = v;
        out.mix_index = i;
        out.scale_index = j;
      }
    }
  if (!std::isfinite(out.value)) fail("grid", "the objective is not finite at the snapped grid points");
  out.evaluations = relax.evaluations;
  return out;
}

}  // namespace itbound
