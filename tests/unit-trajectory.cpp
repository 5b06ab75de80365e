#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "itbound/bounds/trajectory.hpp"
#include "itbound/data/report_json.hpp"
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

double number(const Certificate& c, const std::string& name) {
  for (const auto& d : c.details)
    if (d.name == name) return std::get<double>(d.value);
  FAIL("no detail " << name);
  return 0.0;
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
  CHECK(certs[0].applicable());
  CHECK(certs[0].value == doctest::Approx(0.05606285131093384).epsilon(1e-14));
  CHECK(certs[0].value >= 0.05606285131093384 * (1 - 1e-15));
  CHECK(certs[1].name == "negrea");
  CHECK(certs[1].applicable());
  CHECK(certs[1].value == doctest::Approx(0.05929270612815711).epsilon(1e-14));
  CHECK(certs[1].value >= 0.05929270612815711 * (1 - 1e-15));
  CHECK_FALSE(named(certs, "li").applicable());  // no gradient_sq_mean, no batch_size
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
  CHECK(li.applicable());
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
  CHECK_FALSE(li.applicable());
  CHECK(li.reason().find("minibatch") != std::string::npos);
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
  CHECK(certs[0].applicable());
  CHECK_FALSE(certs[1].applicable());
  CHECK(std::isnan(certs[1].value));
  CHECK(detail(certs[1], "missing") == "incoherence_sq");
  for (const char* name : {"wang"}) {
    const Certificate& c = named(certs, name);
    CHECK_FALSE(c.applicable());
    CHECK(c.reason().rfind("not implemented", 0) == 0);
    CHECK(std::isnan(c.value));
    CHECK(detail(c, "needed") != "<absent>");
  }
}

TEST_CASE("trajectory: an observed (not global) gradient bound does not certify Pensia") {
  TrajectoryAccumulator acc({.dimension = 3, .n = 50});
  acc.add_step({.step_size = 0.1, .noise_std = 0.2, .gradient_bound = 1});
  CHECK_FALSE(acc.certificates()[0].applicable());
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
  const auto text = [](const itbound::data::TrajectoryRead& r) {
    return itbound::data::to_json(itbound::Report("trajectory", itbound::trajectory_report(r.accumulator, r.format)))["bounds"].dump();
  };
  CHECK(text(a) == text(b));

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
  CHECK(r.accumulator.info().dimension == 2);
  CHECK(r.accumulator.info().gradient_bound_global);
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

TEST_CASE("haghifam-ld: plain, constant-forecast and posterior-forecaster values by hand") {
  // n = 4, loss in [0, 1]. KL_t = eta^2 ||xi||^2 / (2 sigma^2 n^2) (= beta eta ||xi||^2 / (4 n^2)).
  // Step 1: eta = 0.5, beta = 4 (sigma^2 = 0.25), ||xi||^2 = 8: KL = 0.25; theta_1 = sigmoid(0) = 1/2.
  //   Log-likelihood ratio (unselected : selected): -KL - eta / (n sigma) <v, eps> = -0.25 - 0.25 * 1 = -0.5.
  // Step 2: eta = 0.25, sigma = 0.5, ||xi||^2 = 16: KL = 0.125; theta_2 = sigmoid(-0.5).
  // Plain sqrt(2 * 0.375) = 0.8660254037844386; forecaster sqrt(2 (0.25/4 + 0.125 sigmoid(-0.5)^2)) =
  // 0.4007920148270643 (mpmath, 40 digits).
  const std::vector<StepStats> steps = {
      {.step_size = 0.5, .inverse_temperature = 4.0, .batch_size = 4, .two_sample_incoherence = 8.0, .noise_alignment = 1.0},
      {.step_size = 0.25, .noise_std = 0.5, .batch_size = 4, .two_sample_incoherence = 16.0, .noise_alignment = -2.0}};
  const Certificate c = after({.dimension = 3, .n = 4}, steps, "haghifam-ld");
  REQUIRE(c.applicable());
  CHECK(c.guarantee == itbound::Guarantee::estimated_bound);
  CHECK(number(c, "plain") == doctest::Approx(0.8660254037844386).epsilon(1e-14));
  CHECK(number(c, "plain") >= 0.8660254037844386);
  CHECK(number(c, "constant_forecast") == number(c, "plain") / 2);  // theta = 1/2: exactly half
  CHECK(number(c, "forecaster") == doctest::Approx(0.4007920148270643).epsilon(1e-14));
  CHECK(number(c, "forecaster") >= 0.4007920148270643);
  CHECK(c.value == number(c, "forecaster"));
  CHECK(number(c, "final_log_likelihood_ratio") == doctest::Approx(-0.5 - 0.125 + 0.25));  // step 2: -0.125 - 0.125 (-2)
  // The loss range scales the value; a minibatch step makes it inapplicable; without noise_alignment the value is
  // the constant forecast's.
  CHECK(after({.dimension = 3, .n = 4, .loss_max = 2.0}, steps, "haghifam-ld").value ==
        doctest::Approx(2 * 0.4007920148270643).epsilon(1e-14));
  auto mini = steps;
  mini[1].batch_size = 2;
  CHECK(after({.dimension = 3, .n = 4}, mini, "haghifam-ld").reason().find("full_batch") == 0);
  auto blind = steps;
  blind[0].noise_alignment = StepStats::missing;
  const Certificate b = after({.dimension = 3, .n = 4}, blind, "haghifam-ld");
  CHECK(b.applicable());
  CHECK(std::isnan(number(b, "forecaster")));
  CHECK(b.value == number(b, "constant_forecast"));
}

TEST_CASE("haghifam-ld: the posterior forecaster puts weight 1/2 on each candidate before any step") {
  // With theta_1 = 1/2 and a single step the forecaster and the constant forecast agree exactly.
  const Certificate c = after({.dimension = 1, .n = 10},
                              {{.step_size = 0.1, .noise_std = 0.3, .batch_size = 10, .two_sample_incoherence = 2.0,
                                .noise_alignment = 0.7}},
                              "haghifam-ld");
  CHECK(number(c, "forecaster") == doctest::Approx(number(c, "constant_forecast")).epsilon(1e-15));
}

TEST_CASE("neu-sgd: Theorem 1 by hand, each term measured or bounded") {
  // n = 10, d = 3, loss in [0, 1] (R = 1/2): sqrt((4 R^2 / n) sum_t eta^2 / sigma_t^2 (Gamma_t + V_t)) + Delta.
  // Step 1: eta 0.1, sigma 0.2, V 0.5, Gamma 0: 0.25 * 0.5 = 0.125.  Step 2: V 0.3, Gamma 0.1: 0.25 * 0.4 = 0.1.
  // sqrt(0.1 * 0.225) = 0.15; final level sqrt(0.08); Delta test - train = 0.05 - 0.02 = 0.03: 0.18.
  const TrajectoryInfo info{.dimension = 3, .n = 10};
  const std::vector<StepStats> steps = {
      {.step_size = 0.1, .gradient_variance = 0.5, .perturbation_std = 0.2, .gradient_sensitivity = 0.0},
      {.step_size = 0.1, .gradient_variance = 0.3, .perturbation_std = 0.2, .gradient_sensitivity = 0.1}};
  TrajectoryAccumulator acc(info);
  for (const auto& s : steps) acc.add_step(s);
  REQUIRE(acc.perturbation_levels().size() == 1);
  CHECK(acc.perturbation_levels()[0].level == doctest::Approx(std::sqrt(0.08)).epsilon(1e-15));
  CHECK_FALSE(named(acc.certificates(), "neu-sgd").applicable());  // no Delta terms yet
  acc.finish({.train_loss = 0.1, .test_loss = 0.12,
              .value_sensitivity = {{.level = std::sqrt(0.08), .train = 0.02, .test = 0.05}}});
  const Certificate c = named(acc.certificates(), "neu-sgd");
  REQUIRE(c.applicable());
  CHECK(c.guarantee == itbound::Guarantee::estimated_bound);
  CHECK(number(c, "sqrt_term") == doctest::Approx(0.15).epsilon(1e-15));
  CHECK(c.value == doctest::Approx(0.18).epsilon(1e-15));
  CHECK(c.value >= 0.18);
  CHECK(number(c, "information_nats") == doctest::Approx(2 * 0.225).epsilon(1e-15));  // Theorem 5
  CHECK(detail(c, "gamma_source").find("measured") == 0);
  CHECK(detail(c, "delta_source").find("measured") == 0);

  // Gamma at step 2 bounded by smoothness mu = 2: mu^2 sigma_{1:2}^2 d = 4 * 0.04 * 3 = 0.48 -> 0.25 * 0.78 = 0.195;
  // sqrt(0.1 * 0.32) = 0.1788854381999832; Delta bounded by loss_smoothness 0.5: 0.5 * 0.08 * 3 = 0.12.
  auto bounded = steps;
  bounded[1].gradient_sensitivity = StepStats::missing;
  const Certificate b = after({.dimension = 3, .n = 10, .smoothness = 2.0, .loss_smoothness = 0.5}, bounded, "neu-sgd");
  REQUIRE(b.applicable());
  CHECK(number(b, "sqrt_term") == doctest::Approx(0.1788854381999832).epsilon(1e-15));
  CHECK(b.value == doctest::Approx(0.1788854381999832 + 0.12).epsilon(1e-15));
  CHECK(detail(b, "gamma_source") == "measured at 1 steps, bounded by smoothness (mu^2 sigma_{1:t}^2 d) at 1");
  CHECK(detail(b, "delta_source").find("bounded") == 0);
  // Without smoothness the unmeasured Gamma is missing.
  CHECK(detail(after(info, bounded, "neu-sgd"), "missing") == "gradient_sensitivity or smoothness");
}

TEST_CASE("neu-sgld: Proposition 3 by hand") {
  // n = 10, R = 1/2: sqrt((R^2 / n) sum eta^2 V / sigma^2). Step 1: eta 0.1, sigma 0.1, V 0.5: 0.5.
  // Step 2: eta 0.1, beta 20 (sigma^2 = 0.01), V 0.3: 0.3. sqrt(0.025 * 0.8) = sqrt(0.02) = 0.1414213562373095.
  const Certificate c = after({.dimension = 3, .n = 10},
                              {{.step_size = 0.1, .noise_std = 0.1, .gradient_variance = 0.5},
                               {.step_size = 0.1, .inverse_temperature = 20.0, .gradient_variance = 0.3}},
                              "neu-sgld");
  REQUIRE(c.applicable());
  CHECK(c.value == doctest::Approx(0.1414213562373095).epsilon(1e-15));
  CHECK(c.value >= 0.1414213562373095);
  CHECK(number(c, "information_nats") == doctest::Approx(0.4).epsilon(1e-15));  // sum eta^2 V / (2 sigma^2)
}

TEST_CASE("neu-sgd-smooth: the smallest bound over a declared family of geometric schedules, by hand") {
  // d = 2, n = 10, mu = 1, mu_l = 0.5, eta = 0.1, V = (0.4, 0.2); sigma_t = c r^(t-1).
  // S(c, r) = 0.01 * 0.4 / c^2 + 0.01 (2 c^2 + 0.2) / (c^2 r^2); Delta = mu_l (c^2 (1 + r^2)) d = c^2 (1 + r^2).
  // (0.1, 1): sqrt(0.062) + 0.02; (0.1, 2): sqrt(0.0455) + 0.05; (0.2, 1): sqrt(0.017) + 0.08 = 0.2103840481040530;
  // (0.2, 2): sqrt(0.01175) + 0.2. The smallest: scale 0.2, ratio 1 (mpmath, 40 digits).
  const TrajectoryInfo info{.dimension = 2, .n = 10, .smoothness = 1.0, .loss_smoothness = 0.5,
                            .sigma_scales = {0.1, 0.2}, .sigma_ratios = {1.0, 2.0}};
  const std::vector<StepStats> steps = {{.step_size = 0.1, .gradient_variance = 0.4},
                                        {.step_size = 0.1, .gradient_variance = 0.2}};
  const Certificate c = after(info, steps, "neu-sgd-smooth");
  REQUIRE(c.applicable());
  CHECK(c.value == doctest::Approx(0.2103840481040530).epsilon(1e-14));
  CHECK(c.value >= 0.2103840481040530);
  CHECK(number(c, "best_scale") == 0.2);
  CHECK(number(c, "best_ratio") == 1.0);
  // Without loss_smoothness, Delta measured at one family level only: that schedule is the only candidate.
  TrajectoryInfo measured = info;
  measured.loss_smoothness.reset();
  TrajectoryAccumulator acc(measured);
  for (const auto& s : steps) acc.add_step(s);
  const auto levels = acc.perturbation_levels();
  REQUIRE(levels.size() == 4);  // no perturbation_std: the family only, every scale with every ratio
  CHECK(levels[1].schedule == "scale=0.1,ratio=2");
  CHECK(levels[1].level == doctest::Approx(std::sqrt(0.05)).epsilon(1e-15));
  acc.finish({.value_sensitivity = {{.level = levels[1].level, .train = 0.01, .test = 0.02}}});
  const Certificate m = named(acc.certificates(), "neu-sgd-smooth");
  CHECK(m.value == doctest::Approx(0.2133072900770154 + 0.01).epsilon(1e-14));
  CHECK(number(m, "best_ratio") == 2.0);
  CHECK(std::get<std::int64_t>(m.details[4].value) == 1);  // schedules_with_delta
  CHECK(detail(after(measured, steps, "neu-sgd-smooth"), "delta_source") == "measured at each schedule's final level");
  CHECK_FALSE(after(measured, steps, "neu-sgd-smooth").applicable());
}

TEST_CASE("negrea: the sqrt(2) question, settled on a one-step SGLD run whose expected gap is known exactly") {
  // n = 1, m = 0, forecast 0, Z uniform on {-1, +1}, drift g = -c Z, W = eta c Z + sigma eps, loss 1[sign W != Z].
  // With a = eta c / sigma: E gap = 1/2 - Phi(-a) = erf(a / sqrt 2) / 2; KL = eta^2 c^2 / (2 sigma^2) = a^2 / 2.
  // itbound: sqrt(2 (1/4) KL / 1) = a / 2 >= the gap for every a (erf(x) <= 2x / sqrt(pi)). The form
  // sqrt(KL / (4 (n - m))) (the f-CMI code's constant) gives a / (2 sqrt 2), below the gap for small a: false.
  const double a = 0.1;  // eta = 0.1, sigma = 1, ||xi||^2 = c^2 = 1
  const double gap = 0.5 * std::erf(a / std::sqrt(2.0));  // 0.03982783727702898 (mpmath)
  const Certificate c = after({.dimension = 1, .n = 1},
                              {{.step_size = 0.1, .noise_std = 1.0, .incoherence_sq = 1.0}}, "negrea");
  CHECK(c.value == doctest::Approx(0.05).epsilon(1e-15));
  CHECK(c.value >= gap);
  CHECK(c.value / std::sqrt(2.0) < gap);
}

TEST_CASE("trajectory final record: measured gap checked against every bound on the same gap; bad input named") {
  TrajectoryAccumulator acc({.dimension = 3, .n = 10});
  acc.add_step({.step_size = 0.1, .noise_std = 0.1, .gradient_variance = 0.5});
  CHECK_THROWS_WITH_AS(acc.finish({.train_loss = 1.5}), "final.train_loss: must be a loss in [loss_min, loss_max] = [0, 1], got 1.5",
                       itbound::InvalidArgument);
  CHECK_THROWS_WITH_AS(acc.finish({.value_sensitivity = {{.level = 0.0}}}),
                       "final.value_sensitivity[0].level: must be a finite number > 0, got 0", itbound::InvalidArgument);
  acc.finish({.train_loss = 0.0, .test_loss = 0.9});  // a gap far above the bound (0.25 sqrt(0.05 ...)) refutes it
  const Certificate c = named(acc.certificates(), "neu-sgld");
  CHECK_FALSE(c.applicable());
  CHECK(c.reason().find("not_below_measured") == 0);
  CHECK_THROWS_WITH_AS(acc.add_step({.step_size = 0.1}), "step[1]: comes after the final record", itbound::InvalidArgument);
  CHECK_THROWS_WITH_AS(acc.finish({}), "final: is given twice", itbound::InvalidArgument);
  const auto r = itbound::trajectory_report(acc, "python");
  CHECK(r.gap == doctest::Approx(0.9));
  CHECK(r.summary.find("measured gap 0.9") != std::string::npos);
}

TEST_CASE("trajectory files: the final record and the Neu header keys in JSON, JSON lines and NPZ") {
  std::istringstream lines(
      "{\"dimension\": 3, \"n\": 10, \"smoothness\": 2, \"sigma_scales\": [0.2], \"sigma_ratios\": [1]}\n"
      "{\"step_size\": 0.1, \"gradient_variance\": 0.5, \"perturbation_std\": 0.2, \"gradient_sensitivity\": 0}\n"
      "{\"step_size\": 0.1, \"gradient_variance\": 0.3, \"perturbation_std\": 0.2, \"gradient_sensitivity\": 0.1}\n"
      "{\"final\": {\"train_loss\": 0.1, \"test_loss\": 0.12, \"value_sensitivity\": "
      "[{\"level\": 0.28284271247461906, \"train\": 0.02, \"test\": 0.05}]}}\n");
  const auto r = itbound::data::read_trajectory(lines);
  CHECK(r.accumulator.finished());
  CHECK(r.accumulator.info().sigma_scales == std::vector<double>{0.2});
  CHECK(named(r.accumulator.certificates(), "neu-sgd").value == doctest::Approx(0.18).epsilon(1e-15));
  std::istringstream doc(R"({"dimension": 3, "n": 10, "steps": {"step_size": 0.1, "gradient_variance": [0.5, 0.3],
    "perturbation_std": 0.2, "gradient_sensitivity": [0, 0.1]},
    "final": {"value_sensitivity": [{"level": 0.28284271247461906, "train": 0.02, "test": 0.05}]}})");
  CHECK(named(itbound::data::read_trajectory(doc).accumulator.certificates(), "neu-sgd").value ==
        doctest::Approx(0.18).epsilon(1e-15));
  using itbound::data::DType;
  using itbound::data::NdArray;
  const std::map<std::string, NdArray> m = {
      {"dimension", {{}, {3}, DType::int64}},
      {"n", {{}, {10}, DType::int64}},
      {"step_size", {{}, {0.1}, DType::float64}},
      {"gradient_variance", {{2}, {0.5, 0.3}, DType::float64}},
      {"perturbation_std", {{}, {0.2}, DType::float64}},
      {"gradient_sensitivity", {{2}, {0.0, 0.1}, DType::float64}},
      {"train_loss", {{}, {0.1}, DType::float64}},
      {"value_sensitivity", {{1, 3}, {0.28284271247461906, 0.02, 0.05}, DType::float64}},
  };
  const auto z = itbound::data::read_trajectory_npz(m, "t.npz");
  CHECK(named(z.accumulator.certificates(), "neu-sgd").value == doctest::Approx(0.18).epsilon(1e-15));
  CHECK(z.accumulator.final_stats().train_loss == 0.1);

  std::istringstream late("{\"dimension\": 3, \"n\": 10}\n{\"final\": {}}\n{\"step_size\": 0.1}\n");
  CHECK_THROWS_WITH_AS(itbound::data::read_trajectory(late), "step[0]: comes after the final record", itbound::InvalidArgument);
  std::istringstream unknown("{\"dimension\": 3, \"n\": 10}\n{\"final\": {\"gap\": 0.1}}\n");
  CHECK_THROWS_WITH_AS(itbound::data::read_trajectory(unknown), "final.gap: unknown key", itbound::InvalidArgument);
  std::istringstream half("{\"dimension\": 3, \"n\": 10, \"sigma_scales\": [0.1]}\n{\"step_size\": 0.1}\n");
  CHECK_THROWS_WITH_AS(itbound::data::read_trajectory(half), "sigma_ratios: the family of schedules needs both sigma_scales and sigma_ratios",
                       itbound::InvalidArgument);
}

TEST_CASE("trajectory files: JSON lines read by the fast path and by the JSON parser agree, and so do their errors") {
  // Each line below denotes the step of the two-step example's first step in a different spelling; the ones the fast
  // path declines (duplicate key, a string, nesting) go through the JSON parser, the others do not.
  const std::string header = "{\"dimension\": 2, \"n\": 100, \"prior_examples\": 20, \"gradient_bound_global\": true}\n";
  const std::vector<std::string> spellings = {
      R"({"step_size":0.5,"noise_std":1,"gradient_bound":2,"incoherence_sq":4})",
      " { \"step_size\" : 5E-1 ,\t\"noise_std\" : 1.0e0, \"gradient_bound\": 2.0, \"incoherence_sq\": 4.00, \"batch_size\": null }\r",
      R"({"step_size":0.1,"step_size":0.5,"noise_std":1,"gradient_bound":2,"incoherence_sq":4})",
      R"({"incoherence_sq":40e-1,"gradient_bound":0.2e1,"noise_std":1,"step_size":0.5,"noise_alignment":-0.0})",
  };
  for (const std::string& line : spellings) {
    INFO(line);
    std::istringstream in(header + line + "\n");
    const auto r = itbound::data::read_trajectory(in);
    CHECK(r.accumulator.steps() == 1);
    // (d/2) ln(1 + 1/2) = ln 1.5: sqrt(2 (1/4) ln(1.5) / 100); KL 0.5: sqrt(2 (1/4) 0.5 / 80).
    CHECK(named(r.accumulator.certificates(), "pensia").value ==
          doctest::Approx(std::sqrt(0.5 * std::log(1.5) / 100)).epsilon(1e-14));
    CHECK(named(r.accumulator.certificates(), "negrea").value == doctest::Approx(std::sqrt(0.25 / 80)).epsilon(1e-14));
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"step_size":.5})", "step[0]: the line is not valid JSON"},
      {R"({"step_size":01})", "step[0]: the line is not valid JSON"},
      {R"({"step_size":0.5,})", "step[0]: the line is not valid JSON"},
      {R"({"step_size":0.5, "noise":1})", "step[0].noise: unknown key"},
      {R"({"step_size":-0.5})", "step[0].step_size: must be a finite number > 0, got -0.5"},
      {R"({"step_size":"0.5"})", "step[0].step_size: must be a number or null"},
      {R"({"step_size":{"a":1}})", "step[0].step_size: must be a number or null"},
      {R"({"step_size":1e999})", "step[0]"},
      {R"({"step_size":0.5} x)", "step[0]: the line is not valid JSON"},
  };
  for (const auto& [line, message] : bad) {
    INFO(line);
    std::istringstream in(header + line + "\n");
    try {
      itbound::data::read_trajectory(in);
      FAIL("no error");
    } catch (const itbound::InvalidArgument& e) {
      CHECK(std::string(e.what()).rfind(message, 0) == 0);
    }
  }
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
