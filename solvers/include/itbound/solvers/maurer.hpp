#pragma once
// Maurer's constant xi(n) = sum_{k=0..n} C(n,k) (k/n)^k (1-k/n)^(n-k), the price of the kl bound:
// E exp(n kl(R_hat||R)) = xi(n) for Bernoulli losses and <= xi(n) for [0,1] losses (Maurer 2004, Lemma 3: the
// Bernoulli case dominates convex functions); xi(n) <= 2 sqrt(n) is Maurer (2004), Theorem 1, for n >= 8 (per Alquier
// 2024, Lemma 3.7; it holds for n = 1..7 too, checked by mpmath, 2 sqrt(1) = xi(1)); sqrt(n) <= xi(n) (number unchecked).
#include <cstdint>

namespace itbound {

// An upper bound on ln xi(n), rounded up, for 1 <= n <= 4.5e15. Exact up to rounding for n <= 4096;
// above, the 2048 terms at each end are summed exactly and the middle is bounded by an integral
// (see maurer.cpp), which overstates ln xi(n) by less than 1e-4 (1.2e-5 at n = 1e4; tests/unit-solver_references.cpp).
double log_maurer_xi(std::int64_t n);

}  // namespace itbound
