#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "itbound/bounds/trajectory.hpp"
#include "itbound/data/trajectory.hpp"
#include "itbound/error.hpp"

using itbound::Certificate;
using itbound::StepStats;
using itbound::TrajectoryAccumulator;
using itbound::TrajectoryInfo;

namespace {

TrajectoryInfo info(std::int64_t d, std::int64_t n, std::int64_t m = 0) {
  TrajectoryInfo i;
  i.dimension = d;
  i.n = n;
  i.prior_examples = m;
  i.gradient_bound_global = true;
  return i;
}

StepStats step(double eta, double sigma, double L, double xi2) {
  StepStats s;
  s.step_size = eta;
  s.noise_std = sigma;
  s.gradient_bound = L;
  s.incoherence_sq = xi2;
  return s;
}

// value of bound `name` after T identical steps
double bound(const TrajectoryInfo& i, const StepStats& s, int T, const char* name) {
  TrajectoryAccumulator acc(i);
  for (int t = 0; t < T; ++t) acc.add_step(s);
  for (const Certificate& c : acc.certificates())
    if (c.name == name) return c.raw_value;
  return NAN;
}

}  // namespace

TEST_CASE("trajectory: hand-computed two-step example") {
  // d = 2, n = 100, m = 20, loss in [0,1] so s = 1/2.
  // Step 1: eta = 0.5, sigma = 1, L = 2: eta^2 L^2 / (d sigma^2) = 1/2 -> (d/2) ln 1.5 = 0.4054651081081644.
  // Step 2: eta = 0.5, beta = 0.5 -> sigma^2 = 2 eta / beta = 2; ratio 1/4 -> ln 1.25 = 0.22314355131420976.
  // Pensia I = 0.6286086594223741; bound sqrt(2 * 1/4 * I / 100) = 0.05606285131093384.
  // Negrea KL: 0.25 * 4 / (2 * 1) = 0.5; beta eta ||xi||^2 / 4 = 0.5 * 0.5 * 1 / 4 = 0.0625; sum 0.5625;
  // bound sqrt(2 * 1/4 * 0.5625 / 80) = sqrt(0.003515625) = 0.05929270612815711.
  TrajectoryAccumulator acc(info(2, 100, 20));
  acc.add_step(step(0.5, 1.0, 2.0, 4.0));
  StepStats s2 = step(0.5, NAN, 2.0, 1.0);
  s2.inverse_temperature = 0.5;
  acc.add_step(s2);
  const auto certs = acc.certificates();
  REQUIRE(certs.size() == 2);
  CHECK(certs[0].name == "pensia");
  CHECK(certs[0].valid);
  CHECK(certs[0].value == doctest::Approx(0.05606285131093384).epsilon(1e-14));
  CHECK(certs[0].value >= 0.05606285131093384 * (1 - 1e-15));
  CHECK(certs[1].name == "negrea");
  CHECK(certs[1].valid);
  CHECK(certs[1].value == doctest::Approx(0.05929270612815711).epsilon(1e-14));
  CHECK(certs[1].value >= 0.05929270612815711 * (1 - 1e-15));
}

TEST_CASE("trajectory: sqrt(2) trap - loss range [0,2] gives s = 1, bound = sqrt(2 I / n)") {
  // One step, d = 1, eta = 1, sigma = 1, L = 1: I = (1/2) ln 2 = 0.34657359027997264.
  // s = (2 - 0)/2 = 1: bound = sqrt(2 * 0.34657359027997264 / 10) = 0.2632768847734159 (mpmath).
  TrajectoryInfo i = info(1, 10);
  i.loss_max = 2.0;
  CHECK(bound(i, step(1, 1, 1, 0), 1, "pensia") == doctest::Approx(0.2632768847734159).epsilon(1e-12));
  i.subgaussian = 0.5;  // given s overrides the range: bound halves
  CHECK(bound(i, step(1, 1, 1, 0), 1, "pensia") == doctest::Approx(0.1316384423867080).epsilon(1e-12));
}

TEST_CASE("trajectory: invariants") {
  const TrajectoryInfo base = info(10, 1000, 100);
  for (const char* name : {"pensia", "negrea"}) {
    const double b = bound(base, step(0.1, 0.3, 2, 3), 50, name);
    CHECK(bound(base, step(0.2, 0.3, 2, 3), 50, name) > b);  // grows with step size
    CHECK(bound(base, step(0.1, 0.3, 2, 3), 80, name) > b);  // grows with steps
    CHECK(bound(info(10, 4000, 100), step(0.1, 0.3, 2, 3), 50, name) < b);  // shrinks with n
    CHECK(bound(base, step(0.1, 0.6, 2, 3), 50, name) < b);  // shrinks with noise
  }
  // Pensia grows with the gradient bound and saturates at T eta^2 L^2 / (2 sigma^2) as d grows.
  CHECK(bound(base, step(0.1, 0.3, 3, 3), 50, "pensia") > bound(base, step(0.1, 0.3, 2, 3), 50, "pensia"));
  CHECK(bound(info(1000000, 1000), step(0.1, 0.3, 2, 3), 50, "pensia") ==
        doctest::Approx(std::sqrt(2 * 0.25 * 50 * 0.01 * 4 / (2 * 0.09) / 1000)).epsilon(1e-5));
}

TEST_CASE("trajectory: missing inputs make a bound not applicable, naming the fields") {
  TrajectoryAccumulator acc(info(3, 50));
  StepStats s;
  s.step_size = 0.1;
  s.noise_std = 0.2;
  s.gradient_bound = 1.0;  // no incoherence
  acc.add_step(s);
  const auto certs = acc.certificates();
  CHECK(certs[0].valid);
  CHECK_FALSE(certs[1].valid);
  CHECK(std::isnan(certs[1].value));
  bool found = false;
  for (const auto& d : certs[1].details)
    if (d.name == "missing") found = std::get<std::string>(d.value) == "incoherence_sq";
  CHECK(found);
}

TEST_CASE("trajectory: an observed (not global) gradient bound does not certify Pensia") {
  TrajectoryInfo i = info(3, 50);
  i.gradient_bound_global = false;
  TrajectoryAccumulator acc(i);
  acc.add_step(step(0.1, 0.2, 1, 1));
  CHECK_FALSE(acc.certificates()[0].valid);
}

TEST_CASE("trajectory: bad input names the field") {
  CHECK_THROWS_WITH_AS(TrajectoryAccumulator(info(0, 10)), "dimension: must be >= 1, got 0", itbound::InvalidArgument);
  CHECK_THROWS_AS(TrajectoryAccumulator(info(2, 10, 10)), itbound::InvalidArgument);
  TrajectoryAccumulator acc(info(2, 10));
  acc.add_step(step(0.1, 0.2, 1, 1));
  try {
    acc.add_step(step(0.1, -1.0, 1, 1));
    FAIL("no throw");
  } catch (const itbound::InvalidArgument& e) {
    CHECK(e.field() == "step[1].noise_std");
  }
  CHECK_THROWS_AS(acc.add_step(step(NAN, 0.2, 1, 1)), itbound::InvalidArgument);
  CHECK_THROWS_AS(acc.add_step(step(0.1, 0.2, INFINITY, 1)), itbound::InvalidArgument);
}

TEST_CASE("trajectory files: JSON arrays and JSON lines give the same bounds") {
  std::istringstream doc(R"({"dimension": 2, "n": 100, "prior_examples": 20, "gradient_bound_global": true,
    "steps": {"step_size": 0.5, "noise_std": [1.0, null], "inverse_temperature": [null, 0.5],
              "gradient_bound": [2.0, 2.0], "incoherence_sq": [4.0, 1.0]}})");
  std::istringstream lines(
      "{\"dimension\": 2, \"n\": 100, \"prior_examples\": 20, \"gradient_bound_global\": true}\n"
      "{\"step_size\": 0.5, \"noise_std\": 1.0, \"gradient_bound\": 2.0, \"incoherence_sq\": 4.0}\n"
      "\n"
      "{\"step_size\": 0.5, \"inverse_temperature\": 0.5, \"gradient_bound\": 2.0, \"incoherence_sq\": 1.0}\n");
  const auto a = itbound::data::read_trajectory(doc);
  const auto b = itbound::data::read_trajectory(lines);
  CHECK(a.format == "json");
  CHECK(b.format == "jsonl");
  CHECK(a.accumulator.steps() == 2);
  CHECK(b.accumulator.steps() == 2);
  // Same hand-computed values as the two-step example above.
  CHECK(a.accumulator.certificates()[0].value == doctest::Approx(0.05606285131093384).epsilon(1e-14));
  CHECK(b.accumulator.certificates()[1].value == doctest::Approx(0.05929270612815711).epsilon(1e-14));

  std::istringstream bad_key("{\"dimension\": 2, \"n\": 10}\n{\"step_size\": 0.1, \"noise\": 1}\n");
  CHECK_THROWS_WITH_AS(itbound::data::read_trajectory(bad_key), "step[0].noise: unknown key", itbound::InvalidArgument);
  std::istringstream ragged(R"({"dimension": 2, "n": 10, "steps": {"step_size": [0.1, 0.1], "noise_std": [1]}})");
  CHECK_THROWS_AS(itbound::data::read_trajectory(ragged), itbound::InvalidArgument);
}
