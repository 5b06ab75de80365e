#pragma once
// Supersample CMI bounds on the expected held-out error, from the per-pair estimates of
// estimators::estimate_cmi (or estimate_cmi_knn). Each bound is reported as a bound on the held-out
// error; derivations and sources of the constants are in bounds/CMI-BOUNDS.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"
#include "itbound/estimators/supersample.hpp"
#include "itbound/solvers/kl.hpp"

namespace itbound {

struct CmiBoundInput {
  estimators::SupersampleShape shape;  // sizes and declared loss range (the bounds read no run arrays)
  // Per-pair values >= 0 (k-NN estimates already clamped); slmi empty: slmi-fast-rate is skipped.
  const estimators::CmiEstimates* estimates;
  estimators::Correction correction;
  // I(W; U | Z~) in nats, known from elsewhere (enables cmi-total-sqrt).
  std::optional<double> total_cmi = std::nullopt;
  std::string estimator = "plug-in";  // echoed in the certificates' inputs
  std::string information_detail = {};  // how the information was estimated (the assumption's detail)
  // A compression size k claimed for the learner (enables cmi-compression-sqrt and -fast-rate, bounds/compression.hpp);
  // unordered: the output is a function of a set of exactly k training points (CMI <= ln C(2n, k)).
  std::optional<std::int64_t> compression_size = std::nullopt;
  bool compression_unordered = false;
};

// In order: cmi-total-sqrt (if total_cmi), cmi-compression-sqrt and cmi-compression-fast-rate (if
// compression_size), fcmi-sqrt (if predictions), ecmi-sqrt, ldcmi-sqrt, ldmi-sqrt, ecmi-binary-kl, ecmi-fast-rate,
// slmi-fast-rate (if estimates->slmi), ldmi-interpolating (an identity, only for 0-1 losses with zero training error
// on every run); then the bounds of the authors' public code: emi-sqrt, emi-binary-kl, emi-fast-rate (if
// estimates->emi: the loss pair's MI pooled over all runs), slmi-sqrt and slmi-fast-rate-closed (if slmi), and
// ldcmi-interpolating (an upper bound, same conditions as ldmi-interpolating). Derivations: bounds/CMI-BOUNDS.md.
std::vector<Certificate> cmi_bounds(const CmiBoundInput& in);

// The two one-dimensional problems behind the binary-kl and fast-rate bounds, for losses in [0, 1];
// `train` the mean training loss, `info` the information term (nats, >= 0).

// sup{R in [0, 1] : kl(train || (train + R) / 2) <= info}, from the certified kl upper inverse (rounded up).
KlInverseResult binary_kl_heldout_bound(double train, double info);

struct FastRateResult {
  double value;   // c1 train + info / c0, rounded up: never below the bound at (c0, c1)
  double c0, c1;  // constants with exp(c0) + exp(-c0 c1) <= 2 in exact arithmetic
  int evaluated;  // grid points evaluated (each a valid bound)
};

// min over a grid of c1 train + info / c0 subject to exp(c0) + exp(-c0 c1) <= 2. Every grid point is
// feasible by construction (c0 rounded down, c1 rounded up from a common x = c0 c1), so the minimum is a
// valid bound whatever the grid; three nested log-spaced grids put it within ~1e-9 of the infimum.
FastRateResult fast_rate_heldout_bound(double train, double info);

}  // namespace itbound
