#pragma once
// How well a generalization measure ranks trained runs, from a grid of runs over hyper-parameters:
// - the robust sign-error of Dziugaite, Drouin, Neal, Rajkumar, Caballero, Wang, Mitliagkas & Roy (NeurIPS 2020),
//   as in the authors' code (github nitarshan/robust-generalization-measures, experiments/coupled_networks):
//   environments are ordered pairs of combinations that differ in exactly one hyper-parameter; an environment's
//   loss is the noise-weighted mean sign-error over all pairs of their runs;
// - the conditional-MI score of the PGDL competition (Jiang et al., NeurIPS 2020 competition track), as in the
//   official scoring code (scoring_program/mutual_information.py), on one value per combination.
// Every rule and where it was read: bounds/MEASURES.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "itbound/estimators/column_table.hpp"

namespace itbound::estimators {

// The runs grouped by hyper-parameter combination. Combinations are in lexicographic order of their level indices.
struct RunGrid {
  std::vector<std::string> hparams;
  std::vector<std::vector<std::string>> levels;  // per hyper-parameter: its distinct values as labels, in order
  std::vector<std::int32_t> combination_levels;  // combinations x hparams: the level index of each
  std::vector<std::size_t> start;                // combinations + 1: combination c holds runs order[start[c], start[c+1])
  std::vector<std::size_t> order;                // table rows grouped by combination, in table order within each

  std::size_t combinations() const { return start.empty() ? 0 : start.size() - 1; }
  std::size_t runs() const { return order.size(); }
  // "lr=0.1, width=64"
  std::string label(std::size_t combination) const;
};

// Groups the table's rows by the values of the `hparams` columns. Numeric values within relative distance `rtol` of
// each other are one level (the authors compare floats with math.isclose); values that chain across the tolerance
// (a close to b, b close to c, a not close to c) are an error. Text values are compared exactly. Levels are sorted
// (numbers ascending, texts lexicographically); a numeric level is labelled by its smallest value.
// Errors name the field "hparams".
RunGrid group_runs(const ColumnTable& table, const std::vector<std::string>& hparams, double rtol);

// The authors' Monte Carlo noise weight: psi(d) = max(0, 1 - 2 exp(-2 n (d/2)^2))^2, the probability (Hoeffding, test
// set of n examples) that two gaps measured |d| apart truly differ, and the weight max(psi - 1/2, 0) a pair gets.
double hoeffding_weight(double gap_difference, double test_size);
double noise_weight(double gap_difference, double test_size);

struct EnvironmentOptions {
  double test_size = 10000;  // examples each gap was measured on
  bool noise_filter = true;  // false: every pair weighs 1
  double min_ess = 12;       // environments whose effective sample size is below this are dropped
};

// Every unordered environment {a, b} once (it stands for both orders, whose losses are equal): combinations a and b
// differ in hyper-parameter `hparam` only, a's level below b's. Per-run inputs are in grid order (grid.order).
struct Environments {
  std::size_t measures = 0;
  std::vector<std::int32_t> hparam;
  std::vector<std::size_t> a, b;
  std::vector<double> weight_sum, ess;  // sum of pair weights; (sum w)^2 / sum w^2
  std::vector<std::uint8_t> kept;       // ess >= min_ess (np.isclose counts as equal) and weight_sum > 0
  std::vector<double> loss;             // environments x measures: weighted mean sign-error; NaN when not kept
  // Per hyper-parameter: (combination with runs, other level) pairs whose coupled combination has no run; the
  // authors' code skips these environments.
  std::vector<std::int64_t> missing;

  std::size_t size() const { return hparam.size(); }
};

// gap[r] and measures[r * k + m] for run r of grid.order; each measure oriented so that larger should mean a larger
// gap. Sign-error of a pair: (1 - sign(c1 - c2) sign(g1 - g2)) / 2, so a tie in either is 1/2.
Environments sign_error_environments(const RunGrid& grid, std::span<const double> gap, std::span<const double> measures,
                                     std::size_t k, const EnvironmentOptions& options);

// The PGDL score of each measure on the 0-100 scale, computed on the per-combination means over seeds (the
// competition had one model per combination), or the reason it was not computed (fewer than two hyper-parameters,
// or an incomplete grid: the official scorer rejects both).
struct PgdlScores {
  std::optional<std::string> not_computed;
  std::vector<double> score;                      // per measure: min over hyper-parameter pairs, x 100
  std::vector<std::vector<std::string>> worst;    // per measure: the pair attaining the minimum
  std::vector<std::vector<std::string>> pairs;    // every unordered hyper-parameter pair, in the order scored
  std::vector<double> pair_score;                 // measures x pairs, x 100
};
PgdlScores pgdl_scores(const RunGrid& grid, std::span<const double> gap, std::span<const double> measures,
                       std::size_t k);

// The q-th percentile (0 <= q <= 100) of `values` by linear interpolation between order statistics, as
// numpy.percentile's default; `values` is sorted in place. NaN for an empty vector.
double percentile_linear(std::vector<double>& values, double q);

// The correctly rounded mean of `values` (an exact sum rounded once, then divided): equal sets of seeds give equal
// means in any order, so ties between combinations are ties.
double exact_mean(std::span<const double> values);

}  // namespace itbound::estimators
