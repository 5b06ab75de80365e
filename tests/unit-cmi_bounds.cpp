// CMI bounds on the memorising learner, whose held-out error (p) and per-pair MI are known in closed
// form; the binary-kl and fast-rate solvers against the 50-digit table data/reference/cmi-bounds.csv
// (cmi_bounds_reference.py); invariants (never below the training error, monotone, limits, loss range).
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/estimators/continuous_cmi.hpp"
#include "itbound/error.hpp"
#include "reference_table.hpp"
#include "synthetic_runs.hpp"

using namespace itbound;
using namespace itbound::estimators;

namespace {
SupersampleRuns memorising_runs(double p, bool train_errors) {
  auto r = itbound::testing::memoriser(3, 300, 40, p, 17);
  if (train_errors) r.loss[r.mask[0]] = 1.0;  // run 0, pair 0: its trained member now has loss 1
  return r;
}

const Certificate& find(const std::vector<Certificate>& all, const std::string& name) {
  for (const auto& c : all)
    if (c.name == name) return c;
  FAIL("missing bound " << name);
  return all.front();
}

double detail(const Certificate& c, const std::string& name) {
  for (const auto& d : c.details)
    if (d.name == name) return std::get<double>(d.value);
  FAIL("missing detail " << name);
  return 0;
}

// Binary entropy in nats.
double h(double p) { return -p * std::log(p) - (1 - p) * std::log1p(-p); }
}  // namespace

TEST_CASE("cmi bounds on a learner with closed-form information") {
  const double p = 0.2;
  const auto runs = memorising_runs(p, false);
  const auto est = estimate_cmi(runs, Correction::none);
  const auto all = cmi_bounds({runs.shape(), &est, Correction::none});
  // Closed form: I = p ln 2 per pair, so each square-root gap bound is about sqrt(2 p ln 2) = 0.527 > p.
  const double closed = std::sqrt(2 * p * std::numbers::ln2);
  for (const char* name : {"ecmi-sqrt", "ldcmi-sqrt", "ldmi-sqrt"}) {
    CAPTURE(name);
    const auto& c = find(all, name);
    CHECK(c.applicable());
    CHECK(c.value >= est.heldout_error);
    CHECK(c.value == doctest::Approx(closed).epsilon(0.06));
  }
  // The interpolating form is an identity (held-out error = ld-MI / ln 2): its estimate lands on either side of
  // the measured error, and below it the certificate is refused.
  const auto& interp = find(all, "ldmi-interpolating");
  CHECK(interp.value == doctest::Approx(p).epsilon(0.05));
  CHECK(est.heldout_error == doctest::Approx(p).epsilon(0.05));
  CHECK(interp.applicable() == (interp.value >= est.heldout_error));
  CHECK(interp.reason().rfind(interp.applicable() ? "" : "not_below_measured:", 0) == 0);
  // Estimated information, near the closed forms of the next test: 0.259 and 0.216 above p = 0.2; the
  // linear bound is tight here (mean e-CMI / ln 2 = p), so only close to it.
  CHECK(find(all, "ecmi-binary-kl").value >= est.heldout_error);
  CHECK(find(all, "slmi-fast-rate").value >= est.heldout_error);
  CHECK(find(all, "ecmi-fast-rate").value == doctest::Approx(p).epsilon(0.05));
}

TEST_CASE("new bounds at the exact information of the memoriser (hand-computed values)") {
  // Memoriser with p = 0.2: zero training error, held-out error p; e-CMI = p ln 2 per pair (erasure);
  // each single loss is a Z-channel of U: I(L^0; U) = h(p/2) - h(p)/2; total CMI = n p ln 2.
  const double p = 0.2;
  const auto runs = memorising_runs(p, false);
  auto est = estimate_cmi(runs, Correction::none);
  REQUIRE(est.train_error == 0.0);
  for (auto* v : {&est.ecmi, &est.ldcmi}) v->assign(v->size(), p * std::numbers::ln2);
  est.ldmi.assign(est.ldmi.size(), p * std::numbers::ln2);
  est.emi.assign(est.emi.size(), p * std::numbers::ln2);
  est.slmi.assign(static_cast<std::size_t>(runs.n), h(p / 2) - h(p) / 2);
  CmiBoundInput in{runs.shape(), &est, Correction::none};
  in.total_cmi = static_cast<double>(runs.n) * p * std::numbers::ln2;
  const auto all = cmi_bounds(in);

  // Binary kl with train 0: kl(0 || R/2) = -ln(1 - R/2) = p ln 2, so R = 2 (1 - 2^{-p}) = 0.258898...
  const auto& kl = find(all, "ecmi-binary-kl");
  CHECK(kl.value == doctest::Approx(2 * (1 - std::exp2(-p))).epsilon(1e-12));
  CHECK(kl.value >= 2 * (1 - std::exp2(-p)));
  // Linear bound with train 0: inf over c0 < ln 2 of (p ln 2) / c0 = p, approached from above.
  const auto& lin = find(all, "ecmi-fast-rate");
  CHECK(lin.value >= p);
  CHECK(lin.value <= p * (1 + 1e-9));
  // Wang & Mao with train 0: sum of the two single-loss MIs / ln 2 = 2 (h(0.1) - h(0.2)/2) / ln 2 = 0.21606.
  const auto& wm = find(all, "slmi-fast-rate");
  const double wm_exact = 2 * (h(p / 2) - h(p) / 2) / std::numbers::ln2;
  CHECK(wm_exact == doctest::Approx(0.216060).epsilon(1e-5));
  CHECK(wm.value >= wm_exact);
  CHECK(wm.value <= wm_exact * (1 + 1e-9));
  CHECK(wm.value >= p);
  // Steinke & Zakynthinou: sqrt(2 CMI / n) = sqrt(2 p ln 2) = 0.526589.
  const auto& total = find(all, "cmi-total-sqrt");
  CHECK(total.value == doctest::Approx(std::sqrt(2 * p * std::numbers::ln2)).epsilon(1e-14));
  CHECK(total.value >= std::sqrt(2 * p * std::numbers::ln2));
  for (const auto& c : all) {
    CAPTURE(c.name);
    CHECK(c.applicable());
    CHECK(c.value >= p);  // every bound holds at the true information
  }
}

TEST_CASE("binary-kl and fast-rate solvers against the 50-digit reference table") {
  const auto rows = test::read_reference("cmi-bounds.csv");
  REQUIRE(rows.size() == 144);
  for (const auto& row : rows) {
    std::ostringstream where;
    for (const auto& [k, v] : row) where << k << "=" << v << " ";
    CAPTURE(where.str());
    const double train = test::number(row, "train"), info = test::number(row, "info");
    const double exact = test::number(row, "value");
    if (row.at("kind") == "binary-kl") {
      const double got = binary_kl_heldout_bound(train, info).value;
      CHECK(got >= exact * (1 - 1e-16));  // the table rounds to 25 digits
      CHECK(got <= exact * (1 + 1e-12) + 1e-300);
    } else {
      const FastRateResult got = fast_rate_heldout_bound(train, info);
      CHECK(got.value >= exact * (1 - 1e-16));
      CHECK(got.value <= exact * (1 + 1e-9) + 1e-300);
      // The returned constants are feasible (checked in extended precision with room to spare).
      const long double c0 = got.c0, c1 = got.c1;
      CHECK(std::exp(c0) + std::exp(-c0 * c1) <= 2.0L);
      CHECK(got.value >= got.c1 * train + info / got.c0);
    }
  }
}

TEST_CASE("binary-kl and fast-rate invariants") {
  for (double train : {0.0, 0.02, 0.3, 0.7}) {
    double kl_prev = 0, fr_prev = 0;
    for (double info : {0.0, 1e-4, 0.01, 0.1, 0.5, 1.0}) {
      CAPTURE(train);
      CAPTURE(info);
      const double kl = binary_kl_heldout_bound(train, info).value, fr = fast_rate_heldout_bound(train, info).value;
      CHECK(kl >= train);
      CHECK(fr >= train);
      CHECK(kl >= kl_prev);  // more information, larger bound
      CHECK(fr >= fr_prev);
      CHECK(kl <= 1.0);
      kl_prev = kl;
      fr_prev = fr;
    }
    // No information: both bounds fall to the training error (fast rate: c0 -> 0, c1 -> 1).
    CHECK(binary_kl_heldout_bound(train, 0.0).value == doctest::Approx(train).epsilon(1e-12));
    CHECK(fast_rate_heldout_bound(train, 0.0).value == doctest::Approx(train).epsilon(1e-9));
  }
  CHECK(fast_rate_heldout_bound(0.2, 0.05).value <= fast_rate_heldout_bound(0.3, 0.05).value);
  CHECK_THROWS_AS(binary_kl_heldout_bound(0.1, -1.0), InvalidArgument);
  CHECK_THROWS_AS(fast_rate_heldout_bound(1.5, 0.1), InvalidArgument);
}

TEST_CASE("bounds scale with the declared loss range") {
  // The same runs with losses mapped to [a, b] = [-1, 3]: every information term is unchanged, so each
  // bound on the held-out loss is a + (b - a) times the bound for [0, 1] losses.
  auto runs = memorising_runs(0.3, true);
  const auto est = estimate_cmi(runs, Correction::none);
  const auto unit = cmi_bounds({runs.shape(), &est, Correction::none});
  auto scaled = runs;
  scaled.loss_min = -1;
  scaled.loss_max = 3;
  for (double& l : scaled.loss) l = -1 + 4 * l;
  const auto est_s = estimate_cmi(scaled, Correction::none);
  const auto wide = cmi_bounds({scaled.shape(), &est_s, Correction::none});
  for (const char* name : {"ecmi-sqrt", "ldmi-sqrt", "ecmi-binary-kl", "ecmi-fast-rate", "slmi-fast-rate"}) {
    CAPTURE(name);
    CHECK(find(wide, name).raw_value == doctest::Approx(-1 + 4 * find(unit, name).raw_value).epsilon(1e-12));
    CHECK(find(wide, name).value >= est_s.train_error);
  }
}

TEST_CASE("the fast-rate certificates echo feasible constants in their papers' parametrisations") {
  const auto runs = memorising_runs(0.3, true);
  const auto est = estimate_cmi(runs, Correction::none);
  const auto all = cmi_bounds({runs.shape(), &est, Correction::none});
  const auto& lin = find(all, "ecmi-fast-rate");
  const double c0 = detail(lin, "c0"), c1 = detail(lin, "c1");
  CHECK(std::exp(c0) + std::exp(-c0 * c1) <= 2.0);
  const auto& wm = find(all, "slmi-fast-rate");
  const double C1 = detail(wm, "C1"), C2 = detail(wm, "C2");
  CHECK(std::exp(2 * C2) + std::exp(-2 * C2 * (C1 + 1)) <= 2.0 + 1e-15);
  CHECK(detail(lin, "gap_bound") == doctest::Approx(lin.value - est.train_error));
}

TEST_CASE("total CMI outside [0, n ln 2] is rejected, naming the parameter") {
  const auto runs = memorising_runs(0.2, false);
  const auto est = estimate_cmi(runs, Correction::none);
  CmiBoundInput in{runs.shape(), &est, Correction::none};
  in.total_cmi = static_cast<double>(runs.n) * std::numbers::ln2 * 1.01;
  try {
    cmi_bounds(in);
    FAIL("no exception");
  } catch (const InvalidArgument& e) {
    CHECK(std::string(e.what()).find("total-cmi") == 0);
  }
  in.total_cmi = -0.1;
  CHECK_THROWS_AS(cmi_bounds(in), InvalidArgument);
}

TEST_CASE("interpolating bound is invalid, with the reason, when a run has a training error") {
  const auto runs = memorising_runs(0.2, true);
  auto est = estimate_cmi(runs, Correction::none);
  est.slmi.clear();
  const auto all = cmi_bounds({runs.shape(), &est, Correction::none});
  const auto& interp = find(all, "ldmi-interpolating");
  CHECK_FALSE(interp.applicable());
  CHECK(interp.reason().find("interpolating") == 0);
  // Without single-loss estimates the Wang & Mao fast-rate bound is skipped, not invented.
  for (const auto& c : all) CHECK(c.name != "slmi-fast-rate");
}

TEST_CASE("f-CMI is invalid when the losses are not a function of the predictions") {
  auto runs = memorising_runs(0.2, false);
  runs.pred = runs.loss;  // 0-1 loss: the prediction (right/wrong) determines the loss
  const auto check_fcmi = [&](bool expect_valid) {
    const auto est = estimate_cmi(runs, Correction::none);
    const auto all = cmi_bounds({runs.shape(), &est, Correction::none});
    const auto& f = find(all, "fcmi-sqrt");
    CHECK(f.applicable() == expect_valid);
    if (!expect_valid) CHECK(f.reason().find("loss_function_of_prediction") == 0);
  };
  check_fcmi(true);
  // Run 0 of pair 0, member 0: same prediction as the other runs, a different (cross-entropy-like) loss.
  runs.loss[0] = runs.pred[0] == 0.0 ? 0.25 : 0.75;
  check_fcmi(false);
}

TEST_CASE("too few runs: no certificate below the learner's error (reviewed failure cases)") {
  // A learner that memorises every trained point (held-out error 1) seen through one run per supersample: every
  // per-supersample plug-in estimate is 0, and the bounds built on them used to read 0 and "valid".
  const auto one_run = itbound::testing::memoriser(50, 1, 40, 1.0, 5);
  const auto est = estimate_cmi(one_run, Correction::none);
  REQUIRE(est.heldout_error == 1.0);
  for (const auto& c : cmi_bounds({one_run.shape(), &est, Correction::none})) {
    CAPTURE(c.name);
    if (c.applicable()) CHECK(c.value >= est.heldout_error);
    if (c.name == "ecmi-sqrt" || c.name == "ldcmi-sqrt" || c.name == "ecmi-binary-kl" || c.name == "ecmi-fast-rate")
      CHECK(c.reason().rfind("enough_runs:", 0) == 0);
  }
  // k-NN from 3 runs per supersample: one selector value is always seen at most once, Ross's estimator has nothing
  // to compare (its raw value is about 0), so the bounds take ln 2 for those pairs.
  const auto three_runs = itbound::testing::memoriser(5, 3, 40, 1.0, 6);
  const auto knn = estimators::estimate_cmi_knn(three_runs, 1);
  CHECK(knn.ecmi.undetermined == 5 * 40);
  CHECK(knn.ldmi.undetermined == 0);  // pooled over 15 runs
  for (double v : knn.clamped.ecmi) CHECK(v == std::numbers::ln2);
  for (const auto& c : cmi_bounds({three_runs.shape(), &knn.clamped, Correction::none, std::nullopt, "knn"})) {
    CAPTURE(c.name);
    if (c.applicable()) CHECK(c.value >= knn.clamped.heldout_error);
  }
}

TEST_CASE("pooled e-MI, single-loss and conditional interpolating bounds at the memoriser's exact information") {
  // Memoriser with p = 0.2 (zero training error, held-out error p): I(L_i; U_i) = I(Delta_i; U_i) = p ln 2 (the loss
  // pair is a function of Delta_i under interpolation), each single loss a Z-channel h(p/2) - h(p)/2, and the
  // conditional ld-CMI p ln 2 as well.
  const double p = 0.2;
  const auto runs = memorising_runs(p, false);
  auto est = estimate_cmi(runs, Correction::none);
  // The pooled loss-pair estimate equals the pooled ld-MI estimate cell for cell (bounds/CMI-BOUNDS.md, 6): that is
  // why no pooled e-MI interpolating form is reported besides ldmi-interpolating.
  REQUIRE(est.emi.size() == est.ldmi.size());
  for (std::size_t i = 0; i < est.emi.size(); ++i) CHECK(est.emi[i] == est.ldmi[i]);
  for (auto* v : {&est.ldcmi, &est.ldmi, &est.emi}) v->assign(v->size(), p * std::numbers::ln2);
  const double sl = h(p / 2) - h(p) / 2;
  est.slmi.assign(static_cast<std::size_t>(runs.n), sl);
  const auto all = cmi_bounds({runs.shape(), &est, Correction::none});
  CHECK(find(all, "emi-sqrt").value == doctest::Approx(std::sqrt(2 * p * std::numbers::ln2)).epsilon(1e-14));
  CHECK(find(all, "emi-binary-kl").value == doctest::Approx(2 * (1 - std::exp2(-p))).epsilon(1e-12));
  CHECK(find(all, "emi-fast-rate").value >= p);
  CHECK(find(all, "emi-fast-rate").value <= p * (1 + 1e-9));
  CHECK(find(all, "slmi-sqrt").value == doctest::Approx(2 * std::sqrt(2 * sl)).epsilon(1e-14));
  CHECK(find(all, "slmi-fast-rate-closed").value == doctest::Approx(4 * sl).epsilon(1e-14));  // train 0: 4 I
  const auto& cond = find(all, "ldcmi-interpolating");
  CHECK(cond.guarantee == Guarantee::estimated_bound);  // an upper bound, not an identity
  CHECK(cond.value >= p);
  CHECK(cond.value == doctest::Approx(p).epsilon(1e-14));
  for (const char* name : {"emi-sqrt", "emi-binary-kl", "emi-fast-rate", "slmi-sqrt", "slmi-fast-rate-closed",
                           "ldcmi-interpolating"}) {
    CAPTURE(name);
    CHECK(find(all, name).applicable());
    CHECK(find(all, name).value >= p);
  }
  // With a training error the interpolating forms are refused, naming the reason.
  const auto noisy = memorising_runs(p, true);
  const auto est_noisy = estimate_cmi(noisy, Correction::none);
  CHECK(find(cmi_bounds({noisy.shape(), &est_noisy, Correction::none}), "ldcmi-interpolating").reason().find("interpolating") == 0);
}

TEST_CASE("closed fast rate: its constants are feasible, and it is never below the optimised slmi-fast-rate") {
  // C2 = C1 / (4 (C1 + 1)) satisfies exp(2 C2) + exp(-2 C2 (C1 + 1)) <= 2 for every C1 > 0 (bounds/CMI-BOUNDS.md, 7).
  for (long double c1 = 1e-6L; c1 < 1e6L; c1 *= 1.01L) {
    const long double c2 = c1 / (4 * (c1 + 1));
    CHECK(std::exp(2 * c2) + std::exp(-2 * c2 * (c1 + 1)) <= 2.0L);
  }
  const auto runs = memorising_runs(0.3, true);
  auto est = estimate_cmi(runs, Correction::none);
  for (double train : {0.0, 0.01, 0.2, 0.6})
    for (double info : {0.0, 1e-4, 0.02, 0.3}) {
      CAPTURE(train);
      CAPTURE(info);
      est.slmi.assign(est.slmi.size(), info);
      est.train_error = train;
      est.supersample_train.assign(est.supersample_train.size(), train);
      const auto all = cmi_bounds({runs.shape(), &est, Correction::none});
      const double closed = find(all, "slmi-fast-rate-closed").raw_value;
      CHECK(closed >= find(all, "slmi-fast-rate").raw_value * (1 - 1e-9));
      // Never below the closed form (the mean information is rounded up by its summation bound, 2 (n + k1 + 4) eps
      // relative), and within that pad of it.
      const long double exact = train + 4.0L * info + 4.0L * std::sqrt(static_cast<long double>(info) * train);
      CHECK(static_cast<long double>(closed) >= exact * (1 - 1e-16L));
      CHECK(closed == doctest::Approx(static_cast<double>(exact)).epsilon(1e-12));
    }
}

TEST_CASE("pooled bounds need two runs in all, the conditional ones two per supersample") {
  const auto one_run = itbound::testing::memoriser(50, 1, 40, 1.0, 5);
  const auto est = estimate_cmi(one_run, Correction::none);
  const auto all = cmi_bounds({one_run.shape(), &est, Correction::none});
  for (const char* name : {"emi-sqrt", "emi-binary-kl", "slmi-sqrt"}) {
    CAPTURE(name);
    CHECK(find(all, name).reason().rfind("enough_runs:", 0) != 0);  // 50 runs pooled
  }
  CHECK(find(all, "ldcmi-interpolating").reason().rfind("enough_runs:", 0) == 0);
}
