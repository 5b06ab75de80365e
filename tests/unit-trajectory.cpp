#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "itbound/bounds/trajectory.hpp"
#include "itbound/data/trajectory.hpp"
#include "itbound/error.hpp"

using itbound::Certificate;
using itbound::StepStats;
using itbound::TrajectoryAccumulator;
using itbound::TrajectoryInfo;

namespace {

const Certificate& named(const std::vector<Certificate>& certs, const std::string& name) {
  for (const Certificate& c : certs)
    if (c.name == name) return c;
  FAIL("no certificate " << name);
  return certs.front();
}

std::string detail(const Certificate& c, const std::string& name) {
  for (const auto& d : c.details)
    if (d.name == name) return std::get<std::string>(d.value);
  return "<absent>";
}

// Certificate `name` after the given steps; value of bound `name` after T identical steps.
Certificate after(const TrajectoryInfo& i, const std::vector<StepStats>& steps, const char* name) {
  TrajectoryAccumulator acc(i);
  for (const StepStats& s : steps) acc.add_step(s);
  return named(acc.certificates(), name);
}
double bound(const TrajectoryInfo& i, const StepStats& s, int T, const char* name) {
  return after(i, std::vector<StepStats>(static_cast<std::size_t>(T), s), name).raw_value;
}

}  // namespace

TEST_CASE("trajectory: hand-computed two-step example") {
  // d = 2, n = 100, m = 20, loss in [0,1] so s = 1/2.
  // Step 1: eta = 0.5, sigma = 1, L = 2: eta^2 L^2 / (d sigma^2) = 1/2 -> (d/2) ln 1.5 = 0.4054651081081644.
  // Step 2: eta = 0.5, beta = 0.5 -> sigma^2 = 2 eta / beta = 2; ratio 1/4 -> ln 1.25 = 0.22314355131420976.
  // Pensia I = 0.6286086594223741; bound sqrt(2 * 1/4 * I / 100) = 0.05606285131093384.
  // Negrea KL: 0.25 * 4 / (2 * 1) = 0.5; beta eta ||xi||^2 / 4 = 0.5 * 0.5 * 1 / 4 = 0.0625; sum 0.5625;
  // bound sqrt(2 * 1/4 * 0.5625 / 80) = sqrt(0.003515625) = 0.05929270612815711.
  TrajectoryAccumulator acc({.dimension = 2, .n = 100, .prior_examples = 20, .gradient_bound_global = true});
  acc.add_step({.step_size = 0.5, .noise_std = 1.0, .gradient_bound = 2.0, .incoherence_sq = 4.0});
  acc.add_step({.step_size = 0.5, .inverse_temperature = 0.5, .gradient_bound = 2.0, .incoherence_sq = 1.0});
  const auto certs = acc.certificates();
  REQUIRE(certs.size() == TrajectoryAccumulator::bound_names().size());
  CHECK(certs[0].name == "pensia");
  CHECK(certs[0].valid);
  CHECK(certs[0].value == doctest::Approx(0.05606285131093384).epsilon(1e-14));
  CHECK(certs[0].value >= 0.05606285131093384 * (1 - 1e-15));
  CHECK(certs[1].name == "negrea");
  CHECK(certs[1].valid);
  CHECK(certs[1].value == doctest::Approx(0.05929270612815711).epsilon(1e-14));
  CHECK(certs[1].value >= 0.05929270612815711 * (1 - 1e-15));
  CHECK_FALSE(named(certs, "li").valid);  // no gradient_sq_mean, no batch_size
  CHECK(detail(named(certs, "li"), "missing") == "gradient_sq_mean, batch_size");
}

TEST_CASE("trajectory: Li, Luo & Qiao Theorem 9 by hand, in both noise conventions") {
  // n = 10, full batch, loss in [0, 1] so C = 1. The paper's noise is (sigma_p / sqrt 2) N(0, I), so
  // sigma_p^2 = 2 s^2 with s the per-coordinate noise std; its bound is (2 sqrt2 C / n) sqrt(sum eta^2 g_e / sigma_p^2).
  // Step 1: eta = 0.5, s = 1 (sigma_p^2 = 2), g_e = 2: 0.25 * 2 / 2 = 0.25.
  // Step 2: eta = 0.5, beta = 0.5 -> s^2 = 2 eta / beta = 2 (sigma_p^2 = 4), g_e = 4: 0.25 * 4 / 4 = 0.25.
  // Sum 0.5: (2 sqrt2 / 10) sqrt(0.5) = 0.2 exactly.
  const Certificate li = after({.dimension = 3, .n = 10},
                               {{.step_size = 0.5, .noise_std = 1.0, .batch_size = 10, .gradient_sq_mean = 2.0},
                                {.step_size = 0.5, .inverse_temperature = 0.5, .batch_size = 10, .gradient_sq_mean = 4.0}},
                               "li");
  CHECK(li.valid);
  CHECK(li.value == doctest::Approx(0.2).epsilon(1e-14));
  CHECK(li.value >= 0.2);

  // SGLD form used by the authors of Negrea et al. in their code: (sqrt2 C / n) sqrt(sum eta beta g_e).
  // One step eta = 0.1, beta = 10, g_e = 3, n = 5: (sqrt2 / 5) sqrt 3 = 0.2 sqrt 6 = 0.4898979485566356 (mpmath).
  const StepStats sgld{.step_size = 0.1, .inverse_temperature = 10.0, .batch_size = 5, .gradient_sq_mean = 3.0};
  CHECK(bound({.dimension = 3, .n = 5}, sgld, 1, "li") == doctest::Approx(0.4898979485566356).epsilon(1e-14));
  // A loss range of 2 doubles C and the bound: 0.9797958971132712.
  CHECK(bound({.dimension = 3, .n = 5, .loss_min = -1.0, .loss_max = 1.0}, sgld, 1, "li") ==
        doctest::Approx(0.9797958971132712).epsilon(1e-14));
}

TEST_CASE("trajectory: Li et al. Theorem 9 is full-batch only; a minibatch step makes it invalid, saying why") {
  const StepStats full{.step_size = 0.1, .noise_std = 1.0, .batch_size = 10, .gradient_sq_mean = 2.0};
  StepStats mini = full;
  mini.batch_size = 5;
  const Certificate li = after({.dimension = 3, .n = 10}, {full, mini}, "li");
  CHECK_FALSE(li.valid);
  CHECK(li.invalid_reason.find("minibatch") != std::string::npos);
  TrajectoryAccumulator acc({.dimension = 3, .n = 10});
  acc.add_step(full);
  acc.add_step(mini);
  CHECK_THROWS_WITH_AS(acc.add_step({.step_size = 0.1, .batch_size = 11}), "step[2].batch_size: must be <= n = 10, got 11",
                       itbound::InvalidArgument);
  CHECK_THROWS_WITH_AS(acc.add_step({.step_size = 0.1, .batch_size = 2.5}),
                       "step[2].batch_size: must be an integer >= 1, got 2.5", itbound::InvalidArgument);
}

TEST_CASE("trajectory: sqrt(2) trap - loss range [0,2] gives s = 1, bound = sqrt(2 I / n)") {
  // One step, d = 1, eta = 1, sigma = 1, L = 1: I = (1/2) ln 2 = 0.34657359027997264.
  // s = (2 - 0)/2 = 1: bound = sqrt(2 * 0.34657359027997264 / 10) = 0.2632768847734159 (mpmath).
  const StepStats s{.step_size = 1, .noise_std = 1, .gradient_bound = 1};
  TrajectoryInfo i{.dimension = 1, .n = 10, .loss_max = 2.0, .gradient_bound_global = true};
  CHECK(bound(i, s, 1, "pensia") == doctest::Approx(0.2632768847734159).epsilon(1e-12));
  i.subgaussian = 0.5;  // given s overrides the range: bound halves
  CHECK(bound(i, s, 1, "pensia") == doctest::Approx(0.1316384423867080).epsilon(1e-12));
}

TEST_CASE("trajectory: invariants - grows with step size and steps, shrinks with n and noise") {
  const auto run = [](std::int64_t n, double eta, double sigma, int T, const char* name) {
    const StepStats s{.step_size = eta, .noise_std = sigma, .batch_size = static_cast<double>(n), .gradient_bound = 2,
                      .gradient_sq_mean = 3, .incoherence_sq = 3};
    return bound({.dimension = 10, .n = n, .prior_examples = 100, .gradient_bound_global = true}, s, T, name);
  };
  for (const char* name : {"pensia", "negrea", "li"}) {
    INFO(name);
    const double b = run(1000, 0.01, 0.3, 50, name);
    CHECK(b > 0);
    CHECK(run(1000, 0.02, 0.3, 50, name) > b);  // grows with step size
    CHECK(run(1000, 0.01, 0.3, 80, name) > b);  // grows with steps
    CHECK(run(4000, 0.01, 0.3, 50, name) < b);  // shrinks with n
    CHECK(run(1000, 0.01, 0.6, 50, name) < b);  // shrinks with noise
  }
  // Li et al. is O(1/n), the MI bounds O(1/sqrt n): quadrupling n quarters it.
  CHECK(run(4000, 0.01, 0.3, 50, "li") == doctest::Approx(run(1000, 0.01, 0.3, 50, "li") / 4).epsilon(1e-12));
  // Pensia grows with the gradient bound and saturates at T eta^2 L^2 / (2 sigma^2) as d grows.
  const TrajectoryInfo wide{.dimension = 1000000, .n = 1000, .gradient_bound_global = true};
  CHECK(bound(wide, {.step_size = 0.1, .noise_std = 0.3, .gradient_bound = 3}, 50, "pensia") >
        bound(wide, {.step_size = 0.1, .noise_std = 0.3, .gradient_bound = 2}, 50, "pensia"));
  CHECK(bound(wide, {.step_size = 0.1, .noise_std = 0.3, .gradient_bound = 2}, 50, "pensia") ==
        doctest::Approx(std::sqrt(2 * 0.25 * 50 * 0.01 * 4 / (2 * 0.09) / 1000)).epsilon(1e-5));
}

TEST_CASE("trajectory: missing inputs make a bound not applicable, naming the fields; unimplemented ones say so") {
  TrajectoryAccumulator acc({.dimension = 3, .n = 50, .gradient_bound_global = true});
  acc.add_step({.step_size = 0.1, .noise_std = 0.2, .gradient_bound = 1.0});  // no incoherence
  const auto certs = acc.certificates();
  CHECK(certs[0].valid);
  CHECK_FALSE(certs[1].valid);
  CHECK(std::isnan(certs[1].value));
  CHECK(detail(certs[1], "missing") == "incoherence_sq");
  for (const char* name : {"haghifam", "wang", "neu"}) {
    const Certificate& c = named(certs, name);
    CHECK_FALSE(c.valid);
    CHECK(c.invalid_reason.rfind("not implemented", 0) == 0);
    CHECK(std::isnan(c.value));
    CHECK(detail(c, "needed") != "<absent>");
  }
}

TEST_CASE("trajectory: an observed (not global) gradient bound does not certify Pensia") {
  TrajectoryAccumulator acc({.dimension = 3, .n = 50});
  acc.add_step({.step_size = 0.1, .noise_std = 0.2, .gradient_bound = 1});
  CHECK_FALSE(acc.certificates()[0].valid);
}

TEST_CASE("trajectory: bad input names the field") {
  CHECK_THROWS_WITH_AS(TrajectoryAccumulator({.dimension = 0, .n = 10}), "dimension: must be >= 1, got 0",
                       itbound::InvalidArgument);
  CHECK_THROWS_AS(TrajectoryAccumulator({.dimension = 2, .n = 10, .prior_examples = 10}), itbound::InvalidArgument);
  TrajectoryAccumulator acc({.dimension = 2, .n = 10});
  acc.add_step({.step_size = 0.1, .noise_std = 0.2});
  try {
    acc.add_step({.step_size = 0.1, .noise_std = -1.0});
    FAIL("no throw");
  } catch (const itbound::InvalidArgument& e) {
    CHECK(e.field() == "step[1].noise_std");
  }
  CHECK_THROWS_WITH_AS(acc.add_step({.noise_std = 0.2}), "step[1].step_size: is required", itbound::InvalidArgument);
  CHECK_THROWS_AS(acc.add_step({.step_size = 0.1, .gradient_bound = INFINITY}), itbound::InvalidArgument);
  CHECK_THROWS_AS(acc.add_step({.step_size = 0.1, .gradient_sq_mean = -1}), itbound::InvalidArgument);
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
  // As text: not-applicable values are NaN, which never compares equal.
  CHECK(itbound::data::to_json_text(itbound::data::trajectory_result(a)["certificates"]) ==
        itbound::data::to_json_text(itbound::data::trajectory_result(b)["certificates"]));

  std::istringstream bad_key("{\"dimension\": 2, \"n\": 10}\n{\"step_size\": 0.1, \"noise\": 1}\n");
  CHECK_THROWS_WITH_AS(itbound::data::read_trajectory(bad_key), "step[0].noise: unknown key", itbound::InvalidArgument);
  std::istringstream ragged(R"({"dimension": 2, "n": 10, "steps": {"step_size": [0.1, 0.1], "noise_std": [1]}})");
  CHECK_THROWS_AS(itbound::data::read_trajectory(ragged), itbound::InvalidArgument);
  // A number past double's range is nlohmann's out_of_range, not a parse_error (found by the fuzzer).
  std::istringstream overflow("{\"dimension\": 2, \"n\": 10}\n{\"step_size\": 99E99999999999999}\n");
  CHECK_THROWS_AS(itbound::data::read_trajectory(overflow), itbound::InvalidArgument);
  std::istringstream overflow_doc(R"({"dimension": 2, "n": 1e400, "steps": {}})");
  CHECK_THROWS_AS(itbound::data::read_trajectory(overflow_doc), itbound::InvalidArgument);
}

TEST_CASE("trajectory files: NPZ members (per-step arrays, 0-d header scalars) read like the JSON form") {
  using itbound::data::DType;
  using itbound::data::NdArray;
  const auto scalar = [](double v, DType t) { return NdArray{{}, {v}, t}; };
  std::map<std::string, NdArray> m = {
      {"dimension", scalar(2, DType::int64)},
      {"n", scalar(100, DType::int64)},
      {"prior_examples", scalar(20, DType::int64)},
      {"gradient_bound_global", scalar(1, DType::boolean)},
      {"step_size", scalar(0.5, DType::float64)},  // 0-d step member: every step
      {"noise_std", {{2}, {1.0, NAN}, DType::float64}},
      {"inverse_temperature", {{2}, {NAN, 0.5}, DType::float64}},
      {"gradient_bound", {{2}, {2.0, 2.0}, DType::float32}},
      {"incoherence_sq", {{2}, {4.0, 1.0}, DType::float64}},
  };
  const auto r = itbound::data::read_trajectory_npz(m, "t.npz");
  CHECK(r.format == "npz");
  CHECK(r.accumulator.steps() == 2);
  CHECK(r.header["dimension"] == 2);
  CHECK(r.header["gradient_bound_global"] == true);
  CHECK(r.accumulator.certificates()[0].value == doctest::Approx(0.05606285131093384).epsilon(1e-14));
  CHECK(r.accumulator.certificates()[1].value == doctest::Approx(0.05929270612815711).epsilon(1e-14));

  auto ragged = m;
  ragged["incoherence_sq"] = {{3}, {4.0, 1.0, 1.0}, DType::float64};
  CHECK_THROWS_WITH_AS(itbound::data::read_trajectory_npz(ragged, "t.npz"),
                       "t.npz:incoherence_sq: has 3 entries, others have 2", itbound::InvalidArgument);
  auto unknown = m;
  unknown["noise"] = scalar(1, DType::float64);
  CHECK_THROWS_AS(itbound::data::read_trajectory_npz(unknown, "t.npz"), itbound::InvalidArgument);
  auto fractional = m;
  fractional["n"] = scalar(99.5, DType::float64);
  CHECK_THROWS_WITH_AS(itbound::data::read_trajectory_npz(fractional, "t.npz"), "n: must be an integer",
                       itbound::InvalidArgument);
}

TEST_CASE("trajectory: noise far below the normal doubles is neither lost nor sign-flipped (issue 13, item 2)") {
  // Step 1: eta = 1, sigma = 1, g = 1: eta^2 g / (2 sigma^2) = 1/2. Step 2: eta = sigma = 1e-163, g = 1: 1/2 again,
  // though sigma^2 = 1e-326 underflows in double (it was rounded down to -1e-323: a negative term, a NaN li).
  const TrajectoryInfo info{.dimension = 1, .n = 10};
  const std::vector<StepStats> steps = {
      {.step_size = 1.0, .noise_std = 1.0, .batch_size = 10, .gradient_sq_mean = 1.0, .incoherence_sq = 1.0},
      {.step_size = 1e-163, .noise_std = 1e-163, .batch_size = 10, .gradient_sq_mean = 1.0, .incoherence_sq = 1.0}};
  const Certificate li = after(info, steps, "li");
  // Li et al.: 2 C sqrt(2 sum) / n with C = 1, sum = 1: 2 sqrt(2) / 10.
  const double exact_li = 2.0 * std::sqrt(2.0) / 10.0;
  CHECK(li.raw_value >= exact_li);
  CHECK(li.raw_value <= exact_li * (1 + 1e-14));
  // Negrea: sqrt(2 s^2 I / n) with s = 1/2, I = 1, n - m = 10.
  const Certificate negrea = after(info, steps, "negrea");
  CHECK(negrea.raw_value >= std::sqrt(0.05));
  CHECK(negrea.raw_value <= std::sqrt(0.05) * (1 + 1e-14));
}

TEST_CASE("trajectory: a variance past the largest double (inverse temperature 1e-320) still bounds the term") {
  // sigma^2 = 2 eta / beta = 2e320 overflows a double; the term eta^2 g / (2 sigma^2) = 1 / 4e320 = 2.5e-321 was
  // computed as 1 / inf = 0 and rounded up to 1e-323, below the exact term.
  const Certificate li = after({.dimension = 1, .n = 10},
                               {{.step_size = 1.0, .inverse_temperature = 1e-320, .batch_size = 10, .gradient_sq_mean = 1.0}},
                               "li");
  double info = 0.0;
  for (const auto& d : li.details)
    if (d.name == "information_nats") info = std::get<double>(d.value);
  CHECK(info >= 2.5e-321);
  CHECK(li.raw_value >= 2.0 * std::sqrt(2.0 * 2.5e-321) / 10.0);
}

TEST_CASE("trajectory: an information term past the largest double gives a vacuous bound, not an error about mi") {
  // eta = 1, sigma = 1e-170, incoherence 1: 1 / (2e-340) overflows: the bound is the whole loss range.
  TrajectoryAccumulator acc({.dimension = 1, .n = 10});
  acc.add_step({.step_size = 1.0, .noise_std = 1e-170, .batch_size = 10, .gradient_bound = 1.0, .gradient_sq_mean = 1.0,
                .incoherence_sq = 1.0});
  const auto certs = acc.certificates();
  for (const char* name : {"negrea", "li"}) {
    const Certificate& c = named(certs, name);
    INFO(name);
    CHECK(c.raw_value == std::numeric_limits<double>::infinity());
    CHECK(c.value == 1.0);
  }
  // Pensia's log keeps it finite: (1/2) ln(1 + 1e340) = 391.5 nats, sqrt(2 / 4 * 391.5 / 10) = 4.42, capped at 1.
  CHECK(named(certs, "pensia").value == 1.0);
}
