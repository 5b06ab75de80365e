#pragma once
// The passes over 0-1 supersample runs that touch every element (binary_kernels.cpp): written so that GCC
// vectorises them, and built for x86-64-v4 (AVX-512), v3 (AVX2) and the baseline, picked at load time.
#include <cstddef>
#include <cstdint>

#include "itbound/estimators/supersample.hpp"

namespace itbound::estimators::kernels {

// The most pairs one call takes.
constexpr std::size_t kMaxPairs = 2048;

// One block of pairs of one supersample: per run j, the mask row and the loss row (two values per pair, of
// `type`: u8, f32 or f64; possibly unaligned) at the block's first pair.
struct Rows {
  const std::uint8_t* const* mask;
  const unsigned char* const* loss;
  Element type;
  std::size_t runs, pairs;  // pairs <= kMaxPairs
};

// Each element's code, loss0 + 2 loss1 + 4 u, counted per pair: counts[8 i + code] for pairs i. ones[2 j] and
// ones[2 j + 1]: how many of run j's trained and held-out members had loss 1. False (outputs unspecified) at the
// first value that is not 0 or 1.
bool count_codes(const Rows& rows, std::uint32_t* counts, std::uint32_t* ones);

// Per run j: sums[t * runs + j] += sum over pairs i of tables[t][8 i + code_ij], for each table t < 3 (eight
// numbers per pair, one per code: the change of a per-pair estimate if run j's sample left it). The rows must
// hold only 0-1 values (count_codes accepted them).
void sum_tables(const Rows& rows, const double* const tables[3], double* sums);

// One table of a unit's samples (a slot's k2, or a pair's k1 k2 pooled) as the jackknife needs it: m I = sum c ln c
// - sum c_x ln c_x - sum c_u ln c_u + m ln m (`whole`), the estimate (`base`), and the numbers of nonempty cells,
// X values and U values.
struct TableSums {
  double whole, base, kxu, kx, ku;
};

// The cells of a table by code (loss0 + 2 loss1 + 4 u): e, each code its own; ld, by Delta = loss1 - loss0 (codes 0
// and 3 together, u apart).
enum class Cells { e, ld };

// For `units` units, each with its eight code counts (counts[8 k + code]) summing to m, and its table's sums:
// out[8 k + code] = the change of the unit's plug-in estimate (clamped to [0, ln 2]; Miller-Madow's correction
// with `miller_madow`) when one sample with that code leaves it, 0 for codes without a sample. dx[c] = (c - 1)
// ln (c - 1) - c ln c for c <= m. Four table terms change per sample; eight codes at once in vector lanes.
void table_changes(Cells cells, const std::uint32_t* counts, const TableSums* sums, std::size_t units, std::uint32_t m,
                   const double* dx, bool miller_madow, double* out);

}  // namespace itbound::estimators::kernels
