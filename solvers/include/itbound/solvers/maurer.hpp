#pragma once
// Maurer's constant xi(n) = sum_{k=0..n} C(n,k) (k/n)^k (1-k/n)^(n-k) (Maurer 2004; theorem number unchecked),
// the price of the kl bound: E exp(n kl(R_hat||R)) <= xi(n), with sqrt(n) <= xi(n) <= 2 sqrt(n) for n >= 8.
#include <cstdint>

namespace itbound {

// An upper bound on ln xi(n), rounded up, for 1 <= n <= 1e12. Exact up to rounding for n <= 4096;
// above, the 2048 terms at each end are summed exactly and the middle is bounded by an integral
// (see maurer.cpp), which overstates ln xi(n) by less than 1e-4 (1.2e-5 at n = 1e4; tests/unit-solver_references.cpp).
double log_maurer_xi(std::int64_t n);

}  // namespace itbound
