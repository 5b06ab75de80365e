#pragma once
// Stable LSD radix sort of records by a double key (no NaN): the key's bits made order-preserving as an unsigned
// integer (negative numbers: every bit flipped; others: the sign bit set), 11 bits a pass, six passes over the
// records, skipping the passes whose digit every key shares. For a million 16-byte records about 3x faster
// than std::sort's comparisons, whose branches on random data mispredict. -0 sorts before +0 (they compare equal).
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace itbound::estimators {

inline std::uint64_t ordered_bits(double key) {
  const auto b = std::bit_cast<std::uint64_t>(key);
  return b >> 63 ? ~b : b | (std::uint64_t{1} << 63);
}

// Sorts v[0, n) by key(record); `spare` is resized to n and used as the other buffer (the caller may keep it
// between calls). Allocates nothing else.
template <class T, class Alloc, class Key>
void radix_sort(std::vector<T, Alloc>& v, std::size_t n, std::vector<T, Alloc>& spare, const Key& key) {
  if (n < 2) return;
  constexpr int kBits = 11, kPasses = 6;  // 66 bits cover 64
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  std::array<std::array<std::size_t, kBuckets>, kPasses> count{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = ordered_bits(key(v[i]));
    for (int p = 0; p < kPasses; ++p) ++count[static_cast<std::size_t>(p)][(k >> (kBits * p)) & (kBuckets - 1)];
  }
  if (spare.size() < n) spare.resize(n);
  T* from = v.data();
  T* to = spare.data();
  for (int p = 0; p < kPasses; ++p) {
    auto& c = count[static_cast<std::size_t>(p)];
    const std::uint64_t first = (ordered_bits(key(from[0])) >> (kBits * p)) & (kBuckets - 1);
    if (c[first] == n) continue;  // one digit for every key: the order stands
    std::size_t at = 0;
    for (auto& bucket : c) {
      const std::size_t size = bucket;
      bucket = at;
      at += size;
    }
    for (std::size_t i = 0; i < n; ++i) to[c[(ordered_bits(key(from[i])) >> (kBits * p)) & (kBuckets - 1)]++] = from[i];
    std::swap(from, to);
  }
  if (from != v.data()) std::copy(from, from + n, v.data());
}

}  // namespace itbound::estimators
