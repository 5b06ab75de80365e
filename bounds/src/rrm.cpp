#include "itbound/bounds/rrm.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "itbound/error.hpp"
#include "itbound/estimators/memorization.hpp"
#include "itbound/solvers/binomial.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

const Reference kBansal{"Bansal, Kaplun & Barak (2021), For self-supervised learning, rationality implies "
                        "generalization, provably, ICLR",
                        ""};

// Whole numbers in [0, classes), of the expected length.
std::vector<std::int64_t> labels(const std::vector<double>& v, std::size_t size, std::int64_t classes,
                                 const char* field) {
  if (v.size() != size)
    fail(field, "expected " + std::to_string(size) + " values, got " + std::to_string(v.size()));
  std::vector<std::int64_t> out(size);
  for (std::size_t j = 0; j < size; ++j) {
    const double x = v[j];
    if (!(x >= 0 && x < static_cast<double>(classes) && x == std::floor(x)))
      fail(field, "entry " + std::to_string(j) + " must be a class in [0, " + std::to_string(classes) + "), got " +
                      format_number(x));
    out[j] = static_cast<std::int64_t>(x);
  }
  return out;
}

double accuracy(const std::vector<std::int64_t>& pred, const std::vector<std::int64_t>& truth) {
  std::size_t right = 0;
  for (std::size_t j = 0; j < pred.size(); ++j) right += pred[j] == truth[j];
  return static_cast<double>(right) / static_cast<double>(pred.size());
}

}  // namespace

RrmReport evaluate_rrm(const RrmRuns& in, const RrmOptions& options) {
  if (in.num_classes < 2) fail("num_classes", "must be a whole number >= 2, got " + std::to_string(in.num_classes));
  if (!(in.eta > 0 && in.eta < 1)) fail("eta", "must be in (0, 1), got " + format_number(in.eta));
  if (in.n < 1) fail("y", "needs at least one training example");
  if (in.runs < 1) fail("noisy_labels", "needs at least one noisy run (K >= 1; K >= 2 for the information)");
  const auto n = static_cast<std::size_t>(in.n), K = static_cast<std::size_t>(in.runs);
  const auto C = in.num_classes;
  const auto y = labels(in.y, n, C, "y");
  const auto clean = labels(in.clean_pred, n, C, "clean_pred");
  const auto noisy_y = labels(in.noisy_labels, K * n, C, "noisy_labels");
  const auto noisy_pred = labels(in.noisy_pred, K * n, C, "noisy_pred");
  if (!in.noised.empty()) {
    const auto mask = labels(in.noised, K * n, 2, "noised");
    for (std::size_t j = 0; j < K * n; ++j)
      if ((mask[j] == 1) != (noisy_y[j] != y[j % n]))
        fail("noisy_labels", "run " + std::to_string(j / n) + ", example " + std::to_string(j % n) + ": " +
                                 (mask[j] ? "equals the clean label y although marked noised (the noise replaces a "
                                            "label by a different class)"
                                          : "differs from the clean label y although not marked noised"));
  }
  // Test accuracy: given, or from the clean run's test predictions.
  const bool from_predictions = !in.test_pred.empty() || !in.test_y.empty();
  if (in.test_accuracy.has_value() == from_predictions)
    fail("test_accuracy", "give either test_accuracy or test_pred and test_y, exactly one of the two");
  double test = 0;
  if (in.test_accuracy) {
    require_probability(*in.test_accuracy, "test_accuracy");
    test = *in.test_accuracy;
  } else {
    if (in.test_y.empty()) fail("test_y", "is required with test_pred");
    const auto ty = labels(in.test_y, in.test_y.size(), C, "test_y");
    test = accuracy(labels(in.test_pred, ty.size(), C, "test_pred"), ty);
  }

  // The noise: N = (noisy label - y) mod C, noised where N != 0; its share against eta.
  estimators::MemorizationSamples s{in.n, in.runs, C, std::vector<std::int64_t>(K * n), std::vector<std::int64_t>(K * n)};
  std::size_t noised = 0, noised_right = 0, right = 0;
  for (std::size_t j = 0; j < K * n; ++j) {
    const std::int64_t truth = y[j % n];
    s.noise[j] = ((noisy_y[j] - truth) % C + C) % C;
    s.error[j] = ((noisy_pred[j] - truth) % C + C) % C;
    right += s.error[j] == 0;
    noised += s.noise[j] != 0;
    noised_right += s.noise[j] != 0 && s.error[j] == 0;
  }
  if (noised == 0) fail("noisy_labels", "no noisy label differs from y: NTrain(eta) is undefined");
  const auto total = static_cast<std::int64_t>(K * n), count = static_cast<std::int64_t>(noised);
  constexpr double kLevel = 1e-6;
  const double lo = binomial_lower_limit(count, total, kLevel).value, hi = binomial_upper_limit(count, total, kLevel).value;
  if (in.eta < lo || in.eta > hi)
    fail("eta", format_number(in.eta) + " is inconsistent with the noisy labels: they differ from y on " +
                    std::to_string(count) + " of " + std::to_string(total) + " (" +
                    format_rounded(static_cast<double>(count) / static_cast<double>(total), 0) +
                    "), outside the binomial range [" + format_rounded(lo, -1) + ", " + format_rounded(hi, 1) +
                    "] (two-sided test at 1e-6 each side); the noise must replace each label with probability eta by "
                    "a different class");

  RrmReport r;
  r.n = in.n, r.runs = in.runs, r.num_classes = C, r.eta = in.eta;
  r.accuracies = {accuracy(clean, y), static_cast<double>(right) / static_cast<double>(K * n),
                  static_cast<double>(noised_right) / static_cast<double>(noised), test};
  const auto& a = r.accuracies;
  r.train_accuracy_clean = a.train_clean;
  r.test_accuracy = a.test;
  r.gap = a.train_clean - a.test;
  r.robustness = a.train_clean - a.train_noisy;
  r.memorization = a.train_noisy - a.noised_train;
  r.rationality = a.noised_train - a.test;

  const auto info = estimators::estimate_memorization_information(s);
  auto& I = r.information;
  const auto mean_of = [](const std::vector<double>& v) {
    double t = 0;
    for (double x : v) t += x;
    return t / static_cast<double>(v.size());
  };
  I.per_example_mean = mean_of(info.per_example);
  I.per_example_mean_mm = mean_of(info.per_example_mm);
  double var = 0;
  for (double x : info.per_example) var += (x - I.per_example_mean) * (x - I.per_example_mean);
  I.per_example_sd = n > 1 ? std::sqrt(var / static_cast<double>(n - 1)) : 0.0;
  if (options.bootstrap > 0 && K >= 2) {
    const auto b = estimators::bootstrap_per_example_mean(s, options.bootstrap, 0.9, 20210503);
    I.interval = {b.lo, b.hi};
  }
  I.pooled = info.pooled;
  I.pooled_mm = info.pooled_mm;
  I.noised_fraction = static_cast<double>(noised) / static_cast<double>(K * n);

  // Memorization <= sqrt(mean information / 2) / eta (bounds/RRM.md): per example (C^pc / n) or pooled (C^dc).
  const std::string noise_detail =
      "noised share " + format_rounded(I.noised_fraction, 0) + " checked against eta (binomial test)" +
      (in.noised.empty() ? "; which labels were noised was not given, so 'a different class' could not be checked"
                         : "; noisy labels differ from y exactly where noised");
  const auto start = [&](const std::string& name, const std::string& where) {
    Certificate c;
    c.name = name;
    c.guarantee = Guarantee::estimated_bound;
    c.reference = kBansal;
    c.reference.where = where;
    c.inputs = {{"n", in.n}, {"runs", in.runs}, {"num_classes", C}, {"eta", in.eta}};
    c.add_assumption("estimated_information",
                     "the bound holds for the true information; the value uses plug-in estimates from the K runs, "
                     "biased either way: upward for weakly dependent pairs (about (cells - 1) / (2 K) nats per example), "
                     "downward where a memorised label revealed a noise class the example's few noised runs show once "
                     "or never; the Miller-Madow value, the pooled form and the bootstrap interval are beside it",
                     Holds::unchecked);
    c.add_assumption("noise_model", "each training label is replaced, independently with probability eta, by a "
                     "uniformly random different class; one clean run and K runs on independent noise draws",
                     Holds::unchecked, noise_detail);
    const bool enough = name.ends_with("-dc") ? K * n >= 2 : K >= 2;
    c.add_assumption("enough_runs", name.ends_with("-dc") ? "at least 2 (run, example) samples" : "at least 2 noisy runs",
                     enough ? Holds::yes : Holds::no,
                     enough ? "" : "from one run every per-example information estimate is 0, whatever the learner does");
    return c;
  };
  const auto bound_at = [&](double information) { return round_up(std::sqrt(round_up(information / 2, 1)) / in.eta, 2); };
  const auto memorization_bound = [&](const std::string& name, double information, const std::string& what) {
    Certificate c = start(name, "memorization gap <= sqrt(" + what + " / 2) / eta (derived: bounds/RRM.md)");
    c.quantity = "the memorization gap Train(eta) - NTrain(eta), expected over the noise and the training randomness";
    c.details = {{"information", information}, {"information_form", what}};
    c.set_value(bound_at(information), 1.0);
    c.check_against_measured(r.memorization, "memorization gap");
    return c;
  };
  r.bounds.push_back(memorization_bound("memorization-pc", I.per_example_mean, "C^pc / n, plug-in"));
  r.bounds.push_back(memorization_bound("memorization-pc-miller-madow", I.per_example_mean_mm, "C^pc / n, Miller-Madow"));
  r.bounds.push_back(memorization_bound("memorization-dc", I.pooled, "C^dc, plug-in"));
  if (!I.interval.empty()) {  // the spread: the bound at the ends of the bootstrap interval of C^pc / n
    r.bounds[0].details.push_back({"interval_lo", bound_at(I.interval[0])});
    r.bounds[0].details.push_back({"interval_hi", bound_at(I.interval[1])});
  }
  // RRM bound: robustness + memorization bound + max(rationality, 0) >= the gap whenever the memorization bound holds.
  const auto rrm = [&](const std::string& name, const Certificate& memo) {
    Certificate c = start(name, "Train(0) - Test <= robustness + memorization bound + max(rationality, 0)");
    c.quantity = "the generalization gap Train(0) - Test in accuracy, expected over the noise and training randomness";
    c.inputs.push_back({"robustness", r.robustness});
    c.inputs.push_back({"rationality", r.rationality});
    c.details = {{"memorization_bound", memo.value}, {"from", memo.name}};
    c.set_value(round_up(round_up(r.robustness + memo.value, 1) + std::max(r.rationality, 0.0), 1), 1.0);
    c.check_against_measured(r.gap, "generalization gap");
    return c;
  };
  r.bounds.push_back(rrm("rrm", r.bounds[0]));
  r.bounds.push_back(rrm("rrm-dc", r.bounds[2]));
  r.memorization_bound = r.bounds[0].value;
  r.rrm_bound = r.bounds[3].value;
  r.summary = "gap " + format_rounded(r.gap, 0) + " = robustness " + format_rounded(r.robustness, 0) +
              " + memorization " + format_rounded(r.memorization, 0) + " + rationality " +
              format_rounded(r.rationality, 0) + "; RRM bound " + r.bounds[3].shown() + " (pooled " +
              r.bounds[4].shown() + "; estimated-bound)";
  return r;
}

void visit(const RrmAccuracies& a, FieldVisitor& v) {
  v.number("train_clean", a.train_clean, "Train(0): the clean run's accuracy on its training labels.");
  v.number("train_noisy", a.train_noisy, "Train(eta): the noisy runs' accuracy against the clean labels, pooled.");
  v.number("noised_train", a.noised_train,
           "NTrain(eta): correct (clean-label) predictions on noised points / noised points, over all runs.");
  v.number("test", a.test, "Test: the clean run's test accuracy.");
}

void visit(const RrmInformation& i, FieldVisitor& v) {
  v.number("per_example_mean", i.per_example_mean, "C^pc / n: mean over examples of the plug-in I(E_i; N_i) (nats).");
  v.number("per_example_mean_mm", i.per_example_mean_mm, "The same with Miller-Madow per example (clamped at 0).");
  v.number("per_example_sd", i.per_example_sd, "Sample sd over examples of the plug-in I(E_i; N_i).");
  v.vector("interval", i.interval, "[lo, hi] of C^pc / n over run resampling (90% percentile bootstrap).", true);
  v.number("pooled", i.pooled, "C^dc: plug-in I(E; N) over all (run, example) samples (nats).");
  v.number("pooled_mm", i.pooled_mm, "The same, Miller-Madow.");
  v.number("noised_fraction", i.noised_fraction, "Share of the K n noisy labels that differ from y.");
}

void visit(const RrmReport& r, FieldVisitor& v) {
  v.text("summary", r.summary, "The answer in one line: the decomposition of the gap and the RRM bound.");
  v.integer("n", r.n, "Training examples.");
  v.integer("runs", r.runs, "Noisy runs K.");
  v.integer("num_classes", r.num_classes, "Classes C.");
  v.number("eta", r.eta, "Label-noise rate.");
  v.number("train_accuracy_clean", r.train_accuracy_clean, "Train(0).");
  v.number("test_accuracy", r.test_accuracy, "Test.");
  v.number("gap", r.gap, "Generalization gap Train(0) - Test.");
  v.number("robustness", r.robustness, "Robustness gap Train(0) - Train(eta).");
  v.number("memorization", r.memorization, "Memorization gap Train(eta) - NTrain(eta).");
  v.number("rationality", r.rationality, "Rationality gap NTrain(eta) - Test.");
  object_field(v, "accuracies", "RrmAccuracies", r.accuracies, "The four accuracies of the decomposition.");
  object_field(v, "information", "RrmInformation", r.information, "The information terms of the memorization bound.");
  v.number("memorization_bound", r.memorization_bound, "memorization-pc: sqrt(C^pc / (2n)) / eta.");
  v.number("rrm_bound", r.rrm_bound, "rrm: robustness + memorization bound + max(rationality, 0).");
  list_field(v, "bounds", "Certificate", r.bounds, "Memorization and RRM bounds (estimated from the runs).");
}

}  // namespace itbound
