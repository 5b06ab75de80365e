#include "itbound/estimators/supersample.hpp"

#include <algorithm>
#include <atomic>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>
#include <numeric>
#include <random>

#include "itbound/error.hpp"
#include "itbound/estimators/detail/sums.hpp"
#include "itbound/estimators/supersample_stats.hpp"
#include "parallel.hpp"

namespace itbound::estimators {

using detail::mean;

SupersampleView view(const SupersampleRuns& r) {
  return {r.k1,
          r.k2,
          r.n,
          {r.mask.data(), Element::u8, r.mask.size()},
          {r.loss.data(), Element::f64, r.loss.size()},
          {r.pred.empty() ? nullptr : r.pred.data(), Element::f64, r.pred.size()},
          r.loss_min,
          r.loss_max};
}

// One reader of every value: accumulating the statistics checks each one.
void validate(const SupersampleRuns& r) { SupersampleStats::accumulate(view(r)); }

CmiEstimates estimate_cmi(const SupersampleView& runs, Correction correction) {
  return SupersampleStats::accumulate(runs).finalize(correction);
}

CmiEstimates estimate_cmi(const SupersampleRuns& runs, Correction correction) {
  return estimate_cmi(view(runs), correction);
}

const char* to_string(IntervalMethod method) {
  switch (method) {
    case IntervalMethod::jackknife: return "delete-one-run jackknife within supersamples, Student t interval";
    case IntervalMethod::bootstrap: return "percentile bootstrap over runs within supersamples";
    default: return "none";
  }
}

const char* const kIntervalCovers =
    "the expected mean estimate over redraws of the runs, the supersamples fixed: its run-to-run noise, not the "
    "estimator's bias (plug-in MI is biased, mostly low) nor the draw of the supersamples";

namespace {

// Stratified delete-one jackknife (strata: supersamples): the variance of the mean is sum over supersamples of
// (k2 - 1)/k2 sum_j (d_sj - mean_j d_sj)^2, d the change of the mean when run (s, j) is left out.
double jackknife_se(const std::vector<double>& change, std::size_t k1, std::size_t k2) {
  if (k2 < 2) return std::numeric_limits<double>::infinity();
  double variance = 0;
  for (std::size_t s = 0; s < k1; ++s) {
    const auto first = change.begin() + static_cast<std::ptrdiff_t>(s * k2);
    const double centre = std::accumulate(first, first + static_cast<std::ptrdiff_t>(k2), 0.0) / static_cast<double>(k2);
    double squares = 0;
    for (std::size_t j = 0; j < k2; ++j) squares += (first[static_cast<std::ptrdiff_t>(j)] - centre) * (first[static_cast<std::ptrdiff_t>(j)] - centre);
    variance += static_cast<double>(k2 - 1) / static_cast<double>(k2) * squares;
  }
  return std::sqrt(variance);
}

// centre +- z se within [0, ln 2], the range of every estimate (all of it when se is infinite).
Interval symmetric_interval(double centre, double se, double z) {
  if (std::isinf(se)) return {0.0, std::numbers::ln2};
  return {std::clamp(centre - z * se, 0.0, std::numbers::ln2), std::clamp(centre + z * se, 0.0, std::numbers::ln2)};
}

}  // namespace

Interval percentile_interval(std::vector<double>& v, double level) {
  std::sort(v.begin(), v.end());
  const double tail = (1 - level) / 2 * static_cast<double>(v.size() - 1);
  return {v[static_cast<std::size_t>(std::floor(tail))],
          v[static_cast<std::size_t>(std::ceil(static_cast<double>(v.size() - 1) - tail))]};
}

namespace {

// No intervals yet, for `o`'s method and level (checked).
CmiIntervals intervals_for(const CmiIntervalOptions& o) {
  if (!(o.level > 0 && o.level < 1)) fail("level", "must be in (0, 1)");
  CmiIntervals out;
  out.method = o.method;
  out.level = o.level;
  return out;
}

// The jackknife intervals from the changes of leaving out each run (`out` has its method and level).
void jackknife_intervals(const SupersampleStats::RunDeltas& change, const CmiEstimates& est, std::size_t k1,
                         std::size_t k2, CmiIntervals& out) {
  // The (1 + level)/2 quantile of Student's t with the stratified jackknife's k1 (k2 - 1) degrees of freedom:
  // with few runs the variance estimate is itself noisy (estimators/CMI-INTERVAL.md).
  const double df = static_cast<double>(k1 * (k2 - 1));
  const double z = k2 < 2 ? 0.0 : boost::math::quantile(boost::math::students_t(df), (1 + out.level) / 2);
  const auto interval = [&](const std::vector<double>& d, const std::vector<double>& per, double& se) {
    se = jackknife_se(d, k1, k2);
    return symmetric_interval(mean(per), se, z);
  };
  if (!est.fcmi.empty()) out.fcmi = interval(change.fcmi, est.fcmi, out.fcmi_se);
  out.ecmi = interval(change.ecmi, est.ecmi, out.ecmi_se);
  out.ldcmi = interval(change.ldcmi, est.ldcmi, out.ldcmi_se);
  out.ldmi = interval(change.ldmi, est.ldmi, out.ldmi_se);
}

}  // namespace

CmiIntervals cmi_intervals(const SupersampleView& r, const SupersampleStats& stats, const CmiEstimates& est,
                           const CmiIntervalOptions& o) {
  CmiIntervals out = intervals_for(o);
  const auto k1 = static_cast<std::size_t>(r.k1), k2 = static_cast<std::size_t>(r.k2);
  if (o.method == IntervalMethod::jackknife) {
    jackknife_intervals(stats.leave_one_run_out(r, o.correction, o.threads), est, k1, k2, out);
  } else if (o.method == IntervalMethod::bootstrap) {
    if (o.replicates < 2) fail("bootstrap", "needs at least 2 replicates");
    out.replicates = o.replicates;
    // Every replicate's draw is made first, in order, so the replicates can run on any threads.
    std::mt19937_64 rng(o.seed);
    std::uniform_int_distribution<std::size_t> pick(0, k2 - 1);
    const auto reps = static_cast<std::size_t>(o.replicates);
    std::vector<std::uint32_t> picks(reps * k1 * k2);
    for (auto& p : picks) p = static_cast<std::uint32_t>(pick(rng));
    std::vector<double> f(reps), e(reps), l(reps), m(reps);
    std::atomic<std::size_t> done{0};
    std::mutex report;
    parallel_for(reps, threads_for(reps * k1 * k2 * static_cast<std::size_t>(r.n), o.threads), [&](std::size_t rep) {
      // Each supersample's k2 runs redrawn with replacement; the runs are read in place, not copied.
      const auto b = SupersampleStats::accumulate(r, std::span(picks).subspan(rep * k1 * k2, k1 * k2)).finalize(o.correction);
      f[rep] = mean(b.fcmi), e[rep] = mean(b.ecmi), l[rep] = mean(b.ldcmi), m[rep] = mean(b.ldmi);
      if (o.progress) {
        const std::lock_guard<std::mutex> lock(report);
        o.progress(static_cast<double>(++done) / static_cast<double>(reps));
      }
    });
    if (!est.fcmi.empty()) out.fcmi = percentile_interval(f, o.level);
    out.ecmi = percentile_interval(e, o.level);
    out.ldcmi = percentile_interval(l, o.level);
    out.ldmi = percentile_interval(m, o.level);
  }
  return out;
}

std::pair<CmiEstimates, CmiIntervals> estimates_with_intervals(const SupersampleView& runs, const SupersampleStats& stats,
                                                               const CmiIntervalOptions& o) {
  if (o.method != IntervalMethod::jackknife) {
    CmiEstimates est = stats.finalize(o.correction);
    CmiIntervals intervals = cmi_intervals(runs, stats, est, o);
    return {std::move(est), std::move(intervals)};
  }
  CmiIntervals out = intervals_for(o);
  auto [est, change] = stats.finalize_with_run_deltas(runs, o.correction, o.threads);
  jackknife_intervals(change, est, static_cast<std::size_t>(runs.k1), static_cast<std::size_t>(runs.k2), out);
  return {std::move(est), std::move(out)};
}

}  // namespace itbound::estimators
