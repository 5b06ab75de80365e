#pragma once
// Leave-one-out runs (Haghifam, Moran, Roy & Dziugaite 2022; Rammal et al. 2022): k1 supersamples of
// n + 1 points; run (s, r) trains on all points of supersample s but the one it leaves out, U, and records
// its loss on all n + 1 points. The evaluated leave-one-out CMI is I(L; U | Z~) with L that loss vector.
// Arrays in C order; see data/SCHEMA.md for the file format.
#include <cstdint>
#include <vector>

#include "itbound/estimators/discrete_mi.hpp"

namespace itbound::estimators {

struct LooRuns {
  std::int64_t k1 = 0, k2 = 0;
  std::int64_t n = 0;                  // training-set size: each supersample holds n + 1 points
  std::vector<std::int64_t> left_out;  // (k1, k2): the index in [0, n] that run (s, r) left out
  std::vector<double> loss;            // (k1, k2, n + 1): that run's loss on every point of its supersample
  double loss_min = 0.0, loss_max = 1.0;

  std::size_t runs() const { return static_cast<std::size_t>(k1 * k2); }
  std::size_t points() const { return static_cast<std::size_t>(n + 1); }
};

// Throws InvalidArgument naming the field: sizes, left_out outside [0, n], loss NaN or outside the range.
void validate(const LooRuns& runs);

// What the runs of a file can tell about the leave-one-out draws and the learner.
enum class Determinism { deterministic, randomized, unchecked };
constexpr const char* to_string(Determinism d) {
  return d == Determinism::deterministic ? "deterministic" : d == Determinism::randomized ? "randomized" : "unchecked";
}
struct LooDesign {
  // Every supersample leaves out each of its n + 1 indices equally often (`repeats` times): the empirical
  // law of U over its runs is then exactly uniform, as in the definition.
  bool exhaustive = false;
  std::int64_t repeats = 0;  // 0 when not exhaustive
  // deterministic: runs that leave out the same index of a supersample have identical loss vectors;
  // randomized: some differ; unchecked: no index is left out twice in any supersample.
  Determinism learner = Determinism::unchecked;
  // Exhaustive design of a deterministic learner: the plug-in value of each supersample is then its exact
  // evaluated leave-one-out CMI (without a bias correction).
  bool exact() const { return exhaustive && learner == Determinism::deterministic; }
};

struct LooEstimates {
  // loo_cmi[s]: I^{z_s}(L; U) over the k2 runs of supersample s, each loss vector one discrete symbol;
  // clamped to [0, ln(n + 1)].
  std::vector<double> loo_cmi;
  double train_error = 0;      // mean over runs of the mean loss on the n training points
  double loo_error = 0;        // mean over runs of the loss on the left-out point
  std::vector<double> supersample_loo_error;  // the same per supersample (k1)
  std::vector<double> run_gap;  // loo minus train loss, per run (k1 * k2)
  bool interpolating = true;    // training loss at loss_min on every run
  LooDesign design;
};

LooEstimates estimate_loo_cmi(const LooRuns& runs, Correction correction);

// Mean of per-supersample values and their sample standard deviation (0 for a single supersample).
struct MeanSpread {
  double mean = 0, spread = 0;
};
MeanSpread over_supersamples(const std::vector<double>& values);

}  // namespace itbound::estimators
