#include "itbound/estimators/supersample.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "itbound/error.hpp"
#include "itbound/estimators/supersample_stats.hpp"

namespace itbound::estimators {

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

CmiBootstrap bootstrap_cmi(const SupersampleView& r, Correction correction, int replicates, double level,
                           std::uint64_t seed) {
  SupersampleStats::accumulate(r);  // every value checked, not only the runs the replicates happen to draw
  if (replicates < 2) fail("bootstrap", "needs at least 2 replicates");
  if (!(level > 0 && level < 1)) fail("level", "must be in (0, 1)");
  const auto k1 = static_cast<std::size_t>(r.k1), k2 = static_cast<std::size_t>(r.k2);
  const auto mean = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, k2 - 1);
  std::vector<double> f, e, l, m;
  std::vector<std::uint32_t> picks(k1 * k2);
  for (int rep = 0; rep < replicates; ++rep) {
    // Each supersample's k2 runs redrawn with replacement; the runs are read in place, not copied.
    for (auto& p : picks) p = static_cast<std::uint32_t>(pick(rng));
    const auto est = SupersampleStats::accumulate(r, picks).finalize(correction);
    f.push_back(mean(est.fcmi));
    e.push_back(mean(est.ecmi));
    l.push_back(mean(est.ldcmi));
    m.push_back(mean(est.ldmi));
  }
  const auto interval = [&](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    const double tail = (1 - level) / 2 * static_cast<double>(v.size() - 1);
    // Outer order statistics: the interval is never narrower than the nominal percentiles.
    return Interval{v[static_cast<std::size_t>(std::floor(tail))],
                    v[static_cast<std::size_t>(std::ceil(static_cast<double>(v.size() - 1) - tail))]};
  };
  return {interval(f), interval(e), interval(l), interval(m), replicates, level};
}

CmiBootstrap bootstrap_cmi(const SupersampleRuns& runs, Correction correction, int replicates, double level,
                           std::uint64_t seed) {
  return bootstrap_cmi(view(runs), correction, replicates, level, seed);
}

}  // namespace itbound::estimators
