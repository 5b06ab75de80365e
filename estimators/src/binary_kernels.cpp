#include "binary_kernels.hpp"

#include <cstring>
#include <numbers>

namespace itbound::estimators::kernels {
namespace {

// Several builds of a function, the best for the CPU picked when the program loads (GCC's target_clones: an
// ifunc). Everything they call is inlined into each build.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ITBOUND_CLONES [[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]]
#else
#define ITBOUND_CLONES
#endif
#define ITBOUND_INLINE [[gnu::always_inline]] inline

template <class T>
ITBOUND_INLINE T load(const unsigned char* p, std::size_t k) {
  T v;
  std::memcpy(&v, p + k * sizeof(T), sizeof(T));
  return v;
}

// Asks for `bytes` from p to be brought into cache. The count reads each run's row of a block in turn, rows n apart
// in memory: short streams that the hardware's prefetcher picks up late, so it asks for the next row ahead (measured:
// 0.3-0.5 ms of 7 saved; the jackknife pass's 256-pair tiles gained nothing from it).
ITBOUND_INLINE void prefetch(const void* p, std::size_t bytes) {
  for (std::size_t at = 0; at < bytes; at += 64) __builtin_prefetch(static_cast<const char*>(p) + at);
}

// Codes of one run's row: bits 0-2 the code, bit 3 set where a value is not 0 or 1. One branch-free pass the
// compiler vectorises.
template <class T>
ITBOUND_INLINE void row_codes(const std::uint8_t* m, const unsigned char* l, std::size_t pairs, std::uint8_t* code) {
  for (std::size_t i = 0; i < pairs; ++i) {
    const T a = load<T>(l, 2 * i), b = load<T>(l, 2 * i + 1);
    const std::uint8_t u = m[i];
    const std::uint8_t a1 = a == T(1), b1 = b == T(1), a0 = a == T(0), b0 = b == T(0);
    const std::uint8_t bad = (((a0 | a1) & (b0 | b1)) ^ 1) | (u > 1);
    code[i] = static_cast<std::uint8_t>(a1 | (b1 << 1) | ((u & 1) << 2) | (bad << 3));
  }
}

using B64 = std::uint8_t __attribute__((vector_size(64)));
static_assert(kMaxPairs % 64 == 0 && kMaxPairs / 64 <= 255, "count's byte lanes: whole vectors, no overflow");

template <class T>
ITBOUND_INLINE bool count(const Rows& r, std::uint32_t* counts, std::uint32_t* ones) {
  alignas(64) std::uint8_t code[kMaxPairs];
  alignas(64) std::uint8_t small[8][kMaxPairs];  // 8-bit counters, added to `counts` every 255 runs
  const std::size_t pairs = r.pairs;
  std::memset(small, 0, sizeof small);
  bool first = true;
  for (std::size_t j = 0; j < r.runs; ++j) {
    if (j + 1 < r.runs) prefetch(r.mask[j + 1], pairs), prefetch(r.loss[j + 1], 2 * pairs * sizeof(T));
    row_codes<T>(r.mask[j], r.loss[j], pairs, code);
    // How many trained members (loss[u]) and held-out ones had loss 1, and whether a value was bad: in byte lanes,
    // 64 pairs at a time (at most kMaxPairs / 64 per lane), summed across the lanes once per run.
    const std::size_t padded = (pairs + 63) / 64 * 64;
    for (std::size_t i = pairs; i < padded; ++i) code[i] = 0;  // no loss 1, not bad; never counted below
    B64 bad = {}, train = {}, held = {};
    for (std::size_t i = 0; i < padded; i += 64) {
      B64 k;
      std::memcpy(&k, code + i, sizeof k);
      const B64 a = k & 1, b = (k >> 1) & 1, on_u = B64{} - ((k >> 2) & 1);  // on_u: all ones where u = 1
      bad |= k >> 3;
      train += (a & ~on_u) | (b & on_u);
      held += (b & ~on_u) | (a & on_u);
    }
    std::uint32_t any_bad = 0, trained = 0, heldout = 0;
    for (std::size_t q = 0; q < sizeof(B64); ++q) any_bad |= bad[q], trained += train[q], heldout += held[q];
    if (any_bad) return false;
    ones[2 * j] = trained, ones[2 * j + 1] = heldout;
    for (std::uint8_t c = 0; c < 8; ++c)
      for (std::size_t i = 0; i < pairs; ++i) small[c][i] += code[i] == c;
    if (j % 255 == 254 || j + 1 == r.runs) {
      for (std::size_t i = 0; i < pairs; ++i)
        for (std::size_t c = 0; c < 8; ++c) counts[8 * i + c] = (first ? 0 : counts[8 * i + c]) + small[c][i];
      std::memset(small, 0, sizeof small);
      first = false;
    }
  }
  return true;
}

// Runs are taken 64 at a time and pairs kTile at a time: the tile's codes, transposed so that each pair's codes
// over the runs lie together, stay in L1; then each pair's eight table entries (one vector) are looked up by
// those codes with one permutation per eight runs.
constexpr std::size_t kTile = 256, kRunChunk = 64;
using D8 = double __attribute__((vector_size(64)));
using I8 = std::int64_t __attribute__((vector_size(64)));
constexpr I8 kByteShifts = {0, 8, 16, 24, 32, 40, 48, 56};

using Q8 = std::uint64_t __attribute__((vector_size(64)));

// acc[k] += table[index[k] mod 8] in every lane k: one permute under GCC; clang, which builds only the fuzzer
// here, has no variable-index shuffle builtin and takes the lanes one by one.
ITBOUND_INLINE void add_lookup(D8& acc, const D8& table, const I8& index) {
#if defined(__clang__)
  for (int k = 0; k < 8; ++k) acc[k] += table[index[k] & 7];
#else
  acc += __builtin_shuffle(table, index);
#endif
}

// by_pair[i][j] = code[j][i] & 7: 8 x 8 byte blocks transposed in three rounds of swapping halves (4-byte, 2-byte,
// 1-byte units) between rows, eight blocks side by side in the lanes of a vector.
ITBOUND_INLINE void transpose(const std::uint8_t (&code)[kRunChunk][kTile], std::uint8_t (&by_pair)[kTile][kRunChunk]) {
  const auto swap = [](Q8& a, Q8& b, int bits, std::uint64_t low) {
    const Q8 x = a, y = b;
    a = (x & low) | ((y & low) << bits);
    b = ((x >> bits) & low) | (y & ~low);
  };
  for (std::size_t j0 = 0; j0 < kRunChunk; j0 += 8)
    for (std::size_t i0 = 0; i0 < kTile; i0 += 64) {
      Q8 row[8];
      for (std::size_t q = 0; q < 8; ++q) std::memcpy(&row[q], code[j0 + q] + i0, sizeof(Q8));
      for (std::size_t q = 0; q < 4; ++q) swap(row[q], row[q + 4], 32, 0x00000000FFFFFFFFULL);
      for (const std::size_t q : {0, 1, 4, 5}) swap(row[q], row[q + 2], 16, 0x0000FFFF0000FFFFULL);
      for (const std::size_t q : {0, 2, 4, 6}) swap(row[q], row[q + 1], 8, 0x00FF00FF00FF00FFULL);
      for (std::size_t c = 0; c < 8; ++c)  // row[c], lane b: pair i0 + 8 b + c over runs j0 .. j0 + 7
        for (std::size_t b = 0; b < 8; ++b) {
          const std::uint64_t codes = row[c][b] & 0x0707070707070707ULL;
          std::memcpy(&by_pair[i0 + 8 * b + c][j0], &codes, 8);
        }
    }
}

template <class T>
ITBOUND_INLINE void sum(const Rows& r, const double* const tables[3], double* sums) {
  alignas(64) std::uint8_t code[kRunChunk][kTile];
  alignas(64) std::uint8_t by_pair[kTile][kRunChunk];
  for (std::size_t j0 = 0; j0 < r.runs; j0 += kRunChunk) {
    const std::size_t runs = r.runs - j0 < kRunChunk ? r.runs - j0 : kRunChunk;
    D8 acc[3][kRunChunk / 8] = {};
    for (std::size_t i0 = 0; i0 < r.pairs; i0 += kTile) {
      const std::size_t pairs = r.pairs - i0 < kTile ? r.pairs - i0 : kTile;
      const std::size_t size = r.type == Element::u8 ? 1 : sizeof(T);
      for (std::size_t j = 0; j < runs; ++j) row_codes<T>(r.mask[j0 + j] + i0, r.loss[j0 + j] + 2 * i0 * size, pairs, code[j]);
      for (std::size_t j = runs; j < kRunChunk; ++j) std::memset(code[j], 0, kTile);  // padding: looked up, never added
      for (std::size_t i = pairs; i < kTile; ++i)
        for (std::size_t j = 0; j < runs; ++j) code[j][i] = 0;
      transpose(code, by_pair);
      for (std::size_t i = 0; i < pairs; ++i) {
        D8 table[3];
        for (std::size_t t = 0; t < 3; ++t) std::memcpy(&table[t], tables[t] + 8 * (i0 + i), sizeof(D8));
        for (std::size_t q = 0; q < kRunChunk / 8; ++q) {
          std::int64_t eight;
          std::memcpy(&eight, by_pair[i] + 8 * q, sizeof eight);
          // Lane k's index is run k's code, byte k of `eight`: the bytes above it are left in, since a permutation
          // of eight lanes reads only the low three bits (a broadcast and a shift; GCC widened the bytes one by one).
          const I8 index = (I8{} + eight) >> kByteShifts;
          for (std::size_t t = 0; t < 3; ++t) add_lookup(acc[t][q], table[t], index);
        }
      }
    }
    for (std::size_t t = 0; t < 3; ++t)
      for (std::size_t j = 0; j < runs; ++j) sums[t * r.runs + j0 + j] += acc[t][j / 8][j % 8];
  }
}

using U4x8 = std::uint32_t __attribute__((vector_size(32)));

// The lanes of v in the order given (constant indices).
#if defined(__clang__)
#define ITBOUND_PERMUTE(v, a, b, c, d, e, f, g, h) __builtin_shufflevector(v, v, a, b, c, d, e, f, g, h)
#else
#define ITBOUND_PERMUTE(v, a, b, c, d, e, f, g, h) __builtin_shuffle(v, I8{a, b, c, d, e, f, g, h})
#endif

// acc += table[index] lane by lane (out-parameters: a 64-byte vector is not passed by value below AVX-512), or
// -= that; lanes are loaded one by one (GCC 12 makes no gathers of these).
ITBOUND_INLINE void add_looked_up(D8& acc, const double* table, const I8& index) {
  D8 v;
  for (int k = 0; k < 8; ++k) v[k] = table[index[k]];
  acc += v;
}
// An index whose lanes 4-7 repeat lanes 0-3 (a cell's X count).
ITBOUND_INLINE void subtract_looked_up_quad(D8& acc, const double* table, const I8& index) {
  D8 v = {};
  for (int k = 0; k < 4; ++k) v[k] = table[index[k]];
  acc -= ITBOUND_PERMUTE(v, 0, 1, 2, 3, 0, 1, 2, 3);
}
// An index constant on lanes 0-3 and on lanes 4-7 (a cell's U count).
ITBOUND_INLINE void subtract_looked_up_halves(D8& acc, const double* table, const I8& index) {
  const double low = table[index[0]], high = table[index[4]];
  acc -= D8{low, low, low, low, high, high, high, high};
}

// Lane q is code q: its cell's count c, its X value's count cx (u and 1 - u together: lanes q and q ^ 4) and its U
// value's count cu (the four codes with its u: lanes 0-3 or 4-7). Then the estimate without one such sample,
// (whole + dx[c] - dx[cx] - dx[cu] + dx[m]) / (m - 1), and its Miller-Madow term, as delete_one updates them.
template <bool kLd, bool kMillerMadow>
ITBOUND_INLINE void changes(const std::uint32_t* counts, const TableSums* sums, std::size_t units, std::uint32_t m,
                            const double* dx, double* out) {
  const double per = m > 2 ? 1.0 / (m - 1) : 0.0;  // no estimate from fewer than 2 samples (clamped_mi)
  const double dm = dx[m];
  const I8 zero_or_three = {-1, 0, 0, -1, -1, 0, 0, -1};  // x = code & 3 in {0, 3}: Delta = 0
  const D8 zero = {}, ln2 = zero + std::numbers::ln2;
  for (std::size_t k = 0; k < units; ++k) {
    U4x8 raw;
    std::memcpy(&raw, counts + 8 * k, sizeof raw);
    const I8 code = __builtin_convertvector(raw, I8);
    I8 c = code;
    if constexpr (kLd) c += ITBOUND_PERMUTE(code, 3, 2, 1, 0, 7, 6, 5, 4) & zero_or_three;
    const I8 cx = c + ITBOUND_PERMUTE(c, 4, 5, 6, 7, 0, 1, 2, 3);
    I8 cu = code + ITBOUND_PERMUTE(code, 1, 0, 3, 2, 5, 4, 7, 6);
    cu += ITBOUND_PERMUTE(cu, 2, 3, 0, 1, 6, 7, 4, 5);
    const TableSums& t = sums[k];
    D8 less = zero + t.whole;
    add_looked_up(less, dx, c);
    subtract_looked_up_quad(less, dx, cx);  // lanes q and q ^ 4: the same X value
    subtract_looked_up_halves(less, dx, cu);
    less += dm;
    D8 mi = less * per;
    if constexpr (kMillerMadow) {
      // K_x + K_u - K_xu less those the sample's leaving empties, less 1 (the comparisons are 0 or -1 per lane)
      const I8 one = {1, 1, 1, 1, 1, 1, 1, 1};
      const D8 mm = (t.kx + __builtin_convertvector(cx == one, D8)) + (t.ku + __builtin_convertvector(cu == one, D8)) -
                    (t.kxu + __builtin_convertvector(c == one, D8)) - 1.0;
      mi += mm * per / 2;
    }
    mi = mi < zero ? zero : mi;
    mi = mi > ln2 ? ln2 : mi;
    const I8 none = {};
    const D8 d = c == none ? zero : mi - t.base;
    std::memcpy(out + 8 * k, &d, sizeof d);
  }
}

}  // namespace

ITBOUND_CLONES void table_changes(Cells cells, const std::uint32_t* counts, const TableSums* sums, std::size_t units,
                                  std::uint32_t m, const double* dx, bool miller_madow, double* out) {
  if (cells == Cells::ld) {
    if (miller_madow) return changes<true, true>(counts, sums, units, m, dx, out);
    return changes<true, false>(counts, sums, units, m, dx, out);
  }
  if (miller_madow) return changes<false, true>(counts, sums, units, m, dx, out);
  return changes<false, false>(counts, sums, units, m, dx, out);
}

ITBOUND_CLONES void sum_tables(const Rows& rows, const double* const tables[3], double* sums) {
  switch (rows.type) {
    case Element::u8: return sum<std::uint8_t>(rows, tables, sums);
    case Element::f32: return sum<float>(rows, tables, sums);
    default: return sum<double>(rows, tables, sums);
  }
}

ITBOUND_CLONES bool count_codes(const Rows& rows, std::uint32_t* counts, std::uint32_t* ones) {
  switch (rows.type) {
    case Element::u8: return count<std::uint8_t>(rows, counts, ones);
    case Element::f32: return count<float>(rows, counts, ones);
    case Element::f64: return count<double>(rows, counts, ones);
    default: return false;
  }
}

}  // namespace itbound::estimators::kernels
