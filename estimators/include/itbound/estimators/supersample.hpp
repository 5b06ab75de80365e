#pragma once
// Supersample runs (Steinke & Zakynthinou 2020): k1 supersamples of n pairs, k2 selector draws U each,
// one trained model per draw. Arrays in C order; see data/SCHEMA.md for the file format.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "itbound/estimators/discrete_mi.hpp"
#include "itbound/estimators/interval.hpp"

namespace itbound::estimators {

// What the bounds need besides the estimates: the sizes and the declared loss range.
struct SupersampleShape {
  std::int64_t k1 = 0, k2 = 0, n = 0;
  double loss_min = 0.0, loss_max = 1.0;
};

struct SupersampleRuns {
  std::int64_t k1 = 0, k2 = 0, n = 0;
  std::vector<std::uint8_t> mask;  // (k1, k2, n): U_i, which member of pair i was trained on
  std::vector<double> loss;        // (k1, k2, n, 2): loss of the model on both members of each pair
  std::vector<double> pred;        // empty, or (k1, k2, n, 2) integer predictions
  double loss_min = 0.0, loss_max = 1.0;

  std::size_t runs() const { return static_cast<std::size_t>(k1 * k2); }
  SupersampleShape shape() const { return {k1, k2, n, loss_min, loss_max}; }
};

// Throws InvalidArgument naming the field: sizes, mask outside {0,1}, loss NaN or outside the range,
// non-integer predictions.
void validate(const SupersampleRuns& runs);

// The same runs as stored, without conversion or copy: each array is a typed, C-order view (elements
// may be unaligned; they are read with memcpy). The estimators read this; SupersampleRuns is one source.
enum class Element : std::uint8_t { u8, i16, i32, i64, f32, f64 };
struct ElementArray {
  const void* data = nullptr;  // null: absent (pred only)
  Element type = Element::f64;
  std::size_t size = 0;        // elements
};
struct SupersampleView {
  std::int64_t k1 = 0, k2 = 0, n = 0;
  ElementArray mask, loss, pred;  // shapes as in SupersampleRuns; values checked when read
  double loss_min = 0.0, loss_max = 1.0;

  SupersampleShape shape() const { return {k1, k2, n, loss_min, loss_max}; }
};
SupersampleView view(const SupersampleRuns& runs);
// Materialises a view as doubles (validated): for code that needs the raw values (the k-NN estimators).
SupersampleRuns to_runs(const SupersampleView& runs);

// Plug-in MI (nats) between a discrete X and a binary U from m samples, optionally bias-corrected;
// the result is clamped to [0, ln 2], the range of I(X; U) for binary U.
// `keys` holds one entry per sample and is reordered (it is the caller's reusable workspace).
struct KeyedSample {
  double a, b;  // X as up to two exact values
  std::uint8_t u;
};
double discrete_mi_binary(std::vector<KeyedSample>& keys, Correction correction);

enum class Measure { fcmi, ecmi, ldcmi };
class SupersampleStats;

struct CmiEstimates {
  // per[s * n + i]: I^{z_s}(X_i; U_i) over the k2 runs of supersample s.
  std::vector<double> fcmi, ecmi, ldcmi;  // fcmi empty without predictions
  std::vector<double> ldmi;               // per pair i: I(Delta_i; U_i) pooled over all k1 * k2 runs
  // Per pair i: (I(L_i^0; U_i) + I(L_i^1; U_i)) / 2, L_i^j the loss on member j, pooled over all runs (the
  // single-loss MI of Wang & Mao 2023).
  std::vector<double> slmi;
  // Per pair i: I(L_i; U_i) of the loss pair pooled over all k1 * k2 runs (the unconditional e-MI, at most the
  // e-CMI in truth as U_i is independent of Z~); empty from the k-NN estimators.
  std::vector<double> emi;
  double train_error = 0, heldout_error = 0;   // mean over runs and pairs
  std::vector<double> run_gap;                  // held-out minus train error, per run (k1 * k2)
  std::vector<double> supersample_train;        // mean training loss of each supersample (k1)
  std::vector<double> supersample_heldout;      // mean held-out loss of each supersample (k1)
  bool interpolating = true;                    // training loss at loss_min on every run
  bool zero_one = true;                         // every loss is 0 or 1
  // Within each supersample, the same prediction on the same member of a pair always came with the same loss
  // (true of a 0-1 loss, not of a cross-entropy): what f-CMI needs, as it sees the losses only through the
  // predictions. True without predictions.
  bool loss_follows_prediction = true;
  // Some member of some pair saw the same prediction in two runs of its supersample: only then could the data
  // contradict loss_follows_prediction (else it is true for want of a test).
  bool prediction_repeats = false;
};

// Validates while it reads (same messages as validate). Both are SupersampleStats accumulate + finalize.
CmiEstimates estimate_cmi(const SupersampleRuns& runs, Correction correction);
CmiEstimates estimate_cmi(const SupersampleView& runs, Correction correction);

// ---- intervals for the mean estimates ----

// How run-to-run noise in the mean per-pair estimates is reported. Both methods resample (or leave out) runs
// within each supersample, the supersamples fixed, so their intervals are for the mean estimate's expectation over
// redraws of the runs: they describe its noise, not the estimator's bias (plug-in MI is biased, mostly low) nor the
// draw of the supersamples.
//  jackknife: the delete-one-run jackknife, stratified by supersample (Efron & Stein 1981: its variance estimate is
//    conservative on average), and a Student t interval with k1 (k2 - 1) degrees of freedom; every run left out
//    in turn by updating its cells' counts, one pass over the runs, linear in their size.
//  bootstrap: percentile bootstrap, each replicate redrawing the runs of every supersample with replacement and
//    recounting them: replicates times the work of the estimates.
enum class IntervalMethod { none, jackknife, bootstrap };
const char* to_string(IntervalMethod method);
// What the intervals cover, in words (for reports).
extern const char* const kIntervalCovers;

struct CmiIntervalOptions {
  IntervalMethod method = IntervalMethod::jackknife;
  Correction correction = Correction::none;  // that of the estimates
  double level = 0.9;
  int replicates = 200;            // bootstrap only
  std::uint64_t seed = 20240601;   // bootstrap only: the same runs always give the same intervals
  // 0: std::thread::hardware_concurrency(), or one for runs under about a million elements; results do not
  // depend on it.
  unsigned threads = 0;
  // Called with the fraction done (bootstrap), from one thread at a time; empty: not called.
  std::function<void(double)> progress = nullptr;
};

struct CmiIntervals {
  IntervalMethod method = IntervalMethod::none;
  double level = 0;
  int replicates = 0;                // bootstrap
  Interval fcmi, ecmi, ldcmi, ldmi;  // within [0, ln 2]; fcmi {0, 0} without predictions
  // jackknife: the standard errors of the means (infinite from one run per supersample: the interval is then
  // [0, ln 2])
  double fcmi_se = 0, ecmi_se = 0, ldcmi_se = 0, ldmi_se = 0;
};

// Intervals around `estimates` (from `stats`, the statistics of `runs` under options.correction). Validates the
// runs as it reads them.
CmiIntervals cmi_intervals(const SupersampleView& runs, const SupersampleStats& stats, const CmiEstimates& estimates,
                           const CmiIntervalOptions& options);
// stats.finalize(options.correction) and cmi_intervals around it, the same numbers; the jackknife's pass over the
// runs makes the estimates too.
std::pair<CmiEstimates, CmiIntervals> estimates_with_intervals(const SupersampleView& runs, const SupersampleStats& stats,
                                                               const CmiIntervalOptions& options);

}  // namespace itbound::estimators
