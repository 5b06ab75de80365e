#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "itbound/error.hpp"
#include "itbound/estimators/knn_mi.hpp"

using itbound::InvalidArgument;

namespace {

struct Pairs {
  std::vector<double> x, y;
};

// Standard bivariate Gaussian with correlation rho: I = -1/2 ln(1 - rho^2) (Cover & Thomas, Ex. 8.5.1).
Pairs gaussian(std::size_t n, double rho, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> z;
  Pairs p{std::vector<double>(n), std::vector<double>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    p.x[i] = z(gen);
    p.y[i] = rho * p.x[i] + std::sqrt(1.0 - rho * rho) * z(gen);
  }
  return p;
}

struct Spread {
  double mean, sd;
};

// Mean and standard deviation of an estimator over `reps` seeded samples.
template <class Estimator>
Spread replicate(Estimator estimate, std::size_t n, double rho, int reps) {
  double s = 0.0, s2 = 0.0;
  for (int r = 0; r < reps; ++r) {
    const Pairs p = gaussian(n, rho, 1000 + static_cast<std::uint64_t>(r));
    const double v = estimate(p.x, p.y);
    s += v;
    s2 += v * v;
  }
  const double mean = s / reps;
  return {mean, std::sqrt((s2 / reps - mean * mean) * reps / (reps - 1))};
}

}  // namespace

TEST_CASE("digamma_int matches published values") {
  // psi(1) = -Euler's gamma; psi(100), psi(10^6) from scipy.special.digamma (Cephes), independent code.
  CHECK(itbound::digamma_int(1) == doctest::Approx(-0.57721566490153286).epsilon(1e-15));
  CHECK(itbound::digamma_int(2) == doctest::Approx(1.0 - 0.57721566490153286).epsilon(1e-15));
  CHECK(itbound::digamma_int(19) == doctest::Approx(2.9178924132947808).epsilon(1e-15));
  CHECK(itbound::digamma_int(20) == doctest::Approx(2.970523992242149).epsilon(1e-15));
  CHECK(itbound::digamma_int(100) == doctest::Approx(4.600161852738088).epsilon(1e-15));
  CHECK(itbound::digamma_int(1000000) == doctest::Approx(13.81551005796419).epsilon(1e-15));
  CHECK_THROWS_AS(itbound::digamma_int(0), InvalidArgument);
}

// KSG's bias on Gaussians is small (Kraskov et al. 2004, Sec. IV: it vanishes for independent Gaussians and
// stays at the 1e-3 nats scale for N in the thousands); allowing 0.01 nats for it, the mean of 20 seeded
// estimates must lie within 4 standard errors (sd / sqrt(20), sd measured from the same 20) of the closed form.
TEST_CASE("KSG on bivariate Gaussians: closed form -1/2 ln(1 - rho^2) within the estimator's spread") {
  const auto ksg = [](const std::vector<double>& x, const std::vector<double>& y) { return itbound::ksg_mi(x, y, 3); };
  for (double rho : {0.0, 0.3, 0.6, 0.9}) {
    CAPTURE(rho);
    const double truth = -0.5 * std::log(1.0 - rho * rho);
    const Spread s = replicate(ksg, 2000, rho, 20);
    CAPTURE(s.mean);
    CAPTURE(s.sd);
    CHECK(std::fabs(s.mean - truth) <= 4.0 * s.sd / std::sqrt(20.0) + 0.01);
    CHECK(s.sd < 0.03);  // the spread itself: about 0.01-0.02 nats at N = 2000
  }
}

TEST_CASE("KSG on independent pairs: about 0, raw (can be negative, not clamped)") {
  const auto ksg = [](const std::vector<double>& x, const std::vector<double>& y) { return itbound::ksg_mi(x, y, 3); };
  const Spread s = replicate(ksg, 1000, 0.0, 30);
  CHECK(std::fabs(s.mean) <= 4.0 * s.sd / std::sqrt(30.0));
  bool some_negative = false;
  for (int r = 0; r < 30 && !some_negative; ++r) {
    const Pairs p = gaussian(1000, 0.0, 1000 + static_cast<std::uint64_t>(r));
    some_negative = itbound::ksg_mi(p.x, p.y, 3) < 0.0;
  }
  CHECK(some_negative);
}

TEST_CASE("KSG is unchanged when both variables are scaled by the same power of 2") {
  // Scaling by 4 is exact in binary floating point, so every max-norm neighbour and count is the same.
  const Pairs p = gaussian(3000, 0.5, 7);
  std::vector<double> x4(p.x), y4(p.y);
  for (auto& v : x4) v *= 4.0;
  for (auto& v : y4) v *= 4.0;
  CHECK(itbound::ksg_mi(x4, y4, 4) == itbound::ksg_mi(p.x, p.y, 4));
}

TEST_CASE("Gao et al. mixed estimator") {
  SUBCASE("continuous data: close to the closed form like KSG") {
    const auto mixed = [](const std::vector<double>& x, const std::vector<double>& y) {
      return itbound::mixed_ksg_mi(x, y, 3);
    };
    const Spread s = replicate(mixed, 2000, 0.6, 20);
    CHECK(std::fabs(s.mean + 0.5 * std::log(1.0 - 0.36)) <= 4.0 * s.sd / std::sqrt(20.0) + 0.02);
  }
  SUBCASE("Y a copy of a uniform discrete X on 4 values: ln 4, where plain KSG breaks down") {
    // Every point has rho_i = 0; with m = N/4 equal points k_i = n_x = n_y = m - 1 and the estimate is
    // psi(m - 1) + ln N - 2 ln m = ln 4 - 3/(2m) + O(1/m^2).
    std::vector<double> x(4000), y(4000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = y[i] = static_cast<double>(i % 4);
    const double m = 1000.0;
    const double expected = itbound::digamma_int(999) + std::log(4000.0) - 2.0 * std::log(m);
    CHECK(itbound::mixed_ksg_mi(x, y, 3) == doctest::Approx(expected).epsilon(1e-12));
    CHECK(std::fabs(expected - std::log(4.0) + 1.5 / m) < 1e-5);
  }
}

TEST_CASE("Ross continuous-discrete: independent labels give about 0") {
  std::mt19937_64 gen(3);
  std::normal_distribution<double> z;
  std::vector<double> c(3000);
  std::vector<std::int64_t> d(3000);
  for (std::size_t i = 0; i < c.size(); ++i) {
    c[i] = z(gen);
    d[i] = static_cast<std::int64_t>(i % 2);
  }
  CHECK(std::fabs(itbound::ross_mi(c, d, 3)) < 0.02);
  // Perfectly separated labels: I = H(d) = ln 2 in the large-sample limit.
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = std::fabs(c[i]) * (d[i] == 0 ? 1.0 : -1.0);
  CHECK(itbound::ross_mi(c, d, 3) == doctest::Approx(std::log(2.0)).epsilon(0.02));
}

TEST_CASE("binned plug-in MI with Miller-Madow, hand-computed tables") {
  // Perfectly dependent 2x2: I = ln 2; m_x = m_y = m_xy = 2, correction (2 + 2 - 2 - 1)/(2 * 4) = 1/8.
  const std::vector<double> a{0, 0, 1, 1}, b{5, 5, 7, 7}, c{0, 1, 0, 1};
  const itbound::BinnedMi dep = itbound::binned_mi(a, b, 2, 2);
  CHECK(dep.plug_in == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(dep.miller_madow == doctest::Approx(std::log(2.0) + 0.125).epsilon(1e-15));
  CHECK(dep.occupied_xy == 2);
  // Independent 2x2: I = 0, m_xy = 4, correction (2 + 2 - 4 - 1)/8 = -1/8.
  const itbound::BinnedMi ind = itbound::binned_mi(a, c, 2, 2);
  CHECK(std::fabs(ind.plug_in) < 1e-15);
  CHECK(ind.miller_madow == doctest::Approx(-0.125).epsilon(1e-15));
}

TEST_CASE("k-NN MI estimators reject bad input naming the field") {
  const std::vector<double> x{1, 2, 3, 4, 5}, y{1, 2, 3, 4}, nan{1, 2, std::numeric_limits<double>::quiet_NaN(), 4, 5};
  const std::vector<std::int64_t> d{0, 1, 0, 1};
  CHECK_THROWS_WITH_AS(itbound::ksg_mi(x, y, 3), doctest::Contains("y:"), InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::ksg_mi(x, nan, 3), doctest::Contains("y:"), InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::ksg_mi(x, x, 0), doctest::Contains("k:"), InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::ksg_mi(x, x, 5), doctest::Contains("x:"), InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::mixed_ksg_mi(nan, x, 3), doctest::Contains("x:"), InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::ross_mi(x, d, 3), doctest::Contains("d:"), InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::ross_mi(y, std::vector<std::int64_t>{0, 1, 2, 3}, 3), doctest::Contains("d:"),
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::binned_mi(x, x, 0, 2), doctest::Contains("bins_x:"), InvalidArgument);
}
