#include "itbound/bounds/split.hpp"

#include <algorithm>
#include <cstdio>

#include "itbound/error.hpp"

namespace itbound {
namespace {

void sort_and_check(std::vector<std::int64_t>& v, const char* field) {
  std::sort(v.begin(), v.end());
  if (!v.empty() && v.front() < 0) fail(field, "must hold non-negative example indices, got " + std::to_string(v.front()));
  const auto dup = std::adjacent_find(v.begin(), v.end());
  if (dup != v.end()) fail(field, "repeats example index " + std::to_string(*dup));
}

}  // namespace

std::uint64_t fnv1a64(const std::vector<std::int64_t>& values, std::uint64_t state) {
  constexpr std::uint64_t prime = 1099511628211ULL;
  for (const std::int64_t v : values) {
    const auto u = static_cast<std::uint64_t>(v);
    for (int b = 0; b < 8; ++b) {
      state ^= (u >> (8 * b)) & 0xffU;
      state *= prime;
    }
  }
  return state;
}

SplitRecord check_split(std::vector<std::int64_t> bound, std::vector<std::int64_t> prior) {
  if (bound.empty()) fail("bound_indices", "must name at least one example");
  sort_and_check(bound, "bound_indices");
  sort_and_check(prior, "prior_indices");
  std::vector<std::int64_t> common;
  std::set_intersection(bound.begin(), bound.end(), prior.begin(), prior.end(), std::back_inserter(common));
  if (!common.empty())
    fail("prior_indices", "shares " + std::to_string(common.size()) + " example(s) with bound_indices (first: " +
                              std::to_string(common.front()) + "); the bound set must be unseen by the prior");
  SplitRecord r;
  r.bound_size = static_cast<std::int64_t>(bound.size());
  r.prior_size = static_cast<std::int64_t>(prior.size());
  r.disjoint_checked = !prior.empty();
  // The separator -1 cannot be an index, so (bound, prior) pairs hash differently from their concatenation.
  const std::uint64_t h = fnv1a64(prior, fnv1a64({-1}, fnv1a64(bound)));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  r.hash = std::string("fnv1a64:") + hex;
  return r;
}

}  // namespace itbound
