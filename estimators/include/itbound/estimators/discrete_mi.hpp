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

// Plug-in MI (nats) between a discrete X and a discrete U from paired samples (only equality of the
// values matters), optionally bias-corrected, clamped to [0, cap] (cap: a known upper bound of the true
// I(X; U), e.g. ln of the number of values U can take). `samples` is reordered (the caller's workspace).
struct DiscreteSample {
  std::int64_t x, u;
};
double discrete_mi(std::vector<DiscreteSample>& samples, Correction correction, double cap);

}  // namespace itbound::estimators
