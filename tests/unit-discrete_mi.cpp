// General plug-in MI (U on many values): hand-computed tables, the brute-force jackknife, and agreement
// with the binary-U estimator of the supersample code on binary data.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "itbound/estimators/discrete_mi.hpp"
#include "itbound/estimators/supersample.hpp"

using namespace itbound::estimators;

namespace {
std::vector<DiscreteSample> pairs(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& u) {
  std::vector<DiscreteSample> out;
  for (std::size_t j = 0; j < x.size(); ++j) out.push_back({x[j], u[j]});
  return out;
}
double mi(const std::vector<std::int64_t>& x, const std::vector<std::int64_t>& u, Correction c, double cap = 10) {
  auto s = pairs(x, u);
  return discrete_mi(s, c, cap);
}
}  // namespace

TEST_CASE("general plug-in MI of hand-computed tables") {
  // X a copy of U on 3 values: I = H(U) = ln 3.
  CHECK(mi({5, 9, 2, 5, 9, 2}, {0, 1, 2, 0, 1, 2}, Correction::none) == doctest::Approx(std::log(3.0)).epsilon(1e-15));
  // X constant: I = 0 exactly.
  CHECK(mi({4, 4, 4, 4, 4}, {0, 1, 2, 3, 4}, Correction::none) == 0.0);
  // U uniform on {10, 20, 30}, X = 1 only when U = 10: p(x=1, u=10) = 1/3, p(x=0, u) = 1/3 for u = 20, 30;
  // I = H(X) = ln 3 - (2/3) ln 2.
  CHECK(mi({1, 0, 0}, {10, 20, 30}, Correction::none) == doctest::Approx(std::log(3.0) - 2.0 / 3 * std::log(2.0)).epsilon(1e-15));
  // Miller-Madow on that table: (Kx - 1 + Ku - 1 - (Kxu - 1)) / (2m) = (1 + 2 - 2) / 6.
  CHECK(mi({1, 0, 0}, {10, 20, 30}, Correction::miller_madow) ==
        doctest::Approx(std::log(3.0) - 2.0 / 3 * std::log(2.0) + 1.0 / 6).epsilon(1e-15));
  // Clamped to [0, cap].
  CHECK(mi({5, 9, 2, 5, 9, 2}, {0, 1, 2, 0, 1, 2}, Correction::none, 0.5) == 0.5);
  CHECK(mi({3}, {1}, Correction::none) == 0.0);
}

TEST_CASE("general jackknife equals the brute-force leave-one-out formula") {
  const std::vector<std::int64_t> x{0, 1, 2, 0, 1, 1, 2, 0, 0, 2, 1, 7, 7};
  const std::vector<std::int64_t> u{0, 1, 1, 0, 3, 1, 1, 3, 1, 4, 0, 4, 4};
  const double m = static_cast<double>(x.size());
  const double full = mi(x, u, Correction::none, 1e9);
  double loo = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    auto xs = x, us = u;
    xs.erase(xs.begin() + static_cast<std::ptrdiff_t>(j));
    us.erase(us.begin() + static_cast<std::ptrdiff_t>(j));
    loo += mi(xs, us, Correction::none, 1e9);
  }
  CHECK(mi(x, u, Correction::jackknife, 1e9) == doctest::Approx(m * full - (m - 1) / m * loo).epsilon(1e-12));
}

TEST_CASE("general and binary estimators agree on binary U") {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> few(0, 4), many(0, 24), bit(0, 1);
  for (int rep = 0; rep < 20; ++rep) {
    std::vector<std::int64_t> x(30), u(30);
    std::vector<KeyedSample> keys;
    for (std::size_t j = 0; j < 30; ++j) {
      x[j] = rep % 2 ? many(rng) : few(rng);  // many: more than 16 distinct values (the sorting path)
      u[j] = bit(rng);
      keys.push_back({static_cast<double>(x[j]), 0.0, static_cast<std::uint8_t>(u[j])});
    }
    for (const Correction c : {Correction::none, Correction::miller_madow, Correction::jackknife}) {
      auto k = keys;
      CHECK(mi(x, u, c, std::log(2.0)) == doctest::Approx(discrete_mi_binary(k, c)).epsilon(1e-12));
    }
  }
}
