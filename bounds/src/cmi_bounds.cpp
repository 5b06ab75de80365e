#include "itbound/bounds/cmi_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "itbound/bounds/compression.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/detail/sums.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

using estimators::CmiEstimates;
using estimators::SupersampleShape;
using estimators::detail::mean;
using estimators::detail::sum_of;

// Venues and pages checked against citing papers' reference lists; the texts of the papers themselves
// were not available here, so theorem numbers are marked unchecked (see bounds/CMI-BOUNDS.md).
constexpr const char* kSteinke = "Steinke & Zakynthinou (2020), COLT, PMLR 125";
constexpr const char* kHarutyunyan = "Harutyunyan, Raginsky, Ver Steeg & Galstyan (2021), NeurIPS 34";
constexpr const char* kHellstrom = "Hellstrom & Durisi (2022), NeurIPS 35, pp. 10108-10121";
constexpr const char* kWangMao = "Wang & Mao (2023), ICML, PMLR 202, pp. 36111-36137";

double width(const SupersampleShape& r) { return r.loss_max - r.loss_min; }

// Training loss scaled to [0, 1], per supersample: the bounds below are stated for losses in [0, 1]; an
// affine map of the losses leaves every mutual information unchanged.
std::vector<double> scaled_train_error(const SupersampleShape& r, const CmiEstimates& e) {
  std::vector<double> out(e.supersample_train.size());
  for (std::size_t s = 0; s < out.size(); ++s)
    out[s] = std::clamp((e.supersample_train[s] - r.loss_min) / width(r), 0.0, 1.0);
  return out;
}

// A bound b on the held-out loss scaled to [0, 1] is loss_min + (loss_max - loss_min) b on the original scale.
double unscale(const SupersampleShape& r, double b) { return round_up(r.loss_min + round_up(width(r) * b, 1), 1); }

Certificate base(const std::string& name, const CmiBoundInput& in, Reference ref, bool estimated = true) {
  const auto& r = in.shape;
  Certificate c;
  c.name = name;
  c.reference = std::move(ref);
  c.guarantee = estimated ? Guarantee::estimated_bound : Guarantee::expectation_bound;
  c.quantity = "the expected held-out error over supersamples, selectors and training randomness";
  c.inputs = {{"k1", r.k1}, {"k2", r.k2}, {"n", r.n}, {"loss_min", r.loss_min}, {"loss_max", r.loss_max},
              {"estimator", in.estimator}, {"train_error", in.estimates->train_error}};
  if (in.estimator == "plug-in") c.inputs.push_back({"correction", std::string(estimators::to_string(in.correction))});
  if (estimated)
    c.add_assumption("estimated_information",
                     "the bound holds for the true (conditional) mutual information; the value uses its estimate from "
                     "the finite runs, which can be too low as well as too high (plug-in estimates are biased upward "
                     "for independent pairs but downward, by about 1/(2 k2) nats, where the losses reveal the "
                     "selector; k-NN estimates can be negative and are clamped at 0 for the bound)",
                     Holds::unchecked, in.information_detail);
  c.add_assumption("expectation", "bounds the expected held-out error over supersamples, selectors and training "
                   "randomness, not the error of one trained model", Holds::unchecked);
  return c;
}

// Sample standard deviation over supersamples of a per-supersample bound value.
void add_spread(Certificate& c, const std::vector<double>& group_value) {
  const double m = mean(group_value);
  double var = 0;
  for (double v : group_value) var += (v - m) * (v - m);
  const std::size_t g = group_value.size();
  c.details.push_back({"spread", g > 1 ? std::sqrt(var / static_cast<double>(g - 1)) : 0.0});
  c.details.push_back({"spread_over", std::string(g > 1 ? "supersamples (sample std of the per-supersample bound)" : "none")});
}

// Mean over pairs of the per-pair values of each group (supersample, or one pooled group).
std::vector<double> group_means(const std::vector<double>& per, std::size_t groups) {
  const std::size_t n = per.size() / groups;
  std::vector<double> out(groups);
  for (std::size_t s = 0; s < groups; ++s)
    out[s] = sum_of(per.data() + s * n, n, [](double x) { return x; }) / static_cast<double>(n);
  return out;
}

// (1/n) sum_i E_s[factor (b - a) sqrt(2 I_{s,i})]: per supersample s the pair average, then mean and spread over s.
// For a loss in [a, b] the pair's loss difference lies in [-(b - a), b - a], so given the pair it is
// (b - a)-sub-Gaussian and the Donsker-Varadhan step gives E[eps Delta] <= (b - a) sqrt(2 I) (factor 1; the
// single-loss form has two such terms, factor 2).
Certificate sqrt_bound(const std::string& name, const std::vector<double>& per, std::size_t groups,
                       const CmiBoundInput& in, Reference ref, double factor = 1.0) {
  const auto& r = in.shape;
  const std::size_t n = static_cast<std::size_t>(r.n);
  std::vector<double> group_value(groups);
  for (std::size_t s = 0; s < groups; ++s)
    group_value[s] = factor * width(r) * sum_of(per.data() + s * n, n, [](double x) { return std::sqrt(2 * x); }) /
                     static_cast<double>(n);
  const double gap = sum_round_up(mean(group_value), static_cast<double>(groups * n + groups));
  Certificate c = base(name, in, std::move(ref));
  c.set_value(round_up(in.estimates->train_error + gap, 1), r.loss_max);
  c.details = {{"gap_bound", gap}, {"mean_information", mean(per)}};
  add_spread(c, group_value);
  return c;
}

// A held-out bound f(scaled train error, information) evaluated on the overall averages (the value) and on
// each supersample's averages (the spread).
template <class F>
Certificate averaged_bound(const std::string& name, const std::vector<double>& per, std::size_t groups,
                           const CmiBoundInput& in, Reference ref, F f) {
  const auto& r = in.shape;
  const std::vector<double> train = scaled_train_error(r, *in.estimates), info = group_means(per, groups);
  const double scaled_train = std::clamp((in.estimates->train_error - r.loss_min) / width(r), 0.0, 1.0);
  Certificate c = base(name, in, std::move(ref));
  // f increases with the information: the mean of the pair means, rounded up by the summation's error bound (one ulp
  // per term, like sqrt_bound's and interpolating's), never a rounding below it.
  const double value = unscale(r, f(scaled_train, sum_round_up(mean(info), static_cast<double>(per.size() + groups)), c));
  c.set_value(value, r.loss_max);
  c.details.insert(c.details.begin(), {{"gap_bound", value - in.estimates->train_error}, {"mean_information", mean(info)}});
  std::vector<double> group_value(groups);
  Certificate scratch;
  for (std::size_t s = 0; s < groups; ++s)
    group_value[s] = unscale(r, f(groups == train.size() ? train[s] : scaled_train, info[s], scratch));
  add_spread(c, group_value);
  return c;
}

// Interpolating 0-1 learners: the mean information over ln 2 (bounds/CMI-BOUNDS.md, derivations 5 and 8), with the
// two conditions checked on the runs; the spread is that of the per-supersample values.
Certificate interpolating(const std::string& name, const std::vector<double>& per, std::size_t groups,
                          const CmiBoundInput& in, Reference ref) {
  const auto& e = *in.estimates;
  const auto& r = in.shape;
  const bool zero_one = r.loss_min == 0.0 && r.loss_max == 1.0 && e.zero_one;
  Certificate c = base(name, in, std::move(ref));
  c.add_assumption("zero_one_loss", "losses take values in {0, 1}", zero_one ? Holds::yes : Holds::no,
                   zero_one ? "" : "a loss value other than 0 or 1 was found (or the declared range is not [0, 1])");
  c.add_assumption("interpolating", "training error is 0 on every run", e.interpolating ? Holds::yes : Holds::no,
                   e.interpolating ? "" : "some run has a nonzero training loss");
  c.set_value(round_up(sum_round_up(mean(per), static_cast<double>(per.size())) / std::numbers::ln2, 1), 1.0);
  c.details = {{"mean_information", mean(per)}};
  std::vector<double> group_value = group_means(per, groups);
  for (double& v : group_value) v /= std::numbers::ln2;
  add_spread(c, group_value);
  return c;
}

// Bounds whose information is pooled over all k1 k2 runs (the unconditional terms): they need 2 runs in all.
bool pooled_information(const std::string& name) {
  return name.starts_with("ldmi-") || name.starts_with("emi-") || name.starts_with("slmi-");
}

}  // namespace

KlInverseResult binary_kl_heldout_bound(double train, double info) {
  require_probability(train, "train");
  if (!(info >= 0.0 && std::isfinite(info))) fail("info", "must be a finite number >= 0, got " + format_number(info));
  // kl(q || p) increases in p >= q, so the largest feasible p = (q + R) / 2 is the kl upper inverse,
  // capped where R reaches 1.
  const KlInverseResult p = kl_inverse_upper(train, info);
  if (p.value >= (1.0 + train) / 2) return {1.0, p.status, p.iterations};
  return {std::min(1.0, round_up(2 * p.value - train, 1)), p.status, p.iterations};
}

FastRateResult fast_rate_heldout_bound(double train, double info) {
  require_probability(train, "train");
  if (!(info >= 0.0 && std::isfinite(info))) fail("info", "must be a finite number >= 0, got " + format_number(info));
  FastRateResult best{std::numeric_limits<double>::infinity(), 0.0, 0.0, 0};
  // The boundary exp(c0) + exp(-c0 c1) = 2 through x = c0 c1: c0 = ln(2 - e^{-x}). Rounding c0 down (the
  // computed value is within a few ulps; the margin is 1e-14 relative) and c1 = x / c0 up keeps
  // exp(c0) <= 2 - e^{-x} and exp(-c0 c1) <= e^{-x}: every evaluated point is feasible.
  const auto evaluate = [&](double x) {
    const double c0 = std::log1p(-std::expm1(-x)) * (1.0 - 1e-14);
    const double c1 = round_up(x / c0, 1);
    const double v = round_up(round_up(c1 * train, 1) + round_up(info / c0, 1), 1);
    ++best.evaluated;
    if (v < best.value) best = {v, c0, c1, best.evaluated};
    return v;
  };
  // The objective is unimodal in x (bounds/CMI-BOUNDS.md); three nested log-spaced grids of 200 points,
  // each spanning the neighbours of the previous grid's best point.
  double lo = std::log(1e-12), hi = std::log(64.0);
  constexpr int kPoints = 200;
  for (int pass = 0; pass < 3; ++pass) {
    const double step = (hi - lo) / (kPoints - 1);
    double best_x = lo, best_v = std::numeric_limits<double>::infinity();
    for (int j = 0; j < kPoints; ++j) {
      const double lx = lo + step * j;
      if (const double v = evaluate(std::exp(lx)); v < best_v) best_v = v, best_x = lx;
    }
    lo = std::max(lo, best_x - step);
    hi = std::min(hi, best_x + step);
  }
  return best;
}

std::vector<Certificate> cmi_bounds(const CmiBoundInput& in) {
  const auto& e = *in.estimates;
  const auto& r = in.shape;
  const auto k1 = static_cast<std::size_t>(r.k1);
  std::vector<Certificate> out;

  if (in.total_cmi) {
    // Steinke & Zakynthinou (2020): |gen| <= sqrt(2 CMI / n) for losses in [0, 1]; CMI <= H(U) = n ln 2.
    const double cmi = *in.total_cmi;
    if (!(cmi >= 0.0 && cmi <= static_cast<double>(r.n) * std::numbers::ln2 * (1 + 1e-12)))
      fail("total-cmi", "must be in [0, n ln 2] = [0, " + format_number(static_cast<double>(r.n) * std::numbers::ln2) +
                            "] nats (CMI cannot exceed H(U)), got " + format_number(cmi));
    Certificate c = base("cmi-total-sqrt", in, {kSteinke, "Theorem 2 (1): |gen| <= sqrt(2 CMI / n) (read in the PMLR "
                                                           "text, bounds/CMI-BOUNDS.md)"}, false);
    c.add_assumption("supplied_information", "the total CMI given is that of the algorithm and data distribution (or "
                     "an upper bound on it); it is taken as given, not estimated from the runs", Holds::unchecked);
    const double gap = cmi_sqrt_gap(cmi, r.n, width(r));
    c.inputs.push_back({"total_cmi", cmi});
    c.set_value(round_up(e.train_error + gap, 1), r.loss_max);
    c.details = {{"gap_bound", gap}, {"spread", 0.0}, {"spread_over", std::string("none")}};
    out.push_back(std::move(c));
  }
  if (in.compression_size) {
    // Steinke & Zakynthinou (2020), Theorems 2 and 7 (bounds/compression.hpp): CMI from the compression size.
    std::vector<Certificate> compressed = compression_bounds(
        {r.n, *in.compression_size, in.compression_unordered, e.train_error, r.loss_min, r.loss_max});
    for (Certificate& c : compressed) {
      c.inputs.push_back({"k1", r.k1});
      c.inputs.push_back({"k2", r.k2});
      out.push_back(std::move(c));
    }
  } else if (in.compression_unordered) {
    fail("compression-unordered", "needs compression-size");
  }

  if (!e.fcmi.empty()) {
    Certificate c = sqrt_bound("fcmi-sqrt", e.fcmi, k1, in,
                               {kHarutyunyan, "samplewise f-CMI bound, f = the prediction pair (theorem number unchecked)"});
    const bool follows = e.loss_follows_prediction;
    c.add_assumption("loss_function_of_prediction", "each loss is a function of the prediction on that example",
                     !follows ? Holds::no : e.prediction_repeats ? Holds::yes : Holds::unchecked,
                     !follows ? "the same prediction on the same example gave different losses (e.g. a "
                                "cross-entropy of the predicted probabilities): the prediction pair does not "
                                "carry the losses"
                     : e.prediction_repeats ? ""
                                            : "no prediction recurred on any example across the runs, so the runs "
                                              "cannot show it");
    out.push_back(std::move(c));
  }
  out.push_back(sqrt_bound("ecmi-sqrt", e.ecmi, k1, in,
                           {kHellstrom, "samplewise e-CMI square-root bound (theorem number unchecked)"}));
  out.push_back(sqrt_bound("ldcmi-sqrt", e.ldcmi, k1, in,
                           {kWangMao, "loss-difference CMI (ld-CMI) square-root bound (theorem number unchecked)"}));
  out.push_back(sqrt_bound("ldmi-sqrt", e.ldmi, 1, in,
                           {kWangMao, "unconditional loss-difference MI (ld-MI) square-root bound (theorem number "
                                      "unchecked)"}));

  // Hellstrom & Durisi (2022): kl(train || (train + test)/2) <= mean e-CMI for losses in [0, 1] (the
  // training loss under the product of the pair's loss law and an independent fair U has mean (train +
  // test)/2; Donsker-Varadhan with the Bernoulli bound on the moment generating function, then joint
  // convexity of kl over pairs and supersamples).
  const auto binary_kl = [](double train, double info, Certificate& c) {
    const KlInverseResult res = binary_kl_heldout_bound(train, round_up(info, 1));
    c.status = worst(c.status, res.status);
    return res.value;
  };
  out.push_back(averaged_bound(
      "ecmi-binary-kl", e.ecmi, k1, in,
      {kHellstrom, "samplewise e-CMI binary-kl bound, test <= sup{R : kl(train || (train + R)/2) <= mean e-CMI} "
                   "(theorem number unchecked)"},
      binary_kl));

  // Linear (fast-rate) forms: for a loss pair in [0, 1]^2 and a fair U independent of it,
  // E exp(c0 (test - c1 train)) <= 1 exactly when exp(c0) + exp(-c0 c1) <= 2 (convex in the pair: check the
  // corners), so test <= c1 train + I / c0 by Donsker-Varadhan (derivation: bounds/CMI-BOUNDS.md).
  const auto fast_rate = [](double scale, bool wang_mao) {
    return [scale, wang_mao](double train, double info, Certificate& c) {
      const FastRateResult res = fast_rate_heldout_bound(train, round_up(scale * info, 1));
      c.details.clear();
      if (wang_mao) c.details = {{"C1", res.c1 - 1.0}, {"C2", res.c0 / 2.0}};
      else c.details = {{"c0", res.c0}, {"c1", res.c1}};
      c.details.push_back({"constraint", std::string(wang_mao ? "exp(2 C2) + exp(-2 C2 (C1 + 1)) <= 2"
                                                              : "exp(c0) + exp(-c0 c1) <= 2")});
      c.details.push_back({"grid_points", static_cast<std::int64_t>(res.evaluated)});
      c.status = worst(c.status, SolverStatus::converged);
      return res.value;
    };
  };
  out.push_back(averaged_bound(
      "ecmi-fast-rate", e.ecmi, k1, in,
      {kHellstrom, "linear e-CMI bound test <= c1 train + mean e-CMI / c0 (theorem number unchecked); constants "
                   "under the exact condition exp(c0) + exp(-c0 c1) <= 2 (bounds/CMI-BOUNDS.md), which contains the "
                   "sufficient condition of the authors' code"},
      fast_rate(1.0, false)));
  if (!e.slmi.empty()) {
    // Wang & Mao (2023): gen <= C1 train + (1/n) sum_i (I(L_i^+; U_i) + I(L_i^-; U_i)) / (2 C2) subject to
    // exp(2 C2) + exp(-2 C2 (C1 + 1)) <= 2: the form above with c0 = 2 C2, c1 = 1 + C1 and I the sum of
    // the two single-loss MIs (twice their mean, which is what `slmi` holds).
    out.push_back(averaged_bound(
        "slmi-fast-rate", e.slmi, 1, in,
        {kWangMao, "fast-rate single-loss MI bound with shifted Rademacher variables, constraint exp(2 C2) + "
                   "exp(-2 C2 (C1 + 1)) <= 2 (theorem number unchecked)"},
        fast_rate(2.0, true)));
  }

  // Interpolating 0-1 learners: held-out error = (1/n) sum_i I(Delta_i; U_i) / ln 2 (Wang & Mao 2023):
  // with zero training loss, Delta_i = 0 says nothing about U_i and Delta_i != 0 reveals it, and by the
  // symmetry of the unconditional law P(Delta_i != 0) is the held-out error.
  {
    Certificate c = interpolating("ldmi-interpolating", e.ldmi, 1, in,
                                  {kWangMao, "interpolating 0-1 learners: held-out error = mean ld-MI / ln 2 (theorem "
                                             "number unchecked)"});
    c.guarantee = Guarantee::estimate;
    c.quantity = "the expected held-out error (an identity for interpolating 0-1 learners)";
    out.push_back(std::move(c));
  }

  // What the authors' public code computes besides (ld-single-CMI, BoundCompare.py and modules/bound_utils.py; f-CMI),
  // each derived in bounds/CMI-BOUNDS.md (derivations 6 to 8) before it was added. Pooled e-MI: derivations 1-3
  // hold for the unconditional law of (L_i, U_i), where U_i is still a fair coin independent of the loss pair; the
  // pooled plug-in is less biased than the per-supersample one (k1 k2 runs instead of k2).
  if (!e.emi.empty()) {
    out.push_back(sqrt_bound("emi-sqrt", e.emi, 1, in,
                             {kWangMao, "square-root bound on the loss pair's unconditional MI I(L_i; U_i), pooled "
                                        "over supersamples (the authors' code; derived: bounds/CMI-BOUNDS.md, 6)"}));
    out.push_back(averaged_bound(
        "emi-binary-kl", e.emi, 1, in,
        {kWangMao, "binary-kl bound kl(train || (train + R)/2) <= mean I(L_i; U_i), pooled (the authors' code; "
                   "derived: bounds/CMI-BOUNDS.md, 6)"},
        binary_kl));
    out.push_back(averaged_bound(
        "emi-fast-rate", e.emi, 1, in,
        {kHellstrom, "linear bound test <= c1 train + mean I(L_i; U_i) / c0, exp(c0) + exp(-c0 c1) <= 2, on the "
                     "pooled e-MI (derived: bounds/CMI-BOUNDS.md, 6)"},
        fast_rate(1.0, false)));
  }
  if (!e.slmi.empty()) {
    // gen_i <= sqrt(2 I(L_i^0; U_i)) + sqrt(2 I(L_i^1; U_i)) <= 2 sqrt(2 slmi_i) (concavity of the square root).
    out.push_back(sqrt_bound("slmi-sqrt", e.slmi, 1, in,
                             {kWangMao, "single-loss square-root bound 2 sqrt(2 I(L_i; U_i)) (the authors' code; "
                                        "derived: bounds/CMI-BOUNDS.md, 7)"},
                             2.0));
    // gen <= 4 I + 4 sqrt(I train): Wang & Mao's fast-rate bound at C2 = C1 / (4 (C1 + 1)), C1 = 2 sqrt(I / train),
    // feasible for every C1 > 0 (bounds/CMI-BOUNDS.md, 7); a closed form never below slmi-fast-rate.
    out.push_back(averaged_bound(
        "slmi-fast-rate-closed", e.slmi, 1, in,
        {kWangMao, "closed-form fast-rate bound gen <= 4 I + 4 sqrt(I train), I the mean single-loss MI (the authors' "
                   "code; derived: bounds/CMI-BOUNDS.md, 7)"},
        [](double train, double info, Certificate& c) {
          const double I = round_up(info, 1);
          c.details.clear();
          c.details.push_back({"C1", train > 0 ? 2 * std::sqrt(I / train) : HUGE_VAL});
          return round_up(round_up(train + round_up(4 * I, 1), 1) +
                          round_up(4 * round_up(std::sqrt(round_up(I * train, 1)), 1), 1), 1);
        }));
  }
  out.push_back(interpolating("ldcmi-interpolating", e.ldcmi, k1, in,
                              {kWangMao, "interpolating 0-1 learners with the conditional ld-CMI: held-out error <= "
                                         "mean ld-CMI / ln 2 (the authors' code; derived: bounds/CMI-BOUNDS.md, 8)"}));

  // Checks on the data that every bound built on estimated information must pass. An estimate from a single run
  // per supersample (pooled: a single run in all) is identically 0 whatever the learner does; and a bound on the
  // expected held-out error below the held-out error measured on these same runs shows an information estimate that
  // came out too low (too few runs, or the noise of an estimate at which a bound is tight), not a certificate.
  for (Certificate& cert : out) {
    // Information given (a total CMI, a compression size) is the user's claim: no runs are needed to estimate it, but
    // a bound below the held-out error measured on these runs still refutes it.
    if (cert.guarantee == Guarantee::expectation_bound) {
      cert.check_against_measured(e.heldout_error, "held-out error");
      continue;
    }
    const bool pooled = pooled_information(cert.name);
    const std::int64_t runs = pooled ? r.k1 * r.k2 : r.k2;
    cert.add_assumption("enough_runs", pooled ? "at least 2 runs in all" : "at least 2 runs (selector draws) per supersample",
                        runs >= 2 ? Holds::yes : Holds::no,
                        runs >= 2 ? "" : "from one run every information estimate is 0, whatever the learner does");
    cert.check_against_measured(e.heldout_error, "held-out error");
  }
  return out;
}

}  // namespace itbound
