#include "itbound/estimators/memorization.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "itbound/error.hpp"

namespace itbound::estimators {
namespace {

void check(const MemorizationSamples& s) {
  if (s.n < 1 || s.runs < 1) fail("noisy_labels", "needs at least one run of at least one example");
  if (s.classes < 2) fail("num_classes", "must be >= 2");
  const auto size = static_cast<std::size_t>(s.n * s.runs);
  if (s.error.size() != size) fail("noisy_pred", "expected (K, n) = (" + std::to_string(s.runs) + ", " + std::to_string(s.n) + ") values");
  if (s.noise.size() != size) fail("noisy_labels", "expected (K, n) = (" + std::to_string(s.runs) + ", " + std::to_string(s.n) + ") values");
  for (std::size_t j = 0; j < size; ++j) {
    if (s.error[j] < 0 || s.error[j] >= s.classes) fail("noisy_pred", "error class out of range at " + std::to_string(j));
    if (s.noise[j] < 0 || s.noise[j] >= s.classes) fail("noisy_labels", "noise class out of range at " + std::to_string(j));
  }
}

// Mean over examples of the plug-in I(E_i; N_i), run k of the sample read at picks[k].
double mean_per_example(const MemorizationSamples& s, const std::vector<std::size_t>& picks, Correction correction,
                        std::vector<double>* per) {
  const auto n = static_cast<std::size_t>(s.n);
  const double cap = std::log(static_cast<double>(s.classes));
  std::vector<DiscreteSample> one(picks.size());
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < picks.size(); ++k) one[k] = {s.error[picks[k] * n + i], s.noise[picks[k] * n + i]};
    const double mi = discrete_mi(one, correction, cap);
    if (per) (*per)[i] = mi;
    total += mi;
  }
  return total / static_cast<double>(n);
}

std::vector<std::size_t> all_runs(const MemorizationSamples& s) {
  std::vector<std::size_t> picks(static_cast<std::size_t>(s.runs));
  for (std::size_t k = 0; k < picks.size(); ++k) picks[k] = k;
  return picks;
}

}  // namespace

MemorizationInformation estimate_memorization_information(const MemorizationSamples& s) {
  check(s);
  MemorizationInformation out;
  const auto n = static_cast<std::size_t>(s.n);
  out.per_example.resize(n);
  out.per_example_mm.resize(n);
  const auto picks = all_runs(s);
  mean_per_example(s, picks, Correction::none, &out.per_example);
  mean_per_example(s, picks, Correction::miller_madow, &out.per_example_mm);
  std::vector<DiscreteSample> pooled(s.error.size());
  const double cap = std::log(static_cast<double>(s.classes));
  for (std::size_t j = 0; j < pooled.size(); ++j) pooled[j] = {s.error[j], s.noise[j]};
  out.pooled = discrete_mi(pooled, Correction::none, cap);
  for (std::size_t j = 0; j < pooled.size(); ++j) pooled[j] = {s.error[j], s.noise[j]};  // discrete_mi reorders
  out.pooled_mm = discrete_mi(pooled, Correction::miller_madow, cap);
  return out;
}

Interval bootstrap_per_example_mean(const MemorizationSamples& s, int replicates, double level, std::uint64_t seed) {
  check(s);
  if (replicates < 2) fail("bootstrap", "needs at least 2 replicates, got " + std::to_string(replicates));
  if (!(level > 0 && level < 1)) fail("level", "must be in (0, 1)");
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, static_cast<std::size_t>(s.runs) - 1);
  std::vector<std::size_t> picks(static_cast<std::size_t>(s.runs));
  std::vector<double> means(static_cast<std::size_t>(replicates));
  for (double& m : means) {
    for (auto& p : picks) p = pick(rng);
    m = mean_per_example(s, picks, Correction::none, nullptr);
  }
  return percentile_interval(means, level);
}

}  // namespace itbound::estimators
