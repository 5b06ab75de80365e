#pragma once
// The information behind the memorization bound of Bansal, Kaplun & Barak (2021), as the RRM bounds use it
// (bounds/rrm.hpp, derivation in bounds/RRM.md): over K runs on eta-noisy labels, the prediction's error class
// E = (prediction - y) mod C against the noise N = (noisy label - y) mod C, per example (C^pc) and pooled (C^dc).
// Plug-in estimates, with Miller-Madow beside them and a bootstrap over runs for the spread.
#include <cstdint>
#include <vector>

#include "itbound/estimators/discrete_mi.hpp"
#include "itbound/estimators/interval.hpp"

namespace itbound::estimators {

// Row-major (K, n): run k, example i at k * n + i; values in [0, classes).
struct MemorizationSamples {
  std::int64_t n = 0, runs = 0, classes = 0;
  std::vector<std::int64_t> error, noise;  // E and N as above
};

struct MemorizationInformation {
  std::vector<double> per_example;     // I(E_i; N_i) over the K runs, plug-in, nats, in [0, ln C]
  std::vector<double> per_example_mm;  // the same Miller-Madow corrected (clamped at 0 per example)
  double pooled = 0, pooled_mm = 0;    // I(E; N) over all n K (run, example) samples
};

// Validates shapes and values (InvalidArgument naming "noisy_pred" / "noisy_labels").
MemorizationInformation estimate_memorization_information(const MemorizationSamples& samples);

// Percentile interval of the mean per-example plug-in information when the K runs are redrawn with replacement
// (every example sees the same redrawn runs: a run is one training); replicates >= 2. Deterministic for a seed.
Interval bootstrap_per_example_mean(const MemorizationSamples& samples, int replicates, double level,
                                    std::uint64_t seed);

}  // namespace itbound::estimators
