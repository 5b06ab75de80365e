#pragma once
// A two-sided interval and the percentile interval of resampled values, shared by the estimators that resample runs.
#include <vector>

namespace itbound::estimators {

struct Interval {
  double lo = 0, hi = 0;
};

// The percentile interval at `level` (in (0, 1)) of resampled values (sorted in place, at least one): the outer order
// statistics, so the interval is never narrower than the nominal percentiles.
Interval percentile_interval(std::vector<double>& values, double level);

}  // namespace itbound::estimators
