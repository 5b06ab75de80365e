#pragma once
// Supersample information terms for continuous bounded losses (k-NN, Ross 2014), and the single-loss MI
// of Wang & Mao (2023) for either estimator. The choice of k: estimators/KNN-K.md.
#include <cstdint>
#include <span>
#include <vector>

#include "itbound/estimators/supersample.hpp"

namespace itbound::estimators {

// Ross (2014), PLoS ONE 9(2) e87357, eq. 2, for a point X in R^dim and a binary label U, max-norm, by
// brute force (O(m^2 dim): meant for the k2 runs of one pair). Same conventions as ross_mi
// (knn_mi.hpp), to which it reduces for dim = 1: points whose label occurs once are dropped, k_i =
// min(k, N_{u_i} - 1), the radius is nextafter(distance to the k_i-th nearest other point with the same
// label, 0) and m_i counts every kept point within it, itself included;
// I = psi(N) + <psi(k_i) - psi(N_{u_i}) - psi(m_i)>. `x` holds m points row-major. Returns the RAW
// estimate (it can be negative); 0 when no label occurs twice.
double ross_mi_maxnorm(std::span<const double> x, std::size_t dim, std::span<const std::uint8_t> u, int k);

// Raw k-NN estimates of one information term, and how many of the estimation samples had an exact
// duplicate (a discrete or clipped loss): those ties are broken before estimating by noise of relative
// size 1e-10, as scikit-learn's mutual_info_classif does, and the plug-in estimator suits such losses better.
struct KnnTerm {
  std::vector<double> raw;
  double tied_fraction = 0.0;
  // Estimates whose sample had either label at most once (k2 <= 3 runs make that common): Ross's
  // estimator then has nothing to compare, so the bounds take ln 2 for them (the raw value is kept here).
  std::size_t undetermined = 0;
};

struct KnnCmiEstimates {
  // What the bounds use: estimate_cmi's errors and (prediction-based, plug-in) f-CMI, with the e-CMI,
  // ld-CMI, ld-MI and single-loss MI entries replaced by the k-NN estimates clamped to [0, ln 2], the
  // range of I(X; U), and undetermined ones (KnnTerm::undetermined) set to ln 2.
  CmiEstimates clamped;
  KnnTerm ecmi, ldcmi, ldmi, slmi;  // raw values in the layout of CmiEstimates (s * n + i; ldmi, slmi: i)
};

// e-CMI: the loss pair (2-d) against U_i over the k2 runs of each supersample; ld-CMI: the loss
// difference (1-d) likewise; ld-MI: the loss difference over all k1 * k2 runs (ross_mi); single-loss MI
// as single_loss_mi_knn. Deterministic.
KnnCmiEstimates estimate_cmi_knn(const SupersampleRuns& runs, int k);

// Per pair i, (I(L_i^0; U_i) + I(L_i^1; U_i)) / 2 with L_i^j the loss on member j, pooled over all
// k1 * k2 runs, by k-NN (ross_mi, ties broken as above): the values clamped to [0, ln 2] that the bound
// uses, and the raw ones. (The plug-in value is CmiEstimates::slmi.)
struct SingleLossKnn {
  std::vector<double> clamped;
  KnnTerm slmi;
};
SingleLossKnn single_loss_mi_knn(const SupersampleRuns& runs, int k);

}  // namespace itbound::estimators
