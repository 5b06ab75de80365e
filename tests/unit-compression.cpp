// Compression-scheme CMI bounds (Steinke & Zakynthinou 2020, Theorems 2 and 7) against the 50-digit table
// data/reference/compression.csv (compression_reference.py); invariants and bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include "itbound/bounds/compression.hpp"
#include "itbound/error.hpp"
#include "reference_table.hpp"

using namespace itbound;

TEST_CASE("compression CMI bound and its two expectation bounds against the 50-digit table") {
  const auto rows = test::read_reference("compression.csv");
  REQUIRE(rows.size() == 100);
  for (const auto& row : rows) {
    std::ostringstream where;
    for (const auto& [k, v] : row) where << k << "=" << v << " ";
    CAPTURE(where.str());
    const auto n = static_cast<std::int64_t>(test::number(row, "n")), k = static_cast<std::int64_t>(test::number(row, "k"));
    const bool unordered = test::number(row, "unordered") == 1.0;
    const double train = test::number(row, "train");
    const double cmi = test::number(row, "cmi");
    const double got = compression_cmi_bound(n, k, unordered);
    CHECK(got >= cmi * (1 - 1e-16));  // the table rounds to 25 digits
    CHECK(got <= cmi * (1 + 1e-13) + 1e-300);
    const auto bounds = compression_bounds({n, k, unordered, train, 0.0, 1.0});
    REQUIRE(bounds.size() == 2);
    for (const auto& [c, column] : {std::pair{bounds[0], "sqrt"}, std::pair{bounds[1], "fast_rate"}}) {
      CAPTURE(column);
      const double exact = test::number(row, column);
      CHECK(c.value >= exact * (1 - 1e-16));
      CHECK(c.value <= exact * (1 + 1e-13) + 1e-300);
      CHECK(c.guarantee == Guarantee::expectation_bound);
      CHECK(c.valid());
      CHECK(c.delta_spent() == 0.0);
    }
  }
}

TEST_CASE("compression bounds: invariants") {
  for (std::int64_t n : {5, 150, 1000}) {
    double previous = -1;
    for (std::int64_t k = 0; k <= n; k += std::max<std::int64_t>(1, n / 7)) {
      CAPTURE(n);
      CAPTURE(k);
      const double ordered = compression_cmi_bound(n, k, false), unordered = compression_cmi_bound(n, k, true);
      CHECK(unordered <= ordered * (1 + 1e-14));  // C(2n, k) <= (2n)^k (equal at k = 1, rounded apart)
      CHECK(ordered >= previous);   // monotone in k
      CHECK(ordered <= static_cast<double>(n) * std::numbers::ln2 * (1 + 1e-15));  // CMI <= n ln 2
      previous = ordered;
      const auto b = compression_bounds({n, k, false, 0.1, 0.0, 1.0});
      CHECK(b[0].value >= 0.1);  // never below the training loss
      CHECK(b[1].value >= 0.2 * (1 - 1e-16));
    }
  }
  CHECK(compression_cmi_bound(100, 0, false) == 0.0);
  CHECK(compression_cmi_bound(100, 1, true) == doctest::Approx(std::log(200.0)));
  // More examples at a fixed compression size: smaller bounds.
  CHECK(compression_bounds({1000, 10, true, 0.0, 0.0, 1.0})[1].value <
        compression_bounds({100, 10, true, 0.0, 0.0, 1.0})[1].value);
  // Losses in [a, b]: the bound on the scaled loss mapped back.
  const auto unit = compression_bounds({500, 7, false, 0.05, 0.0, 1.0});
  const auto wide = compression_bounds({500, 7, false, -1 + 4 * 0.05, -1.0, 3.0});
  for (int j = 0; j < 2; ++j) CHECK(wide[j].raw_value == doctest::Approx(-1 + 4 * unit[j].raw_value).epsilon(1e-12));
}

TEST_CASE("compression bounds: bad input names the field") {
  const auto field_of = [](const CompressionOptions& o) {
    try {
      compression_bounds(o);
    } catch (const InvalidArgument& e) {
      return e.field();
    }
    return std::string("none");
  };
  CHECK(field_of({10, 11, false, 0.0, 0.0, 1.0}) == "compression-size");
  CHECK(field_of({10, -1, false, 0.0, 0.0, 1.0}) == "compression-size");
  CHECK(field_of({0, 0, false, 0.0, 0.0, 1.0}) == "n");
  CHECK(field_of({10, 2, false, 1.5, 0.0, 1.0}) == "train-error");
  CHECK(field_of({10, 2, false, std::nan(""), 0.0, 1.0}) == "train-error");
  CHECK(field_of({10, 2, false, 0.0, 1.0, 1.0}) == "loss-max");
}

TEST_CASE("cmi_sqrt_gap: a positive CMI whose 2 CMI / n underflows is not reported as a zero gap") {
  // 2 * 1e-320 / 1e6 underflows to 0 in double; the exact gap sqrt(2e-326) = 1.4e-163 is positive.
  CHECK(itbound::cmi_sqrt_gap(1e-320, 1000000, 1.0) >= 1.4e-163);
  CHECK(itbound::cmi_sqrt_gap(0.0, 1000000, 1.0) == 0.0);  // an exact 0 (a constant learner) stays 0
}
