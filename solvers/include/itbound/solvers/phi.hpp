#pragma once
// phi(x) = x - ln(1+x) >= 0 without cancellation: the kernel of the binary kl (solvers/kl.hpp), of the binomial
// probabilities (binomial.hpp), whose logs are sums of n phi(.) terms, and of the KL terms of estimators/kl_divergence.
#include <cmath>

namespace itbound {

// x - ln(1+x) for x > -1, where ratio = 1 + x is supplied separately (it is known more accurately than 1 + x
// itself). Near 0 the difference cancels, so use ln(1+x) = 2 atanh(t), t = x/(2+x), and x - 2t = x t: then
// x - ln(1+x) = x t - 2 t^3 (1/3 + t^2/5 + ...), with |t| <= 1/7 for |x| <= 1/4 so twelve terms reach 1e-21
// (enough for long double too).
// Error, for callers' analyses: where |x| <= 1/4 the series adds about 10 ulps and phi (about x^2/2) has twice x's
// relative error; past it, x - ln(ratio) has absolute error e_x |x| + e_r + e_ln |ln ratio| (relative errors of x,
// ratio and the log), and phi >= 0.0269 there (its minimum, at x = 1/4, where |x|/phi = 9.3; 0.0377 at x = -1/4).
template <typename T>
inline T x_minus_log1p(T x, T ratio) {
  if (std::abs(x) <= T(0.25)) {
    const T t = x / (T(2) + x);
    const T t2 = t * t;
    T s = T(1) / T(25);
    for (int k = 23; k >= 3; k -= 2) s = s * t2 + T(1) / T(k);
    return x * t - T(2) * t * t2 * s;
  }
  return x - std::log(ratio);
}

}  // namespace itbound
