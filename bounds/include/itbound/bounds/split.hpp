#pragma once
// Split integrity for data-dependent priors: the bound may use only examples the prior never saw.
#include <cstdint>
#include <string>
#include <vector>

namespace itbound {

struct SplitRecord {
  std::int64_t bound_size = 0;  // n of the bound: the number of distinct bound-set indices
  std::int64_t prior_size = 0;  // 0 when no prior indices were given
  bool disjoint_checked = false;
  std::string hash;             // "fnv1a64:<16 hex digits>" of the sorted bound indices, '|', sorted prior indices
};

// Checks the index sets (non-negative, no repeats, and disjoint when prior_indices is non-empty) and
// records n and the split's hash. Throws InvalidArgument naming bound_indices or prior_indices.
SplitRecord check_split(std::vector<std::int64_t> bound_indices, std::vector<std::int64_t> prior_indices);

// FNV-1a 64 over the little-endian bytes of the values (Fowler, Noll, Vo; IETF draft-eastlake-fnv).
std::uint64_t fnv1a64(const std::vector<std::int64_t>& values, std::uint64_t state = 14695981039346656037ULL);

}  // namespace itbound
