#include "itbound/estimators/discrete_mi.hpp"

#include <algorithm>
#include <cmath>

namespace itbound::estimators {
namespace {

double xlogx(double c) { return c > 0 ? c * std::log(c) : 0.0; }

// m * I from cell sums: sum c_xu ln c_xu - sum c_x ln c_x - sum c_u ln c_u + m ln m.
double m_times_mi(double s_xu, double s_x, double s_u, double m) { return s_xu - s_x - s_u + xlogx(m); }

double occupied(const std::vector<double>& counts) {
  return static_cast<double>(std::count_if(counts.begin(), counts.end(), [](double c) { return c > 0; }));
}

}  // namespace

double table_mi(const ContingencyTable& t, Correction correction) {
  double m = 0, s_xu = 0, s_x = 0, s_u = 0;
  for (const auto& c : t.cells) {
    m += c.count;
    s_xu += xlogx(c.count);
  }
  if (m < 2) return 0.0;
  for (const double c : t.x_count) s_x += xlogx(c);
  for (const double c : t.u_count) s_u += xlogx(c);
  double mi = m_times_mi(s_xu, s_x, s_u, m) / m;
  if (correction == Correction::miller_madow) {
    // Miller (1955): H_MM = H_plugin + (K - 1)/(2m) for K occupied cells; I = H(X) + H(U) - H(X, U).
    const double kxu = static_cast<double>(t.cells.size());
    mi += ((occupied(t.x_count) - 1) + (occupied(t.u_count) - 1) - (kxu - 1)) / (2 * m);
  } else if (correction == Correction::jackknife) {
    // Efron & Stein (1981) / Quenouille: I_J = m I - (m - 1)/m sum_j I_{-j}; samples in one cell share I_{-j}.
    double loo_sum = 0;
    for (const auto& c : t.cells) {
      const double cx = t.x_count[c.x], cu = t.u_count[c.u];
      const double sxu = s_xu - xlogx(c.count) + xlogx(c.count - 1);
      const double sx = s_x - xlogx(cx) + xlogx(cx - 1);
      const double su = s_u - xlogx(cu) + xlogx(cu - 1);
      loo_sum += c.count * m_times_mi(sxu, sx, su, m - 1) / (m - 1);
    }
    mi = m * mi - (m - 1) / m * loo_sum;
  }
  return mi;
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
