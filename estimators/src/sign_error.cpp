#include "itbound/estimators/sign_error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "itbound/error.hpp"

namespace itbound::estimators {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// math.isclose(a, b, rel_tol=rtol) with abs_tol 0, as the authors compare float hyper-parameters.
bool close(double a, double b, double rtol) { return std::abs(a - b) <= rtol * std::max(std::abs(a), std::abs(b)); }

// np.isclose(a, b) with its default tolerances: the authors keep an environment whose ESS is "close" to the minimum.
bool np_isclose(double a, double b) { return std::abs(a - b) <= 1e-8 + 1e-5 * std::abs(b); }

std::string row_text(std::size_t row) { return "row " + std::to_string(row + 1); }

// Level index of every row for one hyper-parameter column, and the level labels.
std::vector<std::int32_t> levels_of(const Column& column, double rtol, std::vector<std::string>& labels) {
  const std::size_t n = column.size();
  std::vector<std::int32_t> level(n);
  if (column.text) {
    std::vector<std::string> values(column.texts);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    for (std::size_t r = 0; r < n; ++r)
      level[r] = static_cast<std::int32_t>(std::lower_bound(values.begin(), values.end(), column.texts[r]) - values.begin());
    labels = std::move(values);
    return level;
  }
  for (std::size_t r = 0; r < n; ++r)
    if (!std::isfinite(column.numbers[r]))
      fail("hparams", "column '" + column.name + "' " + row_text(r) + " is not a finite number: " +
                          format_number(column.numbers[r]));
  std::vector<double> values(column.numbers);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  // Consecutive distinct values within the tolerance form one level, which must itself be within the tolerance.
  std::vector<double> first;  // smallest value of each level
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0 && close(values[i - 1], values[i], rtol)) {
      if (!close(first.back(), values[i], rtol))
        fail("hparams", "column '" + column.name + "': values " + format_number(first.back()) + " to " +
                            format_number(values[i]) + " chain within the tolerance " + format_number(rtol) +
                            " without being close to each other; give exact grid values or a smaller hparam-rtol");
      continue;
    }
    first.push_back(values[i]);
  }
  for (std::size_t r = 0; r < n; ++r)
    level[r] = static_cast<std::int32_t>(std::upper_bound(first.begin(), first.end(), column.numbers[r]) - first.begin()) - 1;
  labels.clear();
  for (double v : first) labels.push_back(format_number(v));
  return level;
}

int compare_tuples(const std::int32_t* x, const std::int32_t* y, std::size_t h) {
  for (std::size_t i = 0; i < h; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

// The combination with exactly these level indices, or none.
std::optional<std::size_t> find_combination(const RunGrid& grid, const std::int32_t* key) {
  const std::size_t h = grid.hparams.size();
  std::size_t lo = 0, hi = grid.combinations();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    const int c = compare_tuples(&grid.combination_levels[mid * h], key, h);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return std::nullopt;
}

// One unordered environment: the noise-weighted sign-error sums over all pairs (run of a, run of b).
// sum_w w SE = (W - sum_w w sign(g1 - g2) sign(c1 - c2)) / 2, so only the signed sum is accumulated per measure.
void accumulate_environment(std::span<const double> gap, std::span<const double> measures, std::size_t k,
                            std::size_t a0, std::size_t a1, std::size_t b0, std::size_t b1,
                            const EnvironmentOptions& o, double& w_sum, double& w2_sum, std::vector<double>& signed_sum) {
  // psi(d) > 1/2 exactly when n d^2 / 2 > ln(2 / (1 - sqrt(1/2))): below that (with a margin for rounding) the
  // weight is 0 without evaluating the exponential.
  const double no_weight_below = 0.999 * 2.0 * std::log(2.0 / (1.0 - std::sqrt(0.5))) / o.test_size;
  w_sum = w2_sum = 0.0;
  std::fill(signed_sum.begin(), signed_sum.end(), 0.0);
  double* s = signed_sum.data();
  for (std::size_t i = a0; i < a1; ++i) {
    const double gi = gap[i];
    const double* ci = &measures[i * k];
    for (std::size_t j = b0; j < b1; ++j) {
      const double d = gi - gap[j];
      double w = 1.0;
      if (o.noise_filter) {
        if (d * d < no_weight_below) continue;
        w = noise_weight(d, o.test_size);
        if (w == 0.0) continue;
      }
      w_sum += w;
      w2_sum += w * w;
      const double ws = w * static_cast<double>((d > 0) - (d < 0));
      if (ws == 0.0) continue;  // tied gaps: sign-error 1/2 for every measure, all in w_sum
      const double* cj = &measures[j * k];
      for (std::size_t m = 0; m < k; ++m) s[m] += ws * static_cast<double>((ci[m] > cj[m]) - (ci[m] < cj[m]));
    }
  }
}

// Dense ranks (ties share a rank) of values[i * stride + offset], i < n: strict comparisons on ranks are those on
// the values, and integer compares vectorise.
std::vector<std::int32_t> dense_ranks(std::span<const double> values, std::size_t n, std::size_t stride, std::size_t offset) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  const auto at = [&](std::size_t i) { return values[i * stride + offset]; };
  std::sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) { return at(x) < at(y); });
  std::vector<std::int32_t> rank(n);
  std::int32_t r = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && at(idx[i]) > at(idx[i - 1])) ++r;
    rank[idx[i]] = r;
  }
  return rank;
}

double entropy_bits(double n0, double n1) {
  const double t = n0 + n1;
  double h = 0.0;
  for (double c : {n0, n1})
    if (c > 0) h -= c / t * std::log2(c / t);
  return h;
}

// MI in bits of a 2x2 table of counts (rows: gap sign +/-, columns: measure sign +/-).
double mi_bits(double n11, double n10, double n01, double n00) {
  const double t = n11 + n10 + n01 + n00;
  const double r1 = n11 + n10, r0 = n01 + n00, c1 = n11 + n01, c0 = n10 + n00;
  double mi = 0.0;
  const auto term = [&](double n, double r, double c) {
    if (n > 0) mi += n / t * std::log2(n * t / (r * c));
  };
  term(n11, r1, c1);
  term(n10, r1, c0);
  term(n01, r0, c1);
  term(n00, r0, c0);
  return mi;
}

// The first combination of the full grid (lexicographic) that has no run, as a label.
std::string first_missing(const RunGrid& grid) {
  const std::size_t h = grid.hparams.size();
  std::vector<std::int32_t> next(h, 0);
  for (std::size_t c = 0; c < grid.combinations(); ++c) {
    if (compare_tuples(&grid.combination_levels[c * h], next.data(), h) != 0) break;
    for (std::size_t i = h; i-- > 0;) {  // lexicographic successor
      if (++next[i] < static_cast<std::int32_t>(grid.levels[i].size())) break;
      next[i] = 0;
    }
  }
  std::string s;
  for (std::size_t i = 0; i < h; ++i)
    s += (i ? ", " : "") + grid.hparams[i] + "=" + grid.levels[i][static_cast<std::size_t>(next[i])];
  return s;
}

}  // namespace

std::string RunGrid::label(std::size_t combination) const {
  std::string s;
  const std::size_t h = hparams.size();
  for (std::size_t i = 0; i < h; ++i)
    s += (i ? ", " : "") + hparams[i] + "=" +
         levels[i][static_cast<std::size_t>(combination_levels[combination * h + i])];
  return s;
}

RunGrid group_runs(const ColumnTable& table, const std::vector<std::string>& hparams, double rtol) {
  if (hparams.empty()) fail("hparams", "name at least one hyper-parameter column");
  if (!(rtol >= 0.0 && rtol < 1.0)) fail("hparam-rtol", "must be in [0, 1), got " + format_number(rtol));
  RunGrid grid;
  grid.hparams = hparams;
  const std::size_t n = table.rows(), h = hparams.size();
  std::vector<std::vector<std::int32_t>> level(h);
  for (std::size_t i = 0; i < h; ++i) {
    if (std::count(hparams.begin(), hparams.end(), hparams[i]) > 1)
      fail("hparams", "names column '" + hparams[i] + "' twice");
    const Column* column = table.find(hparams[i]);
    if (!column) fail("hparams", "no column '" + hparams[i] + "' in the table");
    grid.levels.emplace_back();
    level[i] = levels_of(*column, rtol, grid.levels.back());
  }
  std::vector<std::int32_t> tuple(n * h);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t i = 0; i < h; ++i) tuple[r * h + i] = level[i][r];
  grid.order.resize(n);
  std::iota(grid.order.begin(), grid.order.end(), 0);
  std::stable_sort(grid.order.begin(), grid.order.end(), [&](std::size_t x, std::size_t y) {
    return compare_tuples(&tuple[x * h], &tuple[y * h], h) < 0;
  });
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t* t = &tuple[grid.order[i] * h];
    if (i == 0 || compare_tuples(&tuple[grid.order[i - 1] * h], t, h) != 0) {
      grid.start.push_back(i);
      grid.combination_levels.insert(grid.combination_levels.end(), t, t + h);
    }
  }
  grid.start.push_back(n);
  return grid;
}

double hoeffding_weight(double gap_difference, double test_size) {
  const double x = std::abs(gap_difference) / 2.0;
  const double phi = 2.0 * std::exp(-2.0 * test_size * (x * x));
  const double p = std::max(0.0, 1.0 - phi);
  return p * p;
}

double noise_weight(double gap_difference, double test_size) {
  const double psi = hoeffding_weight(gap_difference, test_size);
  return psi > 0.5 ? psi - 0.5 : 0.0;
}

Environments sign_error_environments(const RunGrid& grid, std::span<const double> gap, std::span<const double> measures,
                                     std::size_t k, const EnvironmentOptions& o) {
  if (!(o.test_size > 0.0) || !std::isfinite(o.test_size))
    fail("test-size", "must be a positive number, got " + format_number(o.test_size));
  if (!(o.min_ess > 0.0)) fail("min-ess", "must be positive, got " + format_number(o.min_ess));
  if (gap.size() != grid.runs() || measures.size() != grid.runs() * k)
    fail("measures", "per-run arrays do not match the grid's " + std::to_string(grid.runs()) + " runs");
  Environments env;
  env.measures = k;
  const std::size_t h = grid.hparams.size();
  env.missing.assign(h, 0);
  std::vector<std::int32_t> key(h);
  std::vector<double> signed_sum(k);
  for (std::size_t p = 0; p < grid.combinations(); ++p) {
    std::copy_n(&grid.combination_levels[p * h], h, key.begin());
    for (std::size_t i = 0; i < h; ++i) {
      const std::int32_t own = key[i];
      for (std::int32_t v = 0; v < static_cast<std::int32_t>(grid.levels[i].size()); ++v) {
        if (v == own) continue;
        key[i] = v;
        const auto q = find_combination(grid, key.data());
        if (!q) ++env.missing[i];
        else if (v > own) {
          double w = 0, w2 = 0;
          accumulate_environment(gap, measures, k, grid.start[p], grid.start[p + 1], grid.start[*q],
                                 grid.start[*q + 1], o, w, w2, signed_sum);
          // As the authors: a (near-)zero weight sum divides by 1 instead of its squares, giving ESS ~ 0.
          const double ess = w * w / (np_isclose(w, 0.0) ? 1.0 : w2);
          const bool kept = w > 0.0 && (ess > o.min_ess || np_isclose(ess, o.min_ess));
          env.hparam.push_back(static_cast<std::int32_t>(i));
          env.a.push_back(p);
          env.b.push_back(*q);
          env.weight_sum.push_back(w);
          env.ess.push_back(ess);
          env.kept.push_back(kept);
          for (std::size_t m = 0; m < k; ++m) env.loss.push_back(kept ? (w - signed_sum[m]) / (2.0 * w) : kNaN);
        }
      }
      key[i] = own;
    }
  }
  return env;
}

PgdlScores pgdl_scores(const RunGrid& grid, std::span<const double> gap, std::span<const double> measures,
                       std::size_t k) {
  PgdlScores out;
  const std::size_t h = grid.hparams.size(), c = grid.combinations();
  if (h < 2) {
    out.not_computed = "the PGDL score conditions on pairs of hyper-parameters: give at least two";
    return out;
  }
  double full = 1.0;
  for (const auto& l : grid.levels) full *= static_cast<double>(l.size());
  if (full != static_cast<double>(c)) {
    out.not_computed = "the grid is incomplete (the official scorer rejects it): " + std::to_string(c) + " of " +
                       format_number(full) + " combinations have runs; first missing: " + first_missing(grid);
    return out;
  }
  // One value per combination: the means over its runs (seeds).
  std::vector<double> g(c), cm(c * k), buffer;
  for (std::size_t p = 0; p < c; ++p) {
    const std::size_t r0 = grid.start[p], r1 = grid.start[p + 1];
    g[p] = exact_mean(gap.subspan(r0, r1 - r0));
    for (std::size_t m = 0; m < k; ++m) {
      buffer.clear();
      for (std::size_t r = r0; r < r1; ++r) buffer.push_back(measures[r * k + m]);
      cm[p * k + m] = exact_mean(buffer);
    }
  }
  const std::vector<std::int32_t> rg = dense_ranks(g, c, 1, 0);
  std::vector<std::int32_t> rc(c * k);
  for (std::size_t m = 0; m < k; ++m) {
    const auto r = dense_ranks(cm, c, k, m);
    for (std::size_t p = 0; p < c; ++p) rc[p * k + m] = r[p];
  }

  out.score.assign(k, std::numeric_limits<double>::infinity());
  out.worst.assign(k, {});
  std::vector<double> sum_mi(k);
  std::vector<std::int64_t> nc(k), ngc(k);
  std::vector<std::int32_t> row_c(k), row_gc(k);
  for (std::size_t a = 0; a < h; ++a) {
    for (std::size_t b = a + 1; b < h; ++b) {
      // Groups: combinations sharing the levels of hyper-parameters a and b; cells: ordered pairs of groups.
      const std::size_t lb = grid.levels[b].size(), groups = grid.levels[a].size() * lb;
      std::vector<std::vector<std::size_t>> members(groups);
      for (std::size_t p = 0; p < c; ++p)
        members[static_cast<std::size_t>(grid.combination_levels[p * h + a]) * lb +
                static_cast<std::size_t>(grid.combination_levels[p * h + b])].push_back(p);
      std::fill(sum_mi.begin(), sum_mi.end(), 0.0);
      double sum_h = 0.0;
      for (const auto& x_group : members) {
        for (const auto& y_group : members) {
          std::int64_t ng = 0;
          std::fill(nc.begin(), nc.end(), 0);
          std::fill(ngc.begin(), ngc.end(), 0);
          for (const std::size_t x : x_group) {
            const std::int32_t* cx = &rc[x * k];
            std::fill(row_c.begin(), row_c.end(), 0);
            std::fill(row_gc.begin(), row_gc.end(), 0);
            for (const std::size_t y : y_group) {
              // The official table: "+gap" iff g_x > g_y, "+measure" iff c_x > c_y (ties and x = y count as "-").
              const std::int32_t gpos = rg[x] > rg[y];
              const std::int32_t mask = -gpos;
              ng += gpos;
              const std::int32_t* cy = &rc[y * k];
              for (std::size_t m = 0; m < k; ++m) {
                const std::int32_t cpos = cx[m] > cy[m];
                row_c[m] += cpos;
                row_gc[m] += cpos & mask;
              }
            }
            for (std::size_t m = 0; m < k; ++m) nc[m] += row_c[m], ngc[m] += row_gc[m];
          }
          const double t = static_cast<double>(x_group.size()) * static_cast<double>(y_group.size());
          const double dg = static_cast<double>(ng);
          sum_h += entropy_bits(dg, t - dg);
          for (std::size_t m = 0; m < k; ++m) {
            const double both = static_cast<double>(ngc[m]), dc = static_cast<double>(nc[m]);
            sum_mi[m] += mi_bits(both, dg - both, dc - both, t - dg - dc + both);
          }
        }
      }
      // Mean MI over cells / mean gap-sign entropy over cells; no entropy at all (one model per cell) scores 0, as
      // the official code's 0 / (-1e-12) does.
      out.pairs.push_back({grid.hparams[a], grid.hparams[b]});
      for (std::size_t m = 0; m < k; ++m) {
        const double cells = static_cast<double>(groups) * static_cast<double>(groups);
        const double s = sum_h > 0.0 ? 100.0 * ((sum_mi[m] / cells) / (sum_h / cells)) : 0.0;
        out.pair_score.push_back(s);
        if (s < out.score[m]) out.score[m] = s, out.worst[m] = out.pairs.back();
      }
    }
  }
  // pair_score was filled pair by pair: transpose to measures x pairs.
  const std::size_t pairs = out.pairs.size();
  std::vector<double> by_measure(k * pairs);
  for (std::size_t q = 0; q < pairs; ++q)
    for (std::size_t m = 0; m < k; ++m) by_measure[m * pairs + q] = out.pair_score[q * k + m];
  out.pair_score = std::move(by_measure);
  return out;
}

double percentile_linear(std::vector<double>& values, double q) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  const double t = pos - static_cast<double>(lo), a = values[lo], b = values[hi];
  // NumPy's lerp: a + (b - a) t below t = 1/2, b - (b - a)(1 - t) from there (exact at both ends).
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1.0 - t);
}

double exact_mean(std::span<const double> values) {
  if (values.empty()) return kNaN;
  // Shewchuk's non-overlapping partials (the algorithm of Python's math.fsum), then its correctly rounded total.
  std::vector<double> partials;
  for (double x : values) {
    std::size_t i = 0;
    for (double y : partials) {
      if (std::abs(x) < std::abs(y)) std::swap(x, y);
      const double hi = x + y;
      const double lo = y - (hi - x);
      if (lo != 0.0) partials[i++] = lo;
      x = hi;
    }
    partials.resize(i);
    partials.push_back(x);
  }
  std::size_t n = partials.size();
  double hi = 0.0, lo = 0.0;
  if (n > 0) {
    hi = partials[--n];
    while (n > 0) {
      const double x = hi, y = partials[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo != 0.0) break;
    }
    // Half-way case: round-half-even would lose the sign of the partials below.
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      const double y = lo * 2.0, x = hi + y;
      if (y == x - hi) hi = x;
    }
  }
  return hi / static_cast<double>(values.size());
}

}  // namespace itbound::estimators
