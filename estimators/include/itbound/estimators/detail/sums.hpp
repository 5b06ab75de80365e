#pragma once
// Sums and means of per-pair values in eight interleaved partial sums: the compiler keeps them in vector registers
// (a single running sum is one long chain of dependent additions). The order of summation is fixed, so results
// do not depend on the machine; a bound that pads a sum by sum_round_up's error bound holds for nonnegative terms
// in any order.
#include <cstddef>
#include <vector>

namespace itbound::estimators::detail {

// The sum of f(x[i]) over i < n.
template <class F>
double sum_of(const double* x, std::size_t n, const F& f) {
  double part[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (std::size_t q = 0; q < 8; ++q) part[q] += f(x[i + q]);
  for (; i < n; ++i) part[i % 8] += f(x[i]);
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

// The mean of v, 0 when v is empty.
inline double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : sum_of(v.data(), v.size(), [](double x) { return x; }) / static_cast<double>(v.size());
}

}  // namespace itbound::estimators::detail
