// RRM (bounds/rrm.hpp, derivation in bounds/RRM.md): a designed set of runs whose plug-in information has a closed
// form, the decomposition identity, invariants, and bad input naming the field. The bundled example is checked
// against data/reference/rrm.csv end to end (tests/cli_rrm.py).
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include "itbound/bounds/rrm.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/memorization.hpp"

using namespace itbound;

namespace {

// n examples, K = 20 runs, C = 10 classes; example i is noised in exactly one run (i % K) to class y + 1 + i % 9, and
// a fraction of the examples (every `every`-th) is memorised: the prediction in that run is the noisy label. Every
// other prediction is the clean label. Plug-in per example: I = h(1/K) for a memorised example (E = N), 0 otherwise
// (E constant); the noised share is exactly 1/K = eta.
RrmRuns designed(std::int64_t n, int every) {
  constexpr std::int64_t K = 20, C = 10;
  RrmRuns r;
  r.n = n, r.runs = K, r.num_classes = C, r.eta = 1.0 / K;
  for (std::int64_t i = 0; i < n; ++i) {
    r.y.push_back(static_cast<double>(i % C));
    r.clean_pred.push_back(static_cast<double>(i % C));
  }
  r.noisy_labels.assign(static_cast<std::size_t>(K * n), 0.0);
  r.noisy_pred.assign(static_cast<std::size_t>(K * n), 0.0);
  r.noised.assign(static_cast<std::size_t>(K * n), 0.0);
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t i = 0; i < n; ++i) {
      const auto j = static_cast<std::size_t>(k * n + i);
      const bool noise = i % K == k;
      const double label = noise ? static_cast<double>((i % C + 1 + i % 9) % C) : r.y[static_cast<std::size_t>(i)];
      r.noisy_labels[j] = label;
      r.noised[j] = noise;
      r.noisy_pred[j] = noise && i % every == 0 ? label : r.y[static_cast<std::size_t>(i)];
    }
  r.test_accuracy = 0.9;
  return r;
}

double h(double p) { return -p * std::log(p) - (1 - p) * std::log1p(-p); }

const Certificate& find(const RrmReport& r, const std::string& name) {
  for (const auto& c : r.bounds)
    if (c.name == name) return c;
  FAIL("missing " << name);
  return r.bounds.front();
}

std::string field_of(const RrmRuns& runs) {
  try {
    evaluate_rrm(runs, {0});
  } catch (const InvalidArgument& e) {
    return e.field();
  }
  return "none";
}

}  // namespace

TEST_CASE("rrm: closed-form information of a designed memoriser, the decomposition and the bounds") {
  const std::int64_t n = 400;
  const int every = 4;  // 100 memorised examples
  const RrmReport r = evaluate_rrm(designed(n, every), {50});
  const double frac = 1.0 / every, K = 20;
  CHECK(r.information.per_example_mean == doctest::Approx(frac * h(1 / K)).epsilon(1e-13));
  CHECK(r.information.noised_fraction == 1 / K);
  // Accuracies: clean 1, Train(eta) = 1 - frac/K, NTrain(eta) = 1 - frac, Test 0.9.
  CHECK(r.accuracies.train_noisy == doctest::Approx(1 - frac / K).epsilon(1e-15));
  CHECK(r.accuracies.noised_train == doctest::Approx(1 - frac).epsilon(1e-15));
  CHECK(r.memorization == doctest::Approx(frac * (1 - 1 / K)).epsilon(1e-14));
  CHECK(r.robustness + r.memorization + r.rationality == doctest::Approx(r.gap).epsilon(1e-15));
  // memorization-pc = sqrt(frac h(1/K) / 2) / eta = 3.16: vacuous (capped at 1) and above the measured 0.2375.
  const Certificate& pc = find(r, "memorization-pc");
  CHECK(pc.raw_value == doctest::Approx(std::sqrt(frac * h(1 / K) / 2) * K).epsilon(1e-13));
  CHECK(pc.raw_value >= std::sqrt(frac * h(1 / K) / 2) * K);
  CHECK(pc.value == 1.0);
  CHECK(pc.guarantee == Guarantee::estimated_bound);
  CHECK(pc.applicable());
  // Pooled: E = N on the memorised noised samples, E = 0 elsewhere. Here it is *above* the per-example plug-in: a
  // memorised label reveals which of the 9 classes the noise drew, and each example saw one noise class only, so the
  // per-example plug-in cannot show that part (biased low), while the pooled one sees every class (bounds/RRM.md).
  CHECK(r.information.pooled > r.information.per_example_mean);
  const Certificate& rrm = find(r, "rrm");
  CHECK(rrm.value >= r.gap);
  CHECK(rrm.raw_value == doctest::Approx(r.robustness + 1.0 + std::max(r.rationality, 0.0)).epsilon(1e-14));
  CHECK(r.rrm_bound == rrm.value);
  CHECK(r.memorization_bound == pc.value);
  REQUIRE(r.information.interval.size() == 2);
  CHECK(r.information.interval[0] <= r.information.interval[1]);
}

TEST_CASE("rrm: no memorisation, no information; the pooled form at the exact counts") {
  const RrmReport r = evaluate_rrm(designed(400, 1000000), {0});  // only example 0 memorised
  CHECK(r.information.per_example_mean == doctest::Approx(h(0.05) / 400).epsilon(1e-12));
  CHECK(r.information.interval.empty());
  // Independent check of the pooled plug-in: 8000 samples, N != 0 on 400 of them (class c = 1 + i % 9 shifted), and
  // E = N on exactly one of those (example 0, N = 1); else E = 0.
  std::map<std::pair<std::int64_t, std::int64_t>, double> joint;
  std::map<std::int64_t, double> ce, cn;
  const RrmRuns in = designed(400, 1000000);
  for (std::size_t j = 0; j < in.noisy_labels.size(); ++j) {
    const auto y = static_cast<std::int64_t>(in.y[j % 400]);
    const auto e = ((static_cast<std::int64_t>(in.noisy_pred[j]) - y) % 10 + 10) % 10;
    const auto v = ((static_cast<std::int64_t>(in.noisy_labels[j]) - y) % 10 + 10) % 10;
    joint[{e, v}] += 1, ce[e] += 1, cn[v] += 1;
  }
  double mi = 0;
  for (const auto& [k, c] : joint) mi += c / 8000 * std::log(c * 8000 / (ce[k.first] * cn[k.second]));
  CHECK(r.information.pooled == doctest::Approx(mi).epsilon(1e-12));
}

TEST_CASE("rrm: bad input names the field") {
  RrmRuns r = designed(60, 4);
  CHECK(field_of(r) == "none");
  {
    auto b = r;
    b.eta = 0.3;  // the labels were noised at 1/20
    CHECK(field_of(b) == "eta");
    b.eta = 0;
    CHECK(field_of(b) == "eta");
  }
  {
    auto b = r;
    b.noised[1] = 1;  // marked noised but equal to y
    CHECK(field_of(b) == "noisy_labels");
    b = r;
    b.noised.clear();
    b.noisy_labels[0] = b.y[0];  // run 0, example 0 was the noised one: now unnoised, fine without the mask...
    CHECK(field_of(b) == "none");
  }
  {
    auto b = r;
    b.noisy_pred[3] = 10;
    CHECK(field_of(b) == "noisy_pred");
    b = r;
    b.y[2] = 1.5;
    CHECK(field_of(b) == "y");
    b = r;
    b.clean_pred.pop_back();
    CHECK(field_of(b) == "clean_pred");
    b = r;
    b.num_classes = 1;
    CHECK(field_of(b) == "num_classes");
    b = r;
    b.test_pred = {1, 2};
    b.test_y = {1, 2};
    CHECK(field_of(b) == "test_accuracy");  // both given
    b.test_accuracy.reset();
    CHECK(field_of(b) == "none");
    b.test_y.clear();
    CHECK(field_of(b) == "test_y");
  }
  {
    auto b = r;
    for (std::size_t j = 0; j < b.noisy_labels.size(); ++j) b.noisy_labels[j] = b.y[j % 60];
    b.noised.clear();
    CHECK(field_of(b) == "noisy_labels");  // nothing noised: NTrain(eta) undefined
  }
}

TEST_CASE("rrm: one noisy run gives no information estimate, and says so") {
  RrmRuns r = designed(400, 4);
  r.runs = 1;
  r.noisy_labels.resize(400), r.noisy_pred.resize(400), r.noised.resize(400);
  r.eta = 0.05;
  const RrmReport out = evaluate_rrm(r, {10});
  CHECK(find(out, "memorization-pc").reason().rfind("enough_runs:", 0) == 0);
  CHECK(find(out, "rrm").reason().rfind("enough_runs:", 0) == 0);
}
