#include "itbound/estimators/discrete_mi.hpp"

#include <algorithm>
#include <cmath>

namespace itbound::estimators {
namespace {

double xlogx(double c) { return c > 0 ? c * std::log(c) : 0.0; }

double occupied(const std::vector<double>& counts) {
  return static_cast<double>(std::count_if(counts.begin(), counts.end(), [](double c) { return c > 0; }));
}

}  // namespace

double table_mi(const ContingencyTable& t, Correction correction) {
  CountSums sums;
  for (const auto& c : t.cells) {
    sums.m += c.count;
    sums.s_xu += xlogx(c.count);
  }
  for (const double c : t.x_count) sums.s_x += xlogx(c);
  for (const double c : t.u_count) sums.s_u += xlogx(c);
  sums.kx = occupied(t.x_count);
  sums.ku = occupied(t.u_count);
  sums.kxu = static_cast<double>(t.cells.size());
  const auto each_cell = [&](const auto& f) {
    for (const auto& c : t.cells) f(c.count, t.x_count[c.x], t.u_count[c.u]);
  };
  return count_mi(sums, correction, each_cell, xlogx);
}

double discrete_mi(std::vector<DiscreteSample>& samples, Correction correction, double cap) {
  if (samples.size() < 2) return 0.0;
  thread_local ContingencyTable t;  // one allocation per thread, reused for every call
  t.clear();
  // Dense ids for U (sorted by u), then one pass over the samples sorted by (x, u) gives the cells.
  std::sort(samples.begin(), samples.end(), [](const DiscreteSample& p, const DiscreteSample& q) { return p.u < q.u; });
  std::int64_t previous = 0;
  for (std::size_t j = 0; j < samples.size(); ++j) {
    if (j == 0 || samples[j].u != previous) t.u_count.push_back(0);
    previous = samples[j].u;
    t.u_count.back() += 1;
    samples[j].u = static_cast<std::int64_t>(t.u_count.size() - 1);
  }
  std::sort(samples.begin(), samples.end(),
            [](const DiscreteSample& p, const DiscreteSample& q) { return p.x != q.x ? p.x < q.x : p.u < q.u; });
  for (std::size_t j = 0; j < samples.size(); ++j) {
    const bool new_x = j == 0 || samples[j].x != samples[j - 1].x;
    if (new_x) t.x_count.push_back(0);
    if (new_x || samples[j].u != samples[j - 1].u)
      t.cells.push_back({t.x_count.size() - 1, static_cast<std::size_t>(samples[j].u), 0.0});
    t.cells.back().count += 1;
    t.x_count.back() += 1;
  }
  return std::clamp(table_mi(t, correction), 0.0, cap);
}

}  // namespace itbound::estimators
