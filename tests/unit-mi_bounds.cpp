#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "itbound/bounds/mi_bounds.hpp"
#include "itbound/error.hpp"

using itbound::InvalidArgument;
using itbound::MiBoundOptions;

TEST_CASE("Xu-Raginsky: sqrt(2 sigma^2 I / n) with sigma = (b - a)/2") {
  MiBoundOptions o;
  o.n = 1000;
  // Loss in [0, 1]: sigma = 1/2, bound = sqrt(I / (2n)). I = 5 nats: sqrt(5 / 2000) = 0.05.
  const itbound::Certificate c = itbound::xu_raginsky_bound(5.0, o);
  CHECK(c.value == doctest::Approx(0.05).epsilon(1e-14));
  CHECK(c.value >= 0.05);  // rounded up
  CHECK(c.delta_spent() == 0.0);
  CHECK(c.valid());
  // Loss in [-1, 3]: sigma = 2, bound = sqrt(8 I / n).
  o.loss_min = -1.0;
  o.loss_max = 3.0;
  CHECK(itbound::xu_raginsky_bound(0.5, o).value == doctest::Approx(std::sqrt(8.0 * 0.5 / 1000.0)).epsilon(1e-14));
  // Capped at b - a, raw kept.
  const itbound::Certificate big = itbound::xu_raginsky_bound(1e6, o);
  CHECK(big.value == 4.0);
  CHECK(big.raw_value > 4.0);
  // A given sigma: no cap.
  o.sigma = 3.0;
  const itbound::Certificate s = itbound::xu_raginsky_bound(1e6, o);
  CHECK(s.value == doctest::Approx(std::sqrt(2.0 * 9.0 * 1e6 / 1000.0)).epsilon(1e-14));
}

TEST_CASE("Xu-Raginsky is monotone: up in I, down in n") {
  MiBoundOptions o;
  o.n = 100;
  double last = 0.0;
  for (double mi : {0.0, 0.1, 1.0, 10.0}) {
    const double v = itbound::xu_raginsky_bound(mi, o).value;
    CHECK(v >= last);
    last = v;
  }
  MiBoundOptions more = o;
  more.n = 1000;
  CHECK(itbound::xu_raginsky_bound(1.0, more).value < itbound::xu_raginsky_bound(1.0, o).value);
}

TEST_CASE("Bu-Zou-Veeravalli individual-sample bound") {
  MiBoundOptions o;
  o.n = 4;
  // (1/4) sum_i sqrt(2 * 1/4 * I_i) = (1/4)(sqrt(0.5 * 0.02) + 3 sqrt(0.5 * 0.08)) = (0.1 + 0.6)/4.
  const std::vector<double> mi{0.02, 0.08, 0.08, 0.08};
  CHECK(itbound::individual_mi_bound(mi, o).value == doctest::Approx(0.175).epsilon(1e-14));
  // One shared value: sqrt(2 sigma^2 I), flagged as an assumption.
  const std::vector<double> one{0.08};
  const itbound::Certificate shared = itbound::individual_mi_bound(one, o);
  CHECK(shared.value == doctest::Approx(0.2).epsilon(1e-14));
  bool flagged = false;
  for (const auto& a : shared.assumptions) flagged = flagged || a.name == "shared_mi";
  CHECK(flagged);
  // Never looser than Xu-Raginsky when I(W;S) >= sum_i I(W;Z_i) (independent Z_i), by Jensen:
  // (1/n) sum sqrt(I_i) <= sqrt(sum I_i / n).
  CHECK(itbound::individual_mi_bound(mi, o).value <= itbound::xu_raginsky_bound(0.26, o).value);
}

TEST_CASE("MI bounds reject bad input naming the field") {
  MiBoundOptions o;
  o.n = 10;
  CHECK_THROWS_WITH_AS(itbound::xu_raginsky_bound(-0.01, o), doctest::Contains("mi:"), InvalidArgument);
  CHECK_THROWS_WITH_AS(itbound::xu_raginsky_bound(std::nan(""), o), doctest::Contains("mi:"), InvalidArgument);
  const std::vector<double> three{0.1, 0.1, 0.1};
  CHECK_THROWS_WITH_AS(itbound::individual_mi_bound(three, o), doctest::Contains("mi:"), InvalidArgument);
  o.loss_max = o.loss_min;
  CHECK_THROWS_WITH_AS(itbound::xu_raginsky_bound(0.1, o), doctest::Contains("loss_max:"), InvalidArgument);
  o.sigma = -1.0;
  CHECK_THROWS_WITH_AS(itbound::xu_raginsky_bound(0.1, o), doctest::Contains("sigma:"), InvalidArgument);
  o.n = 0;
  CHECK_THROWS_WITH_AS(itbound::xu_raginsky_bound(0.1, o), doctest::Contains("n:"), InvalidArgument);
}
