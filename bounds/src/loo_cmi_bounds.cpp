#include "itbound/bounds/loo_cmi_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "itbound/bounds/test_set.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/detail/sums.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

using estimators::Correction;
using estimators::Determinism;
using estimators::MeanSpread;
using estimators::over_supersamples;

// The setting and the evaluated loo-CMI are Haghifam et al.'s; their theorem text could not be read, so each
// bound is derived in bounds/LOO-CMI.md and its theorem number is left unchecked.
Reference haghifam(const std::string& what, int section) {
  return {"Haghifam, Moran, Roy & Dziugaite (2022), ISIT",
          what + "; derived in bounds/LOO-CMI.md, section " + std::to_string(section) +
              " (theorem number unchecked: the paper's text was not available)"};
}

// Outward rounding of a nonnegative upper bound (0 stays 0: it is exact).
double up(double x) { return x > 0 ? round_up(x) : x; }

std::string exact_detail(const estimators::LooDesign& d, Correction correction) {
  if (!d.exhaustive)
    return "not an exhaustive design: the plug-in estimate is biased, downward when k2 < n + 1 (the empirical "
           "entropy of U over k2 runs is at most ln k2)";
  if (d.learner == Determinism::randomized)
    return "randomized learner (runs leaving out the same index differ): the plug-in value over the runs estimates "
           "its information with a bias";
  if (d.learner == Determinism::unchecked)
    return "each index is left out once: the value is exact if the learner is deterministic given its training set, "
           "which the runs cannot show (leave each index out twice to check it)";
  if (correction != Correction::none)
    return std::string("exhaustive design of a deterministic learner: the plug-in value is exact, but the ") +
           estimators::to_string(correction) + " correction moves it";
  return "exhaustive design of a deterministic learner (runs leaving out the same index agree): the plug-in value "
         "is the exact I(L; U | Z~ = z~) of each supersample";
}

Certificate base(const std::string& name, const LooBoundInput& in, Direction direction, Reference ref) {
  const auto& r = *in.runs;
  const auto& e = *in.estimates;
  Certificate c;
  c.name = name;
  c.reference = std::move(ref);
  c.direction = direction;
  c.guarantee = Guarantee::estimated_bound;
  c.quantity = "the expected risk of the learner trained on n points (over supersamples, the left-out index and "
               "training randomness)";
  c.inputs = {{"k1", r.k1},
              {"k2", r.k2},
              {"n", r.n},
              {"loss_min", r.loss_min},
              {"loss_max", r.loss_max},
              {"correction", std::string(estimators::to_string(in.correction))},
              {"train_error", e.train_error},
              {"loo_error", e.loo_error}};
  c.add_assumption("exhaustive_design",
                   "U is uniform on the n + 1 indices: every supersample leaves out each index equally often",
                   e.design.exhaustive ? Holds::yes : Holds::no,
                   e.design.exhaustive ? "each index left out " + std::to_string(e.design.repeats) + " time(s)"
                                       : "some index is left out more often than another in some supersample");
  const bool exact = e.design.exact() && in.correction == Correction::none;
  c.add_assumption("exact_information",
                   "the bound holds for the true evaluated loo-CMI I(L; U | Z~); the value uses its plug-in value over "
                   "the runs of each supersample (exact per supersample at best: its expectation over supersamples is "
                   "still estimated from the k1 given)",
                   exact ? Holds::yes : Holds::unchecked, exact_detail(e.design, in.correction));
  c.add_assumption("expectation",
                   "bounds the expected risk of the learner trained on n points (over supersamples, the left-out index "
                   "and training randomness), estimated by the mean over the k1 supersamples given; not the risk of one "
                   "trained model",
                   Holds::unchecked);
  return c;
}

}  // namespace

std::vector<Certificate> loo_cmi_bounds(const LooBoundInput& in) {
  const auto& r = *in.runs;
  const auto& e = *in.estimates;
  const double n = static_cast<double>(r.n), log_points = std::log(n + 1);
  const MeanSpread info = over_supersamples(e.loo_cmi);
  std::vector<Certificate> out;

  // |E gen| <= E_z~ ((n + 1)/n) (b - a) sqrt(I^{z~}(L; U) / 2): Donsker-Varadhan given Z~ = z~ with
  // f(L, u) = ((n + 1) L_u - sum_i L_i)/n, mean zero when U is independent of L (bounds/LOO-CMI.md, section 1).
  {
    const double width = (n + 1) / n * (r.loss_max - r.loss_min);
    std::vector<double> gap(e.loo_cmi.size());
    std::transform(e.loo_cmi.begin(), e.loo_cmi.end(), gap.begin(), [&](double i) { return width * std::sqrt(i / 2); });
    const MeanSpread g = over_supersamples(gap);
    Certificate c = base("loo-ecmi-sqrt", in, Direction::upper,
                         haghifam("evaluated loo-CMI square-root bound for losses in [a, b]", 1));
    c.add_assumption("loss_range", "losses lie in the declared range [loss_min, loss_max]", Holds::yes,
                     "checked on every loss value when the runs were read");
    c.set_value(up(e.train_error + sum_round_up(g.mean, 2.0 * static_cast<double>(gap.size()))), r.loss_max);
    c.details.push_back({"gap_bound", g.mean});
    c.details.push_back({"mean_information", info.mean});
    c.details.push_back({"spread", g.spread});
    c.details.push_back({"spread_over", std::string(e.loo_cmi.size() > 1 ? "supersamples (sample std of the gap bound)" : "none")});
    out.push_back(std::move(c));
  }

  // Interpolating 0-1 learners (bounds/LOO-CMI.md, section 2): per supersample with loo error r,
  // r ln(n + 1) <= I(L; U) <= r ln(n + 1) - (1 - r) ln(1 - r) <= r (ln(n + 1) + 1), equality on the
  // right for a deterministic learner; averaged over supersamples, the risk lies between I/(ln(n+1)+1) and I/ln(n+1).
  bool zero_one = r.loss_min == 0.0 && r.loss_max == 1.0;
  for (const double l : r.loss) zero_one = zero_one && (l == 0.0 || l == 1.0);
  const auto interpolating = [&](Certificate& c) {
    c.add_assumption("zero_one_loss", "losses take values in {0, 1}", zero_one ? Holds::yes : Holds::no,
                     zero_one ? "" : "a loss value other than 0 or 1 was found (or the declared range is not [0, 1])");
    c.add_assumption("interpolating", "training loss is 0 on every training point of every run",
                     e.interpolating ? Holds::yes : Holds::no, e.interpolating ? "" : "some run has a nonzero training loss");
    c.details.push_back({"mean_information", info.mean});
  };
  std::vector<double> ratio(e.loo_cmi.size());
  std::transform(e.loo_cmi.begin(), e.loo_cmi.end(), ratio.begin(), [&](double i) { return i / log_points; });
  {
    Certificate c = base("loo-interpolating-upper", in, Direction::upper,
                         haghifam("interpolating 0-1 learners: risk <= loo-CMI / ln(n + 1)", 2));
    interpolating(c);
    c.set_value(sum_round_up(over_supersamples(ratio).mean, 2.0 * static_cast<double>(ratio.size())), 1.0);
    c.details.push_back({"spread", over_supersamples(ratio).spread});
    if (e.design.exact() && in.correction == Correction::none && zero_one && e.interpolating) {
      // The identity I = r ln(n + 1) - (1 - r) ln(1 - r) of a deterministic interpolating learner, checked per supersample.
      double residual = 0;
      for (std::size_t s = 0; s < e.loo_cmi.size(); ++s) {
        const double q = e.supersample_loo_error[s];
        const double exact_info = q * log_points - (q < 1 ? (1 - q) * std::log1p(-q) : 0.0);
        residual = std::max(residual, std::abs(e.loo_cmi[s] - exact_info));
      }
      c.details.push_back({"identity_residual", residual});
    }
    out.push_back(std::move(c));
  }
  {
    Certificate c = base("loo-interpolating-lower", in, Direction::lower,
                         haghifam("interpolating 0-1 learners: risk >= loo-CMI / (ln(n + 1) + 1)", 2));
    interpolating(c);
    for (double& x : ratio) x *= log_points / (log_points + 1);
    c.set_value(sum_round_down(over_supersamples(ratio).mean, 3.0 * static_cast<double>(ratio.size())), 1.0);
    c.details.push_back({"spread", over_supersamples(ratio).spread});
    out.push_back(std::move(c));
  }
  for (Certificate& c : out) c.check_against_measured(e.loo_error, "leave-one-out error");
  return out;
}

}  // namespace itbound

namespace itbound {
namespace {

std::string design_note(const estimators::LooDesign& d) {
  if (d.exact()) return "exhaustive design of a deterministic learner: each supersample's plug-in value is its exact evaluated loo-CMI";
  if (d.exhaustive) return "exhaustive design: U is exactly uniform over each supersample's runs; the learner's randomness is estimated from the runs (plug-in bias)";
  return "not exhaustive: with k2 random leave-outs the plug-in estimate is biased (downward when k2 < n + 1); the bounds need an exhaustive design";
}

}  // namespace

LooCmiReport evaluate_loo_cmi(const estimators::LooRuns& runs, estimators::Correction correction, double delta) {
  const auto est = estimators::estimate_loo_cmi(runs, correction);
  const auto info = estimators::over_supersamples(est.loo_cmi);
  LooCmiReport r;
  r.train_error = est.train_error;
  r.loo_error = est.loo_error;
  r.gap = estimators::detail::mean(est.run_gap);
  r.shape = {runs.k1, runs.k2, runs.n, runs.n + 1};
  r.correction = estimators::to_string(correction);
  r.design = {est.design.exhaustive, est.design.repeats, estimators::to_string(est.design.learner),
              est.design.exact() && correction == estimators::Correction::none, design_note(est.design)};
  r.estimates = {info.mean, info.spread, std::log(static_cast<double>(runs.n + 1))};
  r.per_supersample = {est.loo_cmi, est.supersample_loo_error};
  r.bounds = loo_cmi_bounds({&runs, &est, correction});
  r.bounds.push_back(expected_error_upper_limit(
      "loo-upper-limit", est.supersample_loo_error, runs.loss_min, runs.loss_max, delta,
      "the expected risk of the learner trained on n points, from the k1 supersamples' measured leave-one-out errors"));
  r.summary = summary_against_measured(r.loo_error, "leave-one-out error", r.bounds);
  return r;
}

void visit(const LooShape& s, FieldVisitor& v) {
  v.integer("k1", s.k1, "Supersamples.");
  v.integer("k2", s.k2, "Runs per supersample.");
  v.integer("n", s.n, "Training-set size.");
  v.integer("points", s.points, "Points per supersample (n + 1).");
}

void visit(const LooDesignReport& d, FieldVisitor& v) {
  v.boolean("exhaustive", d.exhaustive, "Every index is left out equally often in every supersample.");
  v.integer("repeats", d.repeats, "How often each index is left out (0 when not exhaustive).");
  v.text("learner", d.learner, "deterministic, randomized or unchecked (no index left out twice).");
  v.boolean("exact", d.exact, "Each supersample's plug-in value is its exact evaluated loo-CMI.");
  v.text("note", d.note, "What the design means for the estimate.");
}

void visit(const LooCmiMeans& m, FieldVisitor& v) {
  v.number("loo_cmi", m.loo_cmi, "Mean over supersamples of the evaluated loo-CMI (nats).");
  v.number("loo_cmi_spread", m.loo_cmi_spread, "Its sample std over supersamples.");
  v.number("loo_cmi_max", m.loo_cmi_max, "ln(n + 1), the largest possible value.");
}

void visit(const LooPerSupersample& p, FieldVisitor& v) {
  v.vector("loo_cmi", p.loo_cmi, "Evaluated loo-CMI of each supersample (nats).");
  v.vector("loo_error", p.loo_error, "Leave-one-out error of each supersample.");
}

void visit(const LooCmiReport& r, FieldVisitor& v) {
  v.text("summary", r.summary, "The answer in one line.");
  v.number("train_error", r.train_error, "Mean training loss over runs.");
  v.number("loo_error", r.loo_error, "Mean loss on the left-out point.");
  v.number("gap", r.gap, "Mean over runs of the left-out minus the training loss.");
  object_field(v, "shape", "LooShape", r.shape, "Sizes of the runs.");
  v.text("correction", r.correction, "Bias correction of the plug-in estimates.");
  object_field(v, "design", "LooDesign", r.design, "The leave-one-out design the runs follow.");
  object_field(v, "estimates", "LooCmiMeans", r.estimates, "The evaluated loo-CMI over supersamples.");
  object_field(v, "per_supersample", "LooPerSupersample", r.per_supersample, "Per supersample values.");
  list_field(v, "bounds", "Certificate", r.bounds, "Every bound on the expected risk, and the certified limit.");
}

}  // namespace itbound
