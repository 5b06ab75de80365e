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

}  // namespace itbound::estimators::kernels
