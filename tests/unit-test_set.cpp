#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "itbound/bounds/test_set.hpp"
#include "itbound/error.hpp"

using itbound::Certificate;
using itbound::expected_error_upper_limit;

TEST_CASE("expected-error upper limit: the kl inverse over groups, against mpmath (50 digits)") {
  // data/reference: mean 0.15 of three groups, c = ln(20)/3; mpmath bisection on kl(q||p) = c.
  const Certificate c = expected_error_upper_limit("u", {0.1, 0.2, 0.15}, 0.0, 1.0, 0.05, "E[loss]");
  CHECK(c.guarantee == itbound::Guarantee::certificate);
  CHECK(c.valid());
  CHECK(c.delta_spent() == 0.05);
  CHECK(c.value >= 0.804809902535537819886172027528);
  CHECK(c.value <= 0.804809902535537819886172027528 * (1 + 1e-12));
  // The same groups on the scale [0, 4]: four times the value (rounded up).
  const Certificate s = expected_error_upper_limit("u", {0.4, 0.8, 0.6}, 0.0, 4.0, 0.05, "E[loss]");
  CHECK(s.value >= 3.21923961014215127954468811011);
  CHECK(s.value <= 3.21923961014215127954468811011 * (1 + 1e-12));
  // All groups at 0: 1 - delta^(1/k), the closed form.
  const Certificate z = expected_error_upper_limit("u", std::vector<double>(10, 0.0), 0.0, 1.0, 0.01, "E[loss]");
  CHECK(z.value >= 0.369042655519806750565639863378);
  CHECK(z.value <= 0.369042655519806750565639863378 * (1 + 1e-12));
  CHECK_THROWS_AS(expected_error_upper_limit("u", {0.1}, 0.0, 1.0, 1.0, "E[loss]"), itbound::InvalidArgument);
}

TEST_CASE("expected-error upper limit: holds in at least 1 - delta of simulated trials, monotone in delta") {
  // Groups = means of 20 Bernoulli(0.3) losses, k = 5 groups, delta = 0.1: misses must stay near or below 10%.
  std::mt19937_64 rng(11);
  std::bernoulli_distribution loss(0.3);
  int misses = 0;
  constexpr int kTrials = 4000;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<double> groups(5);
    for (double& g : groups) {
      int errors = 0;
      for (int i = 0; i < 20; ++i) errors += loss(rng);
      g = errors / 20.0;
    }
    misses += expected_error_upper_limit("u", groups, 0.0, 1.0, 0.1, "E[loss]").value < 0.3;
    if (t < 50) {
      CHECK(expected_error_upper_limit("u", groups, 0.0, 1.0, 0.01, "E[loss]").value >=
            expected_error_upper_limit("u", groups, 0.0, 1.0, 0.1, "E[loss]").value);
    }
  }
  MESSAGE("misses " << misses << " of " << kTrials << " at delta = 0.1");
  // 4000 trials: the binomial sd at 10% is 19; allow three of them above delta.
  CHECK(misses <= 0.1 * kTrials + 57);
}
