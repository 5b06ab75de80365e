#pragma once
// Mutual information estimators from samples, in nats: k-nearest-neighbour (KSG, Ross, Gao et al.
// mixed) and binned plug-in. All return the RAW estimate, which can be negative when the true MI is
// near 0 (its sampling noise); scikit-learn clamps at 0, itbound does not, so a caller sees the noise
// and decides (a bound fed with an MI value should use max(0, estimate) or better an upper estimate).
// The k-NN estimators keep their scratch memory per thread between calls (72 bytes per sample of the largest
// call so far): a repeated call allocates nothing.
#include <cstdint>
#include <span>

namespace itbound {

// psi(n) for integer n >= 1 (digamma), accurate to a few ulps.
double digamma_int(std::int64_t n);

// Kraskov, Stoegbauer & Grassberger (2004), Phys. Rev. E 69, 066138, algorithm 1 (eq. 8; equation number not checked
// against the paper's text, the formula is scikit-learn 1.2's, which the tests match), max-norm in
// the joint space: I = psi(k) + psi(N) - <psi(n_x + 1) + psi(n_y + 1)>, where eps_i is the distance to
// the k-th neighbour of point i (itself excluded, ties counted) and n_x, n_y count the other points
// strictly closer than eps_i in each marginal (|x_j - x_i| <= nextafter(eps_i, 0), as scikit-learn
// 1.2's _compute_mi_cc does; with eps_i = 0 that counts exact ties). O(N log N): a 2-d tree for the
// joint k-NN, binary search on the sorted marginals for the counts.
double ksg_mi(std::span<const double> x, std::span<const double> y, int k = 3);

// Ross (2014), PLoS ONE 9(2) e87357, eq. 2 (equation number unchecked; formula as in scikit-learn 1.2, whose docstring
// cites Ross 2014): MI between a continuous c and a discrete label d,
// I = psi(N) + <psi(k_i)> - <psi(N_{d_i})> - <psi(m_i)>, as in scikit-learn 1.2's _compute_mi_cd: points
// whose label occurs once are dropped (N counts the rest), k_i = min(k, N_{d_i} - 1), the radius is the
// distance to the k_i-th neighbour with the same label and m_i counts all kept points (itself included)
// strictly inside it.
double ross_mi(std::span<const double> c, std::span<const std::int64_t> d, int k = 3);

// Gao, Kannan, Oh & Viswanath (2017), "Estimating mutual information for discrete-continuous mixtures",
// NeurIPS, Algorithm 1 (number unchecked against the paper's text): rho_i the max-norm distance to the k-th
// joint neighbour; if rho_i = 0 the k is replaced by the number of other points tied with point i; n_x, n_y count
// the other points within rho_i (inclusive); I = <psi(k_i) + ln N - ln(n_x + 1) - ln(n_y + 1)>.
double mixed_ksg_mi(std::span<const double> x, std::span<const double> y, int k = 3);

struct BinnedMi {
  double plug_in;        // I of the empirical joint histogram
  double miller_madow;   // each entropy corrected by (occupied bins - 1) / (2N)
  std::int64_t occupied_x, occupied_y, occupied_xy;
};

// Equal-width bins over [min, max] of each variable. Miller (1955), "Note on the bias of information
// estimates" (text unread here; the standard first-order correction): E[H_plugin] ~ H - (m - 1)/(2N), so with
// I = H_x + H_y - H_xy, I_MM = I_plugin + (m_x - 1 + m_y - 1 - (m_xy - 1))/(2N) = I_plugin + (m_x + m_y - m_xy - 1)/(2N).
BinnedMi binned_mi(std::span<const double> x, std::span<const double> y, int bins_x, int bins_y);

}  // namespace itbound
