#pragma once
// Rationality, robustness and memorization (Bansal, Kaplun & Barak 2021, ICLR; decomposition and noise model from the
// authors' code, memorization bound derived in bounds/RRM.md). From one clean run and K runs on eta-noisy labels (each
// label replaced with probability eta by a uniformly random different class), all accuracies against the clean labels:
//   Train(0) - Test = [Train(0) - Train(eta)] + [Train(eta) - NTrain(eta)] + [NTrain(eta) - Test]
//                   =  robustness             +  memorization            +  rationality,
// memorization <= sqrt(C^pc / (2n)) / eta with C^pc = sum_i I(E_i; N_i) (per example, over the K runs), and the
// RRM bound robustness + memorization bound + max(rationality, 0) on the generalization gap.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"
#include "itbound/report.hpp"

namespace itbound {

// Labels and predictions as numbers (each must be a whole number in [0, num_classes)); (K, n) arrays row-major.
struct RrmRuns {
  std::int64_t n = 0, runs = 0, num_classes = 0;
  double eta = 0;
  std::vector<double> y, clean_pred;             // (n): clean training labels, the clean run's predictions on them
  std::vector<double> noisy_labels, noisy_pred;  // (K, n): each noisy run's labels and its predictions
  std::vector<double> noised;                    // empty, or (K, n) in {0, 1}: which labels the noise replaced
  std::optional<double> test_accuracy;           // the clean run's test accuracy, or:
  std::vector<double> test_pred, test_y;         // its test predictions and labels
};

struct RrmOptions {
  int bootstrap = 200;  // replicates over runs for the interval of the per-example information (0: none)
};

struct RrmAccuracies {
  double train_clean = 0;   // Train(0)
  double train_noisy = 0;   // Train(eta): the noisy runs' accuracy on all training points, pooled over runs
  double noised_train = 0;  // NTrain(eta): correct predictions on noised points / noised points, over all runs
  double test = 0;          // Test
};

struct RrmInformation {
  double per_example_mean = 0;     // C^pc / n, plug-in (nats)
  double per_example_mean_mm = 0;  // the same, Miller-Madow per example
  double per_example_sd = 0;       // sample sd over examples of the plug-in values
  std::vector<double> interval;    // [lo, hi] of C^pc / n over run resampling (empty: none)
  double pooled = 0;               // C^dc = I(E; N) over all n K samples (nats)
  double pooled_mm = 0;
  double noised_fraction = 0;      // share of the n K labels the noise replaced
};

struct RrmReport {
  std::string summary;
  std::int64_t n = 0, runs = 0, num_classes = 0;
  double eta = 0;
  double train_accuracy_clean = 0, test_accuracy = 0, gap = 0;
  double robustness = 0, memorization = 0, rationality = 0;
  RrmAccuracies accuracies;
  RrmInformation information;
  double memorization_bound = 0, rrm_bound = 0;  // the values of memorization-pc and rrm
  // memorization-pc, memorization-pc-miller-madow, memorization-dc, rrm (with memorization-pc), rrm-dc.
  std::vector<Certificate> bounds;
};

// Checks every array (InvalidArgument naming the field): shapes, whole numbers in range, eta in (0, 1), the noised
// share consistent with eta (two-sided binomial test at 1e-6 each side), noisy labels different from y exactly where
// `noised` says (if given), at least one noised label, exactly one source of the test accuracy.
RrmReport evaluate_rrm(const RrmRuns& runs, const RrmOptions& options = {});

void visit(const RrmAccuracies& a, FieldVisitor& v);
void visit(const RrmInformation& i, FieldVisitor& v);
void visit(const RrmReport& r, FieldVisitor& v);

}  // namespace itbound
