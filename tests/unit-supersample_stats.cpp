// Mergeable supersample statistics: exact sums, the estimates against a brute-force count written
// independently (a map of cells and the textbook formula sum p(x,u) ln(p(x,u) / (p(x) p(u)))), shards by
// supersample / pair / run merging to the single pass bit for bit, the byte form, and its defences.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <boost/crc.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <numbers>
#include <random>
#include <set>

#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/supersample_stats.hpp"
#include "synthetic_runs.hpp"

using namespace itbound::estimators;

namespace {

// Random runs: losses drawn from `levels` (empty: continuous in [0, 1)), predictions from 4 classes.
SupersampleRuns random_runs(std::int64_t k1, std::int64_t k2, std::int64_t n, std::vector<double> levels, bool pred,
                            std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  SupersampleRuns r;
  r.k1 = k1, r.k2 = k2, r.n = n;
  const auto cells = r.runs() * static_cast<std::size_t>(n);
  r.mask.resize(cells);
  r.loss.resize(2 * cells);
  for (std::size_t c = 0; c < cells; ++c) {
    r.mask[c] = static_cast<std::uint8_t>(rng() & 1);
    for (int m = 0; m < 2; ++m) {
      // Pair-dependent skew so that the information is not zero.
      const double x = unit(rng) * (m == r.mask[c] ? 0.6 : 1.0);
      r.loss[2 * c + m] = levels.empty() ? x : levels[static_cast<std::size_t>(x * static_cast<double>(levels.size()))];
    }
    if (pred) r.pred.push_back(static_cast<double>(rng() % 4)), r.pred.push_back(static_cast<double>(rng() % 4));
  }
  return r;
}

// I(X; U) by the textbook formula from a map of cells, not clamped.
double plug_in_mi(const std::vector<std::pair<std::pair<double, double>, int>>& samples) {
  std::map<std::pair<double, double>, std::array<double, 2>> cells;
  double pu[2] = {0, 0};
  for (const auto& [x, u] : samples) cells[x][static_cast<std::size_t>(u)] += 1, pu[u] += 1;
  const double m = static_cast<double>(samples.size());
  double mi = 0;
  for (const auto& [x, c] : cells)
    for (int u = 0; u < 2; ++u)
      if (c[static_cast<std::size_t>(u)] > 0)
        mi += c[static_cast<std::size_t>(u)] / m *
              std::log(c[static_cast<std::size_t>(u)] * m / ((c[0] + c[1]) * pu[u]));
  return mi;
}

// The corrections by their definitions, clamped to [0, ln 2] as the estimators report them: Miller-Madow adds
// (K_X - 1 + K_U - 1 - (K_XU - 1)) / (2m) for the occupied values K; the jackknife is m I - (m - 1)/m sum_j I_{-j},
// each I_{-j} recomputed without sample j.
double brute_mi(const std::vector<std::pair<std::pair<double, double>, int>>& samples, Correction c = Correction::none) {
  double mi = plug_in_mi(samples);
  const double m = static_cast<double>(samples.size());
  if (c == Correction::miller_madow) {
    std::set<std::pair<double, double>> x;
    std::set<int> u;
    std::set<std::pair<std::pair<double, double>, int>> xu;
    for (const auto& sample : samples) x.insert(sample.first), u.insert(sample.second), xu.insert(sample);
    mi += (static_cast<double>(x.size()) - 1 + static_cast<double>(u.size()) - 1 - (static_cast<double>(xu.size()) - 1)) /
          (2 * m);
  } else if (c == Correction::jackknife) {
    double loo = 0;
    for (std::size_t j = 0; j < samples.size(); ++j) {
      auto without = samples;
      without.erase(without.begin() + static_cast<std::ptrdiff_t>(j));
      loo += plug_in_mi(without);
    }
    mi = m * mi - (m - 1) / m * loo;
  }
  return std::clamp(mi, 0.0, std::numbers::ln2);
}

void check_against_brute_force(const SupersampleRuns& r, Correction correction) {
  CAPTURE(to_string(correction));
  const auto est = estimate_cmi(r, correction);
  const auto k2 = static_cast<std::size_t>(r.k2), n = static_cast<std::size_t>(r.n);
  double train = 0, held = 0;
  for (std::size_t s = 0; s < static_cast<std::size_t>(r.k1); ++s) {
    double supersample_train = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::pair<std::pair<double, double>, int>> e, ld, f;
      for (std::size_t j = 0; j < k2; ++j) {
        const std::size_t c = (s * k2 + j) * n + i;
        const int u = r.mask[c];
        e.push_back({{r.loss[2 * c], r.loss[2 * c + 1]}, u});
        ld.push_back({{r.loss[2 * c + 1] - r.loss[2 * c], 0.0}, u});
        if (!r.pred.empty()) f.push_back({{r.pred[2 * c], r.pred[2 * c + 1]}, u});
        supersample_train += r.loss[2 * c + static_cast<std::size_t>(u)];
        held += r.loss[2 * c + 1 - static_cast<std::size_t>(u)];
      }
      CHECK(est.ecmi[s * n + i] == doctest::Approx(brute_mi(e, correction)).epsilon(1e-11));
      CHECK(est.ldcmi[s * n + i] == doctest::Approx(brute_mi(ld, correction)).epsilon(1e-11));
      if (!r.pred.empty()) CHECK(est.fcmi[s * n + i] == doctest::Approx(brute_mi(f, correction)).epsilon(1e-11));
    }
    CHECK(est.supersample_train[s] == doctest::Approx(supersample_train / static_cast<double>(k2 * n)).epsilon(1e-14));
    train += supersample_train;
  }
  for (std::size_t i = 0; i < n; ++i) {
    // ld-MI, the single-loss MI of each member and the loss pair's MI, pooled over every run.
    std::vector<std::pair<std::pair<double, double>, int>> ld, member[2], pair;
    for (std::size_t run = 0; run < r.runs(); ++run) {
      const std::size_t c = run * n + i;
      ld.push_back({{r.loss[2 * c + 1] - r.loss[2 * c], 0.0}, r.mask[c]});
      for (std::size_t m = 0; m < 2; ++m) member[m].push_back({{r.loss[2 * c + m], 0.0}, r.mask[c]});
      pair.push_back({{r.loss[2 * c], r.loss[2 * c + 1]}, r.mask[c]});
    }
    CHECK(est.emi[i] == doctest::Approx(brute_mi(pair, correction)).epsilon(1e-11));
    CHECK(est.ldmi[i] == doctest::Approx(brute_mi(ld, correction)).epsilon(1e-11));
    CHECK(est.slmi[i] == doctest::Approx((brute_mi(member[0], correction) + brute_mi(member[1], correction)) / 2)
                             .epsilon(1e-11));
  }
  const double total = static_cast<double>(r.runs() * n);
  CHECK(est.train_error == doctest::Approx(train / total).epsilon(1e-14));
  CHECK(est.heldout_error == doctest::Approx(held / total).epsilon(1e-14));
}

void check_identical(const CmiEstimates& a, const CmiEstimates& b) {
  CHECK(a.fcmi == b.fcmi);
  CHECK(a.ecmi == b.ecmi);
  CHECK(a.ldcmi == b.ldcmi);
  CHECK(a.ldmi == b.ldmi);
  CHECK(a.slmi == b.slmi);
  CHECK(a.emi == b.emi);
  CHECK(a.run_gap == b.run_gap);
  CHECK(a.supersample_train == b.supersample_train);
  CHECK(a.supersample_heldout == b.supersample_heldout);
  CHECK(a.train_error == b.train_error);
  CHECK(a.heldout_error == b.heldout_error);
  CHECK(a.interpolating == b.interpolating);
  CHECK(a.zero_one == b.zero_one);
  CHECK(a.loss_follows_prediction == b.loss_follows_prediction);
  CHECK(a.prediction_repeats == b.prediction_repeats);
}

// The sub-array of runs r: supersamples [s0, s1), runs [j0, j1), pairs [i0, i1), as its own runs.
SupersampleRuns slice(const SupersampleRuns& r, std::int64_t s0, std::int64_t s1, std::int64_t j0, std::int64_t j1,
                      std::int64_t i0, std::int64_t i1) {
  SupersampleRuns out;
  out.k1 = s1 - s0, out.k2 = j1 - j0, out.n = i1 - i0;
  out.loss_min = r.loss_min, out.loss_max = r.loss_max;
  for (std::int64_t s = s0; s < s1; ++s)
    for (std::int64_t j = j0; j < j1; ++j)
      for (std::int64_t i = i0; i < i1; ++i) {
        const auto c = static_cast<std::size_t>((s * r.k2 + j) * r.n + i);
        out.mask.push_back(r.mask[c]);
        out.loss.insert(out.loss.end(), {r.loss[2 * c], r.loss[2 * c + 1]});
        if (!r.pred.empty()) out.pred.insert(out.pred.end(), {r.pred[2 * c], r.pred[2 * c + 1]});
      }
  return out;
}

SupersampleStats shard(const SupersampleRuns& r, std::int64_t s0, std::int64_t s1, std::int64_t j0, std::int64_t j1,
                       std::int64_t i0, std::int64_t i1) {
  return SupersampleStats::accumulate(view(slice(r, s0, s1, j0, j1, i0, i1)), {s0, j0, i0});
}

// The byte form with its last four bytes (the CRC-32) recomputed for the rest, to reach the parser's own checks;
// `replace` false appends a checksum to bytes that carry none.
std::vector<unsigned char> reseal(std::vector<unsigned char> bytes, bool replace = true) {
  if (replace) bytes.resize(bytes.size() - 4);
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<unsigned char>(crc.checksum() >> (8 * k)));
  return bytes;
}

}  // namespace

TEST_CASE("exact sums do not depend on the order of their terms") {
  ExactSum a;
  a.add(1e100);
  a.add(1.0);
  a.add(-1e100);
  CHECK(a.value() == 1.0);
  ExactSum tiny;  // 2^-1074 survives next to 2^1000
  tiny.add(std::ldexp(1.0, 1000));
  tiny.add(std::ldexp(1.0, -1074));
  tiny.add(-std::ldexp(1.0, 1000));
  CHECK(tiny.value() == std::ldexp(1.0, -1074));
  // Ten copies of the double nearest 0.1 sum to 1.0000000000000000555...: nearest double is 1.
  ExactSum tenth;
  for (int k = 0; k < 10; ++k) tenth.add(0.1);
  CHECK(tenth.value() == 1.0);
  // Random terms in two orders and split into two merged halves: identical.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0, 1);
  std::vector<double> xs(5000);
  for (auto& x : xs) x = g(rng) * std::pow(10.0, static_cast<double>(rng() % 40) - 20);
  ExactSum forward, backward, left, right;
  for (double x : xs) forward.add(x);
  for (auto it = xs.rbegin(); it != xs.rend(); ++it) backward.add(*it);
  for (std::size_t k = 0; k < xs.size(); ++k) (k % 3 ? left : right).add(xs[k]);
  left.add(right);
  CHECK(forward == backward);
  CHECK(forward == left);
  CHECK(forward.value() == backward.value());
  CHECK(forward.value() == left.value());
  ExactSum diff = forward;
  diff.add(left, true);
  CHECK(diff.value() == 0.0);
  ExactSum negative;
  negative.add(-2.5);
  negative.add(0.25);
  CHECK(negative.value() == -2.25);
}

TEST_CASE("estimates equal the brute-force count on every kernel's input, with each bias correction") {
  for (const Correction c : {Correction::none, Correction::miller_madow, Correction::jackknife}) {
    check_against_brute_force(random_runs(2, 40, 30, {0, 1}, true, 1), c);      // 0-1: the lane-counting kernel
    check_against_brute_force(random_runs(2, 40, 30, {0, 0.5, 1}, false, 2), c);  // three levels: the general kernel
    check_against_brute_force(random_runs(2, 40, 30, {}, false, 3), c);         // continuous: every value distinct
  }
  check_against_brute_force(random_runs(1, 5, 2100, {0, 1}, true, 4), Correction::none);  // more than a 2048-pair block
  // 0-1 losses kept as eight counts per slot until a later block (pairs from 2048 on) has another value: the
  // counts so far become cells and the general kernel takes the rest.
  auto late = random_runs(2, 5, 2100, {0, 1}, false, 5);
  late.loss[2 * (2 * 2100 + 2060)] = 0.5;  // supersample 0, run 2, pair 2060
  check_against_brute_force(late, Correction::miller_madow);
}

TEST_CASE("shards with 0-1 losses only (kept as counts) merge with shards of other losses (kept as cells)") {
  auto r = random_runs(2, 6, 300, {0, 1}, true, 6);
  r.loss[2 * (7 * 300 + 250)] = 0.5;  // supersample 1, run 1, pair 250
  const auto single = SupersampleStats::accumulate(view(r)).finalize(Correction::none);
  auto merged = shard(r, 0, 1, 0, 6, 0, 300);                                // 0-1 only
  merged.merge(shard(r, 1, 2, 0, 6, 0, 200));                                // 0-1 only
  merged = SupersampleStats::merged(shard(r, 1, 2, 0, 6, 200, 300), merged);  // has the 0.5
  check_identical(merged.finalize(Correction::none), single);
  const auto bytes = SupersampleStats::from_bytes(shard(r, 0, 1, 0, 6, 0, 300).to_bytes());
  check_identical(SupersampleStats::merged(bytes, shard(r, 1, 2, 0, 6, 0, 300)).finalize(Correction::none), single);
  // The same 0-1 statistics as counts and, read back from bytes, as cells: the same estimates bit for bit.
  const auto counts = SupersampleStats::accumulate(view(random_runs(3, 9, 70, {0, 1}, true, 7)));
  const auto cells = SupersampleStats::from_bytes(counts.to_bytes());
  for (const auto c : {Correction::none, Correction::miller_madow, Correction::jackknife})
    check_identical(counts.finalize(c), cells.finalize(c));
}

TEST_CASE("leaving out one run: the change of every mean estimate equals its brute-force recomputation") {
  // For run (s0, j0): the mean over slots (f-, e-, ld-CMI) or pairs (ld-MI) of each estimate recomputed by
  // brute_mi from the samples without that run, minus the mean with it. Within 2e-13 (the changes are about 1e-3;
  // the code updates sums of c ln c near m ln m, the brute force recomputes: 7e-15 apart at most, measured).
  using Samples = std::vector<std::pair<std::pair<double, double>, int>>;
  const auto brute_means = [](const SupersampleRuns& r, Correction c, std::size_t s0, std::size_t j0) {
    const auto k1 = static_cast<std::size_t>(r.k1), k2 = static_cast<std::size_t>(r.k2), n = static_cast<std::size_t>(r.n);
    std::array<double, 4> m{};  // f, e, ld, ld-MI
    for (std::size_t i = 0; i < n; ++i) {
      Samples pooled;
      for (std::size_t s = 0; s < k1; ++s) {
        Samples e, ld, f;
        for (std::size_t j = 0; j < k2; ++j) {
          if (s == s0 && j == j0) continue;
          const std::size_t q = (s * k2 + j) * n + i;
          const int u = r.mask[q];
          e.push_back({{r.loss[2 * q], r.loss[2 * q + 1]}, u});
          ld.push_back({{r.loss[2 * q + 1] - r.loss[2 * q], 0.0}, u});
          pooled.push_back(ld.back());
          if (!r.pred.empty()) f.push_back({{r.pred[2 * q], r.pred[2 * q + 1]}, u});
        }
        m[0] += r.pred.empty() ? 0.0 : brute_mi(f, c) / static_cast<double>(k1 * n);
        m[1] += brute_mi(e, c) / static_cast<double>(k1 * n);
        m[2] += brute_mi(ld, c) / static_cast<double>(k1 * n);
      }
      m[3] += brute_mi(pooled, c) / static_cast<double>(n);
    }
    return m;
  };
  for (const auto& levels : {std::vector<double>{0, 1}, std::vector<double>{0, 0.5, 1}}) {
    const auto r = random_runs(2, 6, 9, levels, true, 12);
    const auto stats = SupersampleStats::accumulate(view(r));
    for (const auto c : {Correction::none, Correction::miller_madow, Correction::jackknife}) {
      CAPTURE(levels.size());
      CAPTURE(to_string(c));
      const auto full = brute_means(r, c, 99, 99);
      for (const unsigned threads : {1u, 3u}) {
        const auto d = stats.leave_one_run_out(view(r), c, threads);
        for (std::size_t run = 0; run < 12; ++run) {
          const auto without = brute_means(r, c, run / 6, run % 6);
          CAPTURE(run);
          CHECK(d.fcmi[run] == doctest::Approx(without[0] - full[0]).epsilon(1e-10).scale(1e-3));
          CHECK(d.ecmi[run] == doctest::Approx(without[1] - full[1]).epsilon(1e-10).scale(1e-3));
          CHECK(d.ldcmi[run] == doctest::Approx(without[2] - full[2]).epsilon(1e-10).scale(1e-3));
          CHECK(d.ldmi[run] == doctest::Approx(without[3] - full[3]).epsilon(1e-10).scale(1e-3));
        }
      }
    }
  }
  // Past the kernel's tiles (64 runs, 256 pairs): 0-1 losses as counts (the vectorised pass) against the same
  // statistics read back from bytes as cells (each sample looked up in its cells).
  const auto big = random_runs(2, 70, 600, {0, 1}, false, 14);
  const auto counts = SupersampleStats::accumulate(view(big));
  const auto cells = SupersampleStats::from_bytes(counts.to_bytes());
  for (const auto c : {Correction::none, Correction::miller_madow}) {
    const auto a = counts.leave_one_run_out(view(big), c), b = cells.leave_one_run_out(view(big), c);
    for (std::size_t run = 0; run < 140; ++run) {
      CAPTURE(run);
      CHECK(a.ecmi[run] == doctest::Approx(b.ecmi[run]).epsilon(1e-10).scale(1e-5));
      CHECK(a.ldcmi[run] == doctest::Approx(b.ldcmi[run]).epsilon(1e-10).scale(1e-5));
      CHECK(a.ldmi[run] == doctest::Approx(b.ldmi[run]).epsilon(1e-10).scale(1e-5));
    }
  }
  // Shape: the runs must be those of the statistics.
  const auto r = random_runs(2, 6, 9, {0, 1}, false, 13);
  CHECK_THROWS_WITH_AS(SupersampleStats::accumulate(view(r)).leave_one_run_out(view(random_runs(2, 5, 9, {0, 1}, false, 13)),
                                                                              Correction::none),
                       "runs: have another shape than the statistics", itbound::InvalidArgument);
}

TEST_CASE("the estimates with their run changes in one pass: the numbers of finalize and leave_one_run_out") {
  // 0-1 losses (the fused pass over the counts; past the kernel's tiles of 64 runs and 2048 pairs), other losses
  // and predictions (the two calls), each correction, one and three threads; and the same stats as cells.
  for (const auto& r : {random_runs(2, 70, 2100, {0, 1}, false, 31), random_runs(3, 6, 9, {0, 0.5, 1}, false, 32),
                        random_runs(2, 5, 7, {0, 1}, true, 33)}) {
    const auto stats = SupersampleStats::accumulate(view(r));
    for (const auto& st : {stats, SupersampleStats::from_bytes(stats.to_bytes())})
      for (const auto c : {Correction::none, Correction::miller_madow, Correction::jackknife})
        for (const unsigned threads : {1u, 3u}) {
          CAPTURE(r.n);
          CAPTURE(to_string(c));
          const auto [est, d] = st.finalize_with_run_deltas(view(r), c, threads);
          check_identical(est, st.finalize(c));
          const auto apart = st.leave_one_run_out(view(r), c, threads);
          CHECK(d.fcmi == apart.fcmi);
          CHECK(d.ecmi == apart.ecmi);
          CHECK(d.ldcmi == apart.ldcmi);
          CHECK(d.ldmi == apart.ldmi);
        }
  }
}

TEST_CASE("stored element types read as the same values") {
  const auto r = random_runs(2, 7, 9, {0, 1}, true, 8);
  const auto reference = estimate_cmi(r, Correction::jackknife);
  std::vector<std::uint8_t> loss8(r.loss.begin(), r.loss.end());
  std::vector<float> loss32(r.loss.begin(), r.loss.end());
  std::vector<std::int64_t> loss64(r.loss.begin(), r.loss.end());
  std::vector<std::int16_t> pred16(r.pred.begin(), r.pred.end());
  std::vector<double> mask64(r.mask.begin(), r.mask.end());
  for (const ElementArray loss : {ElementArray{loss8.data(), Element::u8, loss8.size()},
                                  ElementArray{loss32.data(), Element::f32, loss32.size()},
                                  ElementArray{loss64.data(), Element::i64, loss64.size()}}) {
    auto v = view(r);
    v.loss = loss;
    v.pred = {pred16.data(), Element::i16, pred16.size()};
    v.mask = {mask64.data(), Element::f64, mask64.size()};
    check_identical(estimate_cmi(v, Correction::jackknife), reference);
    const auto back = to_runs(v);
    CHECK(back.mask == r.mask);
    CHECK(back.loss == r.loss);
    CHECK(back.pred == r.pred);
  }
}

TEST_CASE("bad values are reported by field from every kernel") {
  auto r = random_runs(1, 3, 4, {0, 1}, true, 9);
  const auto message = [](const SupersampleView& v) {
    try {
      SupersampleStats::accumulate(v);
    } catch (const itbound::InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  auto bad = r;
  bad.loss[5] = std::nan("");
  CHECK(message(view(bad)) == "loss: contains NaN");
  bad.loss[5] = 0.5;  // leaves the 0-1 kernel; allowed
  CHECK(message(view(bad)).empty());
  bad.loss[5] = -0.5;
  CHECK(message(view(bad)).find("loss: value -0.5 outside the declared range [0, 1]") == 0);
  bad = r;
  bad.mask[3] = 2;
  CHECK(message(view(bad)) == "mask: values must be 0 or 1, got 2");
  bad = r;
  bad.pred[1] = 1.5;
  CHECK(message(view(bad)) == "pred: predictions must be integers, got 1.5");
  std::vector<double> mask(r.mask.begin(), r.mask.end());
  mask[0] = 0.25;
  auto v = view(r);
  v.mask = {mask.data(), Element::f64, mask.size()};
  CHECK(message(v) == "mask: values must be 0 or 1, got 0.25");
  std::vector<std::int64_t> pred(r.pred.size(), std::int64_t{1} << 60);
  v = view(r);
  v.pred = {pred.data(), Element::i64, pred.size()};
  CHECK(message(v) == "pred: integer beyond 2^53 cannot be held exactly");
  v = view(r);
  v.loss.size -= 1;
  CHECK(message(v).find("loss: shape mismatch") == 0);
  // A declared range that excludes 0 or 1 goes through the general kernel, which reports it.
  r.loss_min = 0.5;
  CHECK(message(view(r)).find("loss: value 0 outside the declared range [0.5, 1]") == 0);
}

TEST_CASE("shards by supersample, by pair and by run merge to the single pass bit for bit") {
  for (const auto& levels : {std::vector<double>{0, 1}, std::vector<double>{0, 0.25, 1}, std::vector<double>{}}) {
    CAPTURE(levels.size());
    const auto r = random_runs(3, 12, 2101, levels, true, 11);
    const auto single = SupersampleStats::accumulate(view(r));
    for (const auto correction : {Correction::none, Correction::miller_madow, Correction::jackknife}) {
      const auto whole = single.finalize(correction);
      check_identical(estimate_cmi(r, correction), whole);
      SupersampleStats by_s, by_i, by_j, mixed;
      for (std::int64_t s = 0; s < 3; ++s) by_s.merge(shard(r, s, s + 1, 0, 12, 0, 2101));
      // Pair shards that cut through the kernel's 2048-pair blocks, merged in reverse order.
      for (const auto& [i0, i1] : std::vector<std::pair<int, int>>{{2000, 2101}, {700, 2000}, {0, 700}})
        by_i.merge(shard(r, 0, 3, 0, 12, i0, i1));
      for (std::int64_t j = 0; j < 12; j += 5) by_j.merge(shard(r, 0, 3, j, std::min<std::int64_t>(j + 5, 12), 0, 2101));
      // A tree of mixed shards: supersample 0 by runs, the rest by pairs, merged pairwise.
      SupersampleStats left = shard(r, 0, 1, 0, 4, 0, 2101), right = shard(r, 1, 3, 0, 12, 0, 1000);
      left.merge(shard(r, 0, 1, 4, 12, 0, 2101));
      right.merge(shard(r, 1, 3, 0, 12, 1000, 2101));
      mixed.merge(right);
      mixed.merge(left);
      for (const auto* merged : {&by_s, &by_i, &by_j, &mixed}) check_identical(merged->finalize(correction), whole);
    }
  }
}

TEST_CASE("whether the loss follows the prediction is seen across shards of runs") {
  // 0-1 losses with the prediction the loss itself (right/wrong): a function of it. Then one run of one
  // supersample gets, for one pair's member 1, the prediction of the other runs with the other loss: only
  // the runs together show it, so shards by run must still find it.
  auto r = random_runs(2, 8, 30, {0, 1}, true, 21);
  r.pred = r.loss;
  CHECK(estimate_cmi(r, Correction::none).loss_follows_prediction);
  const auto c = [&](std::int64_t s, std::int64_t j, std::int64_t i) { return static_cast<std::size_t>((s * 8 + j) * 30 + i); };
  std::size_t twin = 0;  // a run of supersample 1 whose pair 4, member 1 has the loss of run 7
  while (r.loss[2 * c(1, static_cast<std::int64_t>(twin), 4) + 1] != r.loss[2 * c(1, 7, 4) + 1]) ++twin;
  REQUIRE(twin < 7);
  r.loss[2 * c(1, 7, 4) + 1] = 1 - r.loss[2 * c(1, 7, 4) + 1];  // same prediction, other loss
  const auto whole = estimate_cmi(r, Correction::none);
  CHECK_FALSE(whole.loss_follows_prediction);
  SupersampleStats by_j;
  for (std::int64_t j = 0; j < 8; j += 4) by_j.merge(shard(r, 0, 2, j, j + 4, 0, 30));
  check_identical(by_j.finalize(Correction::none), whole);
  // Flipping the prediction with the loss keeps the loss a function of it.
  r.pred[2 * c(1, 7, 4) + 1] = r.loss[2 * c(1, 7, 4) + 1];
  CHECK(estimate_cmi(r, Correction::none).loss_follows_prediction);
  CHECK(estimate_cmi(r, Correction::none).prediction_repeats);
  // One run per supersample: no prediction can recur, so the data cannot test the property.
  const auto single = estimate_cmi(random_runs(3, 1, 10, {0, 1}, true, 22), Correction::none);
  CHECK(single.loss_follows_prediction);
  CHECK_FALSE(single.prediction_repeats);
}

TEST_CASE("merge refuses overlapping or mismatched shards; finalize refuses an incomplete cover") {
  const auto r = random_runs(2, 4, 5, {0, 1}, false, 12);
  const auto a = shard(r, 0, 1, 0, 4, 0, 5);
  auto twice = a;
  CHECK_THROWS_WITH_AS(twice.merge(shard(r, 0, 1, 2, 3, 1, 2)), doctest::Contains("stats: shards overlap"),
                       itbound::InvalidArgument);
  // Supersample 1 alone does not start at 0 (supersample 0 alone is a complete run with k1 = 1).
  CHECK_THROWS_WITH_AS(shard(r, 1, 2, 0, 4, 0, 5).finalize(Correction::none),
                       doctest::Contains("stats: the merged shards do not cover"), itbound::InvalidArgument);
  CHECK(a.complete());
  CHECK_THROWS_WITH_AS(SupersampleStats().finalize(Correction::none), doctest::Contains("no runs"), itbound::InvalidArgument);
  auto wider = slice(r, 1, 2, 0, 4, 0, 5);
  wider.loss_max = 2;
  auto other = a;
  CHECK_THROWS_WITH_AS(other.merge(SupersampleStats::accumulate(view(wider), {1, 0, 0})),
                       doctest::Contains("different loss ranges"), itbound::InvalidArgument);
  // Runs missing from one supersample: the volumes do not add up.
  auto partial = a;
  partial.merge(shard(r, 1, 2, 0, 3, 0, 5));
  CHECK_FALSE(partial.complete());
  partial.merge(shard(r, 1, 2, 3, 4, 0, 5));
  CHECK(partial.complete());
}

TEST_CASE("statistics survive their byte form; malformed bytes are an error, never a crash") {
  const auto r = random_runs(2, 6, 7, {0, 0.5, 1}, true, 13);
  auto st = shard(r, 0, 1, 0, 6, 0, 7);
  st.merge(shard(r, 1, 2, 0, 6, 0, 7));
  const auto bytes = st.to_bytes();
  const auto back = SupersampleStats::from_bytes(bytes);
  CHECK(back.to_bytes() == bytes);
  check_identical(back.finalize(Correction::jackknife), st.finalize(Correction::jackknife));
  CHECK(SupersampleStats::from_bytes(SupersampleStats().to_bytes()).empty());
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7)
    CHECK_THROWS_AS(SupersampleStats::from_bytes(std::span(bytes).first(cut)), itbound::InvalidArgument);
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    auto bad = reseal(bytes);  // past the checksum: the parser's own checks, never a crash
    bad[rng() % (bad.size() - 4)] ^= static_cast<unsigned char>(1u << (rng() % 8));
    try {
      SupersampleStats::from_bytes(reseal(bad)).finalize(Correction::none);
    } catch (const itbound::InvalidArgument&) {
    }
  }
}

TEST_CASE("every single-bit flip of the byte form is rejected by its checksum (issue 13, item 9)") {
  // 158 of 2050 flips were read (and changed the result) before the format carried a CRC-32.
  const auto r = random_runs(2, 6, 7, {0, 0.5, 1}, true, 13);
  auto st = shard(r, 0, 1, 0, 6, 0, 7);
  st.merge(shard(r, 1, 2, 0, 6, 0, 7));
  const auto bytes = st.to_bytes();
  int accepted = 0;
  for (std::size_t bit = 0; bit < 8 * bytes.size(); ++bit) {
    auto bad = bytes;
    bad[bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
    try {
      SupersampleStats::from_bytes(bad);
      ++accepted;
    } catch (const itbound::InvalidArgument& e) {
      const std::string what = e.what();
      CHECK(what.rfind("stats: ", 0) == 0);
    }
  }
  CHECK(accepted == 0);
  auto v2 = bytes;
  v2[7] = '2';
  CHECK_THROWS_WITH_AS(SupersampleStats::from_bytes(v2), doctest::Contains("format 2, which has no checksum"),
                       itbound::InvalidArgument);
}

TEST_CASE("a cell offset past the cell count is malformed, not read (fuzzer find)") {
  std::ifstream in(std::string(ITBOUND_DATA_DIR) + "/../tests/fixtures/fuzz-found/stats-offsets-past-cells.bin",
                   std::ios::binary);
  REQUIRE(in);
  std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in), {}};
  bytes.erase(bytes.begin());  // the harness's reader pick
  // The find predates the checksum (format 2): sealed as format 3, the parser's offset check must still catch it.
  bytes[7] = '3';
  CHECK_THROWS_WITH_AS(SupersampleStats::from_bytes(reseal(bytes, false)), doctest::Contains("cell offsets"),
                       itbound::InvalidArgument);
}

TEST_CASE("zero-one and interpolating are read off the data, also past loss_min != 0, and a file cannot claim them") {
  // An interpolating learner on the range [0.5, 1]: every trained member at 0.5, held-out losses 0.5 or 1.
  auto r = random_runs(2, 4, 5, {0.5, 1.0}, false, 21);
  r.loss_min = 0.5;
  for (std::size_t c = 0; c < r.mask.size(); ++c) r.loss[2 * c + r.mask[c]] = 0.5;
  auto est = SupersampleStats::accumulate(view(r)).finalize(Correction::none);
  CHECK(est.interpolating);
  CHECK_FALSE(est.zero_one);
  r.loss[2 * 7 + r.mask[7]] = 1.0;  // one trained member now errs
  est = SupersampleStats::accumulate(view(r)).finalize(Correction::none);
  CHECK_FALSE(est.interpolating);
  // 0-1 losses (the lane kernel): interpolating until one trained loss is 1.
  auto b = random_runs(2, 4, 5, {0.0, 1.0}, false, 22);
  for (std::size_t c = 0; c < b.mask.size(); ++c) b.loss[2 * c + b.mask[c]] = 0.0;
  const auto stats = SupersampleStats::accumulate(view(b));
  est = stats.finalize(Correction::none);
  CHECK(est.interpolating);
  CHECK(est.zero_one);
  b.loss[2 * 3 + b.mask[3]] = 1.0;
  const auto erring = SupersampleStats::accumulate(view(b));
  CHECK_FALSE(erring.finalize(Correction::none).interpolating);
  // The byte form keeps the two flags (magic, loss range, has_pred, then interpolating and zero_one) and checks them.
  auto bytes = erring.to_bytes();
  const std::size_t interpolating_at = 8 + 16 + 1;
  REQUIRE(bytes[interpolating_at] == 0);
  bytes[interpolating_at] = 1;
  CHECK_THROWS_WITH_AS(SupersampleStats::from_bytes(bytes), doctest::Contains("CRC-32"), itbound::InvalidArgument);
  // Even with a checksum that matches (written on purpose), the flags are checked against the cells.
  CHECK_THROWS_WITH_AS(SupersampleStats::from_bytes(reseal(bytes)), doctest::Contains("flags disagree"),
                       itbound::InvalidArgument);
}

TEST_CASE("bootstrap picks: the identity draw is the plain accumulation") {
  const auto r = random_runs(2, 5, 6, {0, 1}, true, 14);
  std::vector<std::uint32_t> identity;
  for (int s = 0; s < 2; ++s)
    for (std::uint32_t j = 0; j < 5; ++j) identity.push_back(j);
  check_identical(SupersampleStats::accumulate(view(r), identity).finalize(Correction::none),
                  estimate_cmi(r, Correction::none));
  identity[0] = 5;
  CHECK_THROWS_AS(SupersampleStats::accumulate(view(r), identity), itbound::InvalidArgument);
}

TEST_CASE("runs of a million elements are counted on threads: the same statistics as one block after another") {
  // 2 x 8 x 65536 = 2^20 elements, where accumulate starts threads; the picks form (the identity draw) counts on
  // one thread, one block after another.
  auto r = random_runs(2, 8, 65536, {0, 1}, false, 21);
  const std::vector<std::uint32_t> identity = {0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7};
  const auto same = [&](const SupersampleRuns& runs) {
    CHECK(SupersampleStats::accumulate(view(runs)).to_bytes() == SupersampleStats::accumulate(view(runs), identity).to_bytes());
  };
  same(r);
  // A loss that is not 0 or 1 in the last block: every block is counted again, as cells.
  r.loss.back() = 0.5;
  same(r);
  CHECK(SupersampleStats::accumulate(view(r)).finalize(Correction::none).ecmi.size() == 2 * 65536);
  // A bad value late: the same error as one block after another.
  r.loss.back() = 1;
  r.mask[r.mask.size() - 3] = 2;
  CHECK_THROWS_WITH_AS(SupersampleStats::accumulate(view(r)), "mask: values must be 0 or 1, got 2", itbound::InvalidArgument);
}

TEST_CASE("the byte form is stable: a file written by make_stats_fixture.py reads back to the same estimates") {
  const std::string fixtures = std::string(ITBOUND_DATA_DIR) + "/../tests/fixtures/";
  const auto bytes = itbound::data::read_file_bytes(fixtures + "stats.bin");
  const auto stats = SupersampleStats::from_bytes(bytes);
  CHECK(stats.complete());
  check_identical(stats.finalize(Correction::jackknife),
                  estimate_cmi(itbound::data::read_supersample_runs(fixtures + "runs.npz"), Correction::jackknife));
}
