#include "itbound/bounds/cmi_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/continuous_cmi.hpp"
#include "itbound/estimators/detail/sums.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

using estimators::Correction;
using estimators::detail::mean;

// Over the raw per-pair k-NN estimates: the fraction below 0 (noise around a small true MI), the sample sd,
// the share of estimation samples whose ties were broken (a sign the loss is discrete) and the share of
// estimates left undetermined by too few runs (the bounds take ln 2 for those).
KnnTermSummary knn_summary(const estimators::KnnTerm& t) {
  const auto& raw = t.raw;
  double neg = 0, m = mean(raw), var = 0;
  for (double x : raw) neg += x < 0, var += (x - m) * (x - m);
  const double n = static_cast<double>(raw.size());
  return {raw.empty() ? 0.0 : neg / n, raw.size() > 1 ? std::sqrt(var / (n - 1)) : 0.0, t.tied_fraction,
          raw.empty() ? 0.0 : static_cast<double>(t.undetermined) / n};
}

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * fraction);
  return buf;
}

// Per pair i: the mean over the k1 supersamples of per[s * n + i]; empty for an absent measure.
std::vector<double> over_supersamples(const std::vector<double>& per, std::size_t k1, std::size_t n) {
  if (per.empty()) return {};
  std::vector<double> m(n, 0.0);
  for (std::size_t s = 0; s < k1; ++s)
    for (std::size_t i = 0; i < n; ++i) m[i] += per[s * n + i] / static_cast<double>(k1);
  return m;
}

std::string knn_detail(const estimators::KnnCmiEstimates& est, int k) {
  return "k-NN (Ross 2014) with k = " + std::to_string(k) + "; ties broken in " + percent(est.ecmi.tied_fraction) +
         " of the e-CMI samples" +
         (est.ecmi.tied_fraction > 0.1 ? " (the losses look discrete: the plug-in estimator is meant for them)" : "") +
         "; from tens of runs the 2-d e-CMI estimate can be far below the truth where the loss densities have edges "
         "(estimators/KNN-K.md): prefer the ld-CMI bound" +
         (est.ecmi.undetermined > 0 ? "; " + std::to_string(est.ecmi.undetermined) +
                                          " per-pair estimates had a selector value seen at most once and count as ln 2"
                                    : std::string());
}

}  // namespace

CmiReport evaluate_cmi(const estimators::SupersampleStats& stats, const estimators::SupersampleView* runs,
                       const CmiOptions& o) {
  const bool knn = o.estimator == "knn";
  if (!knn && o.estimator != "plug-in") fail("estimator", "must be plug-in or knn, got " + o.estimator);
  if (knn && !runs)
    fail("estimator", "knn needs the raw losses, and statistics keep only counts: use the plug-in estimator, or give "
                      "the runs (itbound.cmi(mask=..., loss=...))");
  estimators::KnnCmiEstimates knn_est;
  if (knn) knn_est = estimators::estimate_cmi_knn(estimators::to_runs(*runs), o.k);  // the only full copy of the runs
  const bool intervals = !knn && runs && o.bootstrap > 0 && o.interval != estimators::IntervalMethod::none;
  const estimators::CmiIntervalOptions interval_options{
      .method = o.interval, .correction = o.correction, .replicates = o.bootstrap, .progress = o.progress};
  estimators::CmiEstimates est;
  estimators::CmiIntervals b;
  if (intervals) std::tie(est, b) = estimators::estimates_with_intervals(*runs, stats, interval_options);
  else est = knn ? knn_est.clamped : stats.finalize(o.correction);

  CmiReport r;
  r.train_error = est.train_error;
  r.heldout_error = est.heldout_error;
  r.gap = mean(est.run_gap);
  r.shape = {stats.k1(), stats.k2(), stats.n()};
  r.correction = estimators::to_string(o.correction);
  r.estimator = o.estimator;
  // k-NN: the raw means (they can be negative); the bounds use the per-pair values clamped to [0, ln 2].
  const auto& ecmi = knn ? knn_est.ecmi.raw : est.ecmi;
  const auto& ldcmi = knn ? knn_est.ldcmi.raw : est.ldcmi;
  const auto& ldmi = knn ? knn_est.ldmi.raw : est.ldmi;
  const auto& slmi = knn ? knn_est.slmi.raw : est.slmi;
  if (!est.fcmi.empty()) r.estimates.fcmi_mean = mean(est.fcmi);
  r.estimates.ecmi_mean = mean(ecmi);
  r.estimates.ldcmi_mean = mean(ldcmi);
  r.estimates.ldmi_mean = mean(ldmi);
  r.estimates.slmi_mean = mean(slmi);
  if (!est.emi.empty()) r.estimates.emi_mean = mean(est.emi);
  if (knn) {
    r.knn = KnnInfo{o.k, knn_summary(knn_est.ecmi), knn_summary(knn_est.ldcmi), knn_summary(knn_est.ldmi),
                    knn_summary(knn_est.slmi)};
  } else if (intervals) {
    const auto pair = [](estimators::Interval i) { return std::vector<double>{i.lo, i.hi}; };
    if (!est.fcmi.empty()) r.estimates.fcmi_interval = pair(b.fcmi);
    r.estimates.ecmi_interval = pair(b.ecmi);
    r.estimates.ldcmi_interval = pair(b.ldcmi);
    r.estimates.ldmi_interval = pair(b.ldmi);
    IntervalInfo info{estimators::to_string(b.method), b.level, estimators::kIntervalCovers, {}, {}, {}, {}, {}};
    if (b.method == estimators::IntervalMethod::bootstrap) {
      info.replicates = b.replicates;
    } else {
      if (!est.fcmi.empty()) info.fcmi_se = b.fcmi_se;
      info.ecmi_se = b.ecmi_se;
      info.ldcmi_se = b.ldcmi_se;
      info.ldmi_se = b.ldmi_se;
    }
    r.interval = std::move(info);
  }

  CmiBoundInput in{stats.shape(), &est, o.correction, o.total_cmi, o.estimator};
  in.compression_size = o.compression_size;
  in.compression_unordered = o.compression_unordered;
  if (knn) in.information_detail = knn_detail(knn_est, o.k);
  r.bounds = cmi_bounds(in);
  r.bounds.push_back(expected_error_upper_limit(
      "heldout-upper-limit", est.supersample_heldout, stats.loss_min(),
      stats.loss_max(), o.delta,
      "the expected held-out error of the algorithm at this training-set size (over data, selectors and training "
      "randomness), from the k1 supersamples' measured held-out errors"));
  r.summary = summary_against_measured(r.heldout_error, "held-out error", r.bounds);

  if (o.per_pair) {
    const auto k1 = static_cast<std::size_t>(stats.k1()), n = static_cast<std::size_t>(stats.n());
    r.per_pair = CmiPerPair{over_supersamples(est.fcmi, k1, n), over_supersamples(ecmi, k1, n),
                            over_supersamples(ldcmi, k1, n), ldmi, slmi, est.emi};
  }
  return r;
}

CmiReport evaluate_cmi(const estimators::SupersampleView& runs, const CmiOptions& options) {
  return evaluate_cmi(estimators::SupersampleStats::accumulate(runs), &runs, options);
}

void visit(const CmiShape& s, FieldVisitor& v) {
  v.integer("k1", s.k1, "Supersamples.");
  v.integer("k2", s.k2, "Runs (selector draws) per supersample.");
  v.integer("n", s.n, "Pairs per supersample (the training-set size).");
}

void visit(const CmiMeans& m, FieldVisitor& v) {
  v.number("fcmi_mean", m.fcmi_mean, "Mean per-pair f-CMI (nats); null without predictions.");
  v.number("ecmi_mean", m.ecmi_mean, "Mean per-pair e-CMI (nats; k-NN: raw, can be negative).");
  v.number("ldcmi_mean", m.ldcmi_mean, "Mean per-pair ld-CMI (nats).");
  v.number("ldmi_mean", m.ldmi_mean, "Mean per-pair ld-MI, pooled over all runs (nats).");
  v.number("slmi_mean", m.slmi_mean, "Mean per-pair single-loss MI, pooled over all runs (nats).");
  v.number("emi_mean", m.emi_mean, "Mean per-pair MI of the loss pair, pooled over all runs (nats); null for knn.");
  v.vector("fcmi_interval", m.fcmi_interval, "[lo, hi] of the f-CMI mean over run resampling.", true);
  v.vector("ecmi_interval", m.ecmi_interval, "[lo, hi] of the e-CMI mean over run resampling.", true);
  v.vector("ldcmi_interval", m.ldcmi_interval, "[lo, hi] of the ld-CMI mean over run resampling.", true);
  v.vector("ldmi_interval", m.ldmi_interval, "[lo, hi] of the ld-MI mean over run resampling.", true);
}

void visit(const IntervalInfo& m, FieldVisitor& v) {
  v.text("method", m.method, "How the intervals were computed: jackknife (delete-one-run) or bootstrap.");
  v.number("level", m.level, "Their nominal level.");
  v.text("covers", m.covers, "What the intervals are intervals of (estimators/CMI-INTERVAL.md).");
  v.integer("replicates", m.replicates, "Bootstrap replicates; null for the jackknife.");
  v.number("fcmi_se", m.fcmi_se, "Jackknife standard error of the f-CMI mean.");
  v.number("ecmi_se", m.ecmi_se, "Jackknife standard error of the e-CMI mean.");
  v.number("ldcmi_se", m.ldcmi_se, "Jackknife standard error of the ld-CMI mean.");
  v.number("ldmi_se", m.ldmi_se, "Jackknife standard error of the ld-MI mean.");
}

void visit(const KnnTermSummary& s, FieldVisitor& v) {
  v.number("negative_fraction", s.negative_fraction, "Share of raw per-pair estimates below 0.");
  v.number("pair_sd", s.pair_sd, "Sample sd of the raw per-pair estimates.");
  v.number("tied_fraction", s.tied_fraction, "Share of estimation samples whose ties were broken.");
  v.number("undetermined_fraction", s.undetermined_fraction,
           "Share of estimates with a selector value seen at most once (counted as ln 2).");
}

void visit(const KnnInfo& k, FieldVisitor& v) {
  v.integer("k", k.k, "Neighbours.");
  v.text("fcmi", "plug-in on the integer predictions", "How f-CMI was estimated.");
  object_field(v, "ecmi", "KnnTermSummary", k.ecmi, "e-CMI estimates.");
  object_field(v, "ldcmi", "KnnTermSummary", k.ldcmi, "ld-CMI estimates.");
  object_field(v, "ldmi", "KnnTermSummary", k.ldmi, "ld-MI estimates.");
  object_field(v, "slmi", "KnnTermSummary", k.slmi, "Single-loss MI estimates.");
  v.text("bootstrap", "not computed: resampling runs with replacement duplicates points, which breaks k-NN distances",
         "Why there is no interval.");
}

void visit(const CmiPerPair& p, FieldVisitor& v) {
  v.vector("fcmi", p.fcmi, "Per pair: f-CMI averaged over the supersamples (null without predictions).", true);
  v.vector("ecmi", p.ecmi, "Per pair: e-CMI averaged over the supersamples.");
  v.vector("ldcmi", p.ldcmi, "Per pair: ld-CMI averaged over the supersamples.");
  v.vector("ldmi", p.ldmi, "Per pair: ld-MI pooled over all runs.");
  v.vector("slmi", p.slmi, "Per pair: single-loss MI pooled over all runs.");
  v.vector("emi", p.emi, "Per pair: MI of the loss pair pooled over all runs (null for knn).", true);
}

void visit(const CmiReport& r, FieldVisitor& v) {
  v.text("summary", r.summary, "The answer in one line: the measured error, the tightest bound, the certified limit.");
  v.number("train_error", r.train_error, "Mean training loss over runs and pairs.");
  v.number("heldout_error", r.heldout_error, "Mean held-out loss (on the pair members not trained on).");
  v.number("gap", r.gap, "Mean over runs of held-out minus training loss.");
  object_field(v, "shape", "CmiShape", r.shape, "Sizes of the runs.");
  v.text("correction", r.correction, "Bias correction of the plug-in estimates.");
  v.text("estimator", r.estimator, "Information estimator: plug-in or knn.");
  object_field(v, "estimates", "CmiMeans", r.estimates, "Mean information estimates and their intervals.");
  object_field(v, "interval", "IntervalInfo", r.interval, "How the intervals were computed; null if none.");
  object_field(v, "knn", "KnnInfo", r.knn, "k-NN estimator diagnostics; null for plug-in.");
  list_field(v, "bounds", "Certificate", r.bounds, "Every bound on the expected held-out error, and the certified limit.");
  object_field(v, "per_pair", "CmiPerPair", r.per_pair, "Each pair's estimates (with per_pair).");
}

}  // namespace itbound
