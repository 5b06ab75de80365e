#pragma once
// Plug-in mutual information of discrete variables from paired samples, with the Miller-Madow and
// jackknife bias corrections. Shared by the supersample estimators (binary U) and the leave-one-out
// estimator (U on n + 1 values).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace itbound::estimators {

enum class Correction { none, miller_madow, jackknife };

constexpr const char* to_string(Correction c) {
  return c == Correction::none ? "none" : c == Correction::miller_madow ? "miller-madow" : "jackknife";
}

// An empirical contingency table: the occupied cells (x, u) with their counts and the marginal counts
// (x_count[cell.x], u_count[cell.u]).
struct ContingencyTable {
  struct Cell {
    std::size_t x, u;
    double count;
  };
  std::vector<Cell> cells;
  std::vector<double> x_count, u_count;

  void clear() {
    cells.clear();
    x_count.clear();
    u_count.clear();
  }
};

// I(X; U) in nats of the table's empirical distribution, optionally bias-corrected; not clamped.
double table_mi(const ContingencyTable& table, Correction correction);

// The formula behind table_mi, for any layout of the counts (the supersample statistics keep theirs per X
// value): m I = sum c_xu ln c_xu - sum c_x ln c_x - sum c_u ln c_u + m ln m from the sums below, then the
// correction. `for_each_cell(f)` calls f(c_xu, c_x, c_u) once per occupied cell (the jackknife needs them);
// `xlogx(c)` is c ln c (0 at 0) at the integer counts. Not clamped.
struct CountSums {
  double m = 0, s_xu = 0, s_x = 0, s_u = 0;
  double kx = 0, ku = 0, kxu = 0;  // occupied X values, U values and (X, U) cells
};
template <class ForEachCell, class XLogX>
double count_mi(const CountSums& t, Correction correction, const ForEachCell& for_each_cell, const XLogX& xlogx) {
  if (t.m < 2) return 0.0;
  const auto m_times_mi = [&](double s_xu, double s_x, double s_u, double m) { return s_xu - s_x - s_u + xlogx(m); };
  double mi = m_times_mi(t.s_xu, t.s_x, t.s_u, t.m) / t.m;
  if (correction == Correction::miller_madow) {
    // Miller (1955): H_MM = H_plugin + (K - 1)/(2m) for K occupied cells; I = H(X) + H(U) - H(X, U).
    mi += ((t.kx - 1) + (t.ku - 1) - (t.kxu - 1)) / (2 * t.m);
  } else if (correction == Correction::jackknife) {
    // Efron & Stein (1981) / Quenouille: I_J = m I - (m - 1)/m sum_j I_{-j}; samples in one cell share I_{-j}.
    double loo_sum = 0;
    for_each_cell([&](double c, double cx, double cu) {
      const double sxu = t.s_xu - xlogx(c) + xlogx(c - 1);
      const double sx = t.s_x - xlogx(cx) + xlogx(cx - 1);
      const double su = t.s_u - xlogx(cu) + xlogx(cu - 1);
      loo_sum += c * m_times_mi(sxu, sx, su, t.m - 1) / (t.m - 1);
    });
    mi = t.m * mi - (t.m - 1) / t.m * loo_sum;
  }
  return mi;
}

// Plug-in MI (nats) between a discrete X and a discrete U from paired samples (only equality of the
// values matters), optionally bias-corrected, clamped to [0, cap] (cap: a known upper bound of the true
// I(X; U), e.g. ln of the number of values U can take). `samples` is reordered (the caller's workspace).
struct DiscreteSample {
  std::int64_t x, u;
};
double discrete_mi(std::vector<DiscreteSample>& samples, Correction correction, double cap);

}  // namespace itbound::estimators
