// CMI bounds on the memorising learner, whose held-out error (p) and per-pair MI (p ln 2) are known in
// closed form: the square-root bounds must lie above p, the interpolating identity must recover p.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "itbound/bounds/cmi_bounds.hpp"
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
}  // namespace

TEST_CASE("cmi bounds on a learner with closed-form information") {
  const double p = 0.2;
  const auto runs = memorising_runs(p, false);
  const auto est = estimate_cmi(runs, Correction::none);
  const auto all = cmi_bounds({&runs, &est, Correction::none});
  // Closed form: I = p ln 2 per pair, so each square-root gap bound is about sqrt(2 p ln 2) = 0.527 > p.
  const double closed = std::sqrt(2 * p * std::numbers::ln2);
  for (const char* name : {"ecmi-sqrt", "ldcmi-sqrt", "ldmi-sqrt"}) {
    CAPTURE(name);
    const auto& c = find(all, name);
    CHECK(c.valid);
    CHECK(c.value >= est.heldout_error);
    CHECK(c.value == doctest::Approx(closed).epsilon(0.06));
  }
  const auto& interp = find(all, "ldmi-interpolating");
  CHECK(interp.valid);
  CHECK(interp.value == doctest::Approx(p).epsilon(0.05));
  CHECK(est.heldout_error == doctest::Approx(p).epsilon(0.05));
}

TEST_CASE("interpolating bound is invalid, with the reason, when a run has a training error") {
  const auto runs = memorising_runs(0.2, true);
  const auto est = estimate_cmi(runs, Correction::none);
  const auto all = cmi_bounds({&runs, &est, Correction::none});
  const auto& interp = find(all, "ldmi-interpolating");
  CHECK_FALSE(interp.valid);
  CHECK(interp.invalid_reason.find("interpolating") == 0);
}
