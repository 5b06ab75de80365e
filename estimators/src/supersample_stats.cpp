#include "itbound/estimators/supersample_stats.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <boost/crc.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <string>
#include <type_traits>

#include "binary_kernels.hpp"
#include "parallel.hpp"
#include "itbound/error.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace itbound::estimators {
namespace {

__extension__ typedef unsigned __int128 U128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

constexpr std::int64_t kDigitMask = (std::int64_t{1} << 32) - 1;
constexpr std::uint32_t kPendingLimit = 1u << 29;  // keeps every limb below 2^62 in magnitude

// ---- validation messages (validate() and the readers say the same) ----

[[noreturn]] void bad_mask(double u) { fail("mask", "values must be 0 or 1, got " + format_number(u)); }

void check_loss(double l, double lo, double hi) {
  if (std::isnan(l)) fail("loss", "contains NaN");
  if (l < lo || l > hi)
    fail("loss", "value " + format_number(l) + " outside the declared range [" + format_number(lo) + ", " +
                     format_number(hi) + "]");
}

void check_pred(double p) {
  if (!std::isfinite(p) || p != std::floor(p)) fail("pred", "predictions must be integers, got " + format_number(p));
}

// ---- typed element access ----

template <class T>
T load(const void* base, std::size_t k) {
  T v;
  std::memcpy(&v, static_cast<const unsigned char*>(base) + k * sizeof(T), sizeof(T));
  return v;
}

template <class F>
void with_type(Element e, F&& f) {
  switch (e) {
    case Element::u8: return f(std::uint8_t{});
    case Element::i16: return f(std::int16_t{});
    case Element::i32: return f(std::int32_t{});
    case Element::i64: return f(std::int64_t{});
    case Element::f32: return f(float{});
    case Element::f64: return f(double{});
  }
}

// Element k as a double; int64 beyond 2^53 would not be held exactly and is refused, naming the field.
double element(const ElementArray& a, std::size_t k, const char* field) {
  double out = 0;
  with_type(a.type, [&](auto t) {
    using T = decltype(t);
    const T v = load<T>(a.data, k);
    if constexpr (std::is_same_v<T, std::int64_t>) {
      constexpr std::int64_t exact = std::int64_t{1} << 53;
      if (v > exact || v < -exact) fail(field, "integer beyond 2^53 cannot be held exactly");
    }
    out = static_cast<double>(v);
  });
  return out;
}

void check_view(const SupersampleView& r) {
  if (r.k1 < 1 || r.k2 < 1 || r.n < 1) fail("shape", "k1, k2 and n must all be at least 1");
  if (static_cast<double>(r.k1) * static_cast<double>(r.k2) * static_cast<double>(r.n) > 1e15)
    fail("shape", "k1*k2*n too large");
  if (r.k1 * r.k2 > std::numeric_limits<std::uint32_t>::max()) fail("shape", "more than 2^32 runs");
  const auto cells = static_cast<std::size_t>(r.k1 * r.k2 * r.n);
  if (!r.mask.data || r.mask.size != cells)
    fail("mask", "shape mismatch: expected k1*k2*n = " + std::to_string(cells) + " values");
  if (!r.loss.data || r.loss.size != 2 * cells) fail("loss", "shape mismatch: expected (k1, k2, n, 2)");
  if (r.pred.data && r.pred.size != 2 * cells) fail("pred", "shape mismatch: expected (k1, k2, n, 2)");
  require_finite(r.loss_min, "loss_min");
  require_finite(r.loss_max, "loss_max");
  if (!(r.loss_min < r.loss_max)) fail("loss_max", "must exceed loss_min");
}

// The arrays the kernels read: mask as bytes, losses as uint8/float/double; other stored types are
// converted once (checked) into owned buffers.
struct Arrays {
  const std::uint8_t* mask;
  ElementArray loss;
  std::vector<std::uint8_t> own_mask;
  std::vector<double> own_loss;

  explicit Arrays(const SupersampleView& r) : mask(static_cast<const std::uint8_t*>(r.mask.data)), loss(r.loss) {
    if (r.mask.type != Element::u8) {
      own_mask.resize(r.mask.size);
      for (std::size_t k = 0; k < r.mask.size; ++k) {
        const double u = element(r.mask, k, "mask");
        if (u != 0.0 && u != 1.0) bad_mask(u);
        own_mask[k] = static_cast<std::uint8_t>(u);
      }
      mask = own_mask.data();
    }
    if (loss.type != Element::u8 && loss.type != Element::f32 && loss.type != Element::f64) {
      own_loss.resize(loss.size);
      for (std::size_t k = 0; k < loss.size; ++k) own_loss[k] = element(r.loss, k, "loss");
      loss = {own_loss.data(), Element::f64, own_loss.size()};
    }
  }
};

bool key_less(const Cell& p, const Cell& q) { return p.a != q.a ? p.a < q.a : p.b < q.b; }
bool same_key(const Cell& p, const Cell& q) { return p.a == q.a && p.b == q.b; }

// Appends the cells of one slot's samples, sorted by key. Few distinct values (the usual case) are found
// by a linear scan; many fall back to sorting the samples.
void count_cells(std::span<KeyedSample> keys, std::vector<Cell>& out) {
  const std::size_t start = out.size();
  constexpr std::size_t kLinear = 16;
  bool linear = true;
  for (const auto& k : keys) {
    std::size_t c = start;
    while (c < out.size() && !(out[c].a == k.a && out[c].b == k.b)) ++c;
    if (c == out.size()) {
      if (c - start == kLinear) {
        linear = false;
        break;
      }
      out.push_back({k.a, k.b, 0, 0});
    }
    ++(k.u ? out[c].n1 : out[c].n0);
  }
  if (linear) {
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(), key_less);
    return;
  }
  out.resize(start);
  std::sort(keys.begin(), keys.end(), [](const KeyedSample& p, const KeyedSample& q) { return p.a != q.a ? p.a < q.a : p.b < q.b; });
  for (std::size_t g = 0; g < keys.size();) {
    Cell c{keys[g].a, keys[g].b, 0, 0};
    std::size_t e = g;
    while (e < keys.size() && keys[e].a == c.a && keys[e].b == c.b) ++(keys[e++].u ? c.n1 : c.n0);
    out.push_back(c);
    g = e;
  }
}


// x ln x at the integer counts the estimators see: a table up to the largest count (with ln computed the
// same way as it would be each time), so a cell costs no logarithm.
class Xlogx {
public:
  explicit Xlogx(std::uint64_t max_count) : t_(std::min<std::uint64_t>(max_count, std::uint64_t{1} << 20) + 1) {
    for (std::size_t k = 1; k < t_.size(); ++k) t_[k] = static_cast<double>(k) * std::log(static_cast<double>(k));
  }
  double operator()(double c) const {  // c: a count (a non-negative integer)
    if (const auto k = static_cast<std::uint64_t>(c); k < t_.size()) return t_[k];
    return c * std::log(c);
  }

private:
  std::vector<double> t_;
};

// Sorts by key and combines equal keys; cells come a few at a time, so small inputs are insertion-sorted.
void combine(std::vector<Cell>& cells) {
  if (cells.size() <= 32) {
    for (std::size_t k = 1; k < cells.size(); ++k)
      for (std::size_t q = k; q > 0 && key_less(cells[q], cells[q - 1]); --q) std::swap(cells[q], cells[q - 1]);
  } else {
    std::sort(cells.begin(), cells.end(), key_less);
  }
  std::size_t w = 0;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    if (w > 0 && same_key(cells[w - 1], cells[r])) {
      cells[w - 1].n0 += cells[r].n0;
      cells[w - 1].n1 += cells[r].n1;
    } else {
      cells[w++] = cells[r];
    }
  }
  cells.resize(w);
}

// `in` regrouped by a new key (key(cell), 0): by counting when every key is -1, 0 or 1 (a loss difference
// of 0-1 losses), else by sorting. Either way the cells come out sorted by key.
template <class Key>
void regroup(std::span<const Cell> in, const Key& key, std::vector<Cell>& out) {
  out.clear();
  std::uint64_t count[3][2] = {};
  bool small = true;
  for (const auto& c : in) {
    const double d = key(c);
    if (d != -1.0 && d != 0.0 && d != 1.0) {
      small = false;
      break;
    }
    count[static_cast<int>(d) + 1][0] += c.n0;
    count[static_cast<int>(d) + 1][1] += c.n1;
  }
  if (small) {
    for (int k = 0; k < 3; ++k)
      if (count[k][0] + count[k][1] > 0)
        out.push_back({k - 1.0, 0.0, static_cast<std::uint32_t>(count[k][0]), static_cast<std::uint32_t>(count[k][1])});
    return;
  }
  for (const auto& c : in) out.push_back({key(c), 0.0, c.n0, c.n1});
  combine(out);
}

// Plug-in MI of groups g < groups, each an X value with its counts (for U = 0, for U = 1) = counts(g) as doubles,
// in key order (count_mi, the formula of table_mi; counts are integers, so the sums of x ln x are exact functions
// of them, whatever the order). An empty group changes no sum: dense tables may list every X value.
// The sums count_mi needs of groups g < groups, each an X value with its counts (for U = 0, for U = 1) =
// counts(g) as doubles, in key order; cu gets the U marginals. An empty group changes no sum: dense tables may
// list every X value.
template <class Counts>
CountSums group_sums(std::size_t groups, const Counts& counts, const Xlogx& xlogx, double (&cu)[2]) {
  CountSums t;
  cu[0] = cu[1] = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    const auto [n0, n1] = counts(g);
    t.s_xu += xlogx(n0) + xlogx(n1);
    t.s_x += xlogx(n0 + n1);
    cu[0] += n0;
    cu[1] += n1;
    t.kxu += (n0 > 0) + (n1 > 0);
    t.kx += n0 + n1 > 0;
  }
  t.m = cu[0] + cu[1];
  t.s_u = xlogx(cu[0]) + xlogx(cu[1]);
  t.ku = (cu[0] > 0) + (cu[1] > 0);
  return t;
}

// Plug-in MI of such groups (count_mi, the formula of table_mi; counts are integers, so the sums of x ln x are
// exact functions of them, whatever the order), clamped to [0, ln 2].
template <class Counts>
double mi_groups(std::size_t groups, const Counts& counts, Correction correction, const Xlogx& xlogx) {
  double cu[2];
  const CountSums t = group_sums(groups, counts, xlogx, cu);
  const auto each_cell = [&](const auto& f) {
    for (std::size_t g = 0; g < groups; ++g) {
      const auto [n0, n1] = counts(g);
      if (n0 > 0) f(n0, n0 + n1, cu[0]);
      if (n1 > 0) f(n1, n0 + n1, cu[1]);
    }
  };
  return std::clamp(count_mi(t, correction, each_cell, xlogx), 0.0, std::numbers::ln2);
}

// For each group g and u with a sample: out(g, u, d), d = (the clamped estimate without one of those samples) -
// `base` (the clamped estimate). Without correction and with Miller-Madow the sums are updated (constant work
// each); the jackknife correction is recomputed.
template <class Counts, class Out>
void delete_one(std::size_t groups, const Counts& counts, Correction correction, const Xlogx& xlogx, double base,
                const Out& out) {
  double cu[2];
  const CountSums t = group_sums(groups, counts, xlogx, cu);
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t u = 0; u < 2; ++u) {
      const auto [n0, n1] = counts(g);
      const double c = u ? n1 : n0, cx = n0 + n1;
      if (c == 0) continue;
      if (correction == Correction::jackknife) {
        const auto less = [&](std::size_t h) {
          auto n = counts(h);
          if (h == g) (u ? n.second : n.first) -= 1;
          return n;
        };
        out(g, u, mi_groups(groups, less, correction, xlogx) - base);
        continue;
      }
      CountSums r = t;
      r.s_xu += xlogx(c - 1) - xlogx(c);
      r.s_x += xlogx(cx - 1) - xlogx(cx);
      r.s_u += xlogx(cu[u] - 1) - xlogx(cu[u]);
      r.m -= 1;
      r.kxu -= c == 1, r.kx -= cx == 1, r.ku -= cu[u] == 1;
      const auto none = [](const auto&) {};
      out(g, u, std::clamp(count_mi(r, correction, none, xlogx), 0.0, std::numbers::ln2) - base);
    }
}

// c ln c for integer counts c up to max_count (x[c] = xlogx(c)) and its change when c loses one (dx[c] = x[c - 1] -
// x[c]), read by the count paths below instead of computing logarithms.
struct LossTables {
  std::vector<double> x, dx;
  explicit LossTables(std::size_t max_count, const Xlogx& xlogx) : x(max_count + 1), dx(max_count + 1) {
    for (std::size_t c = 0; c <= max_count; ++c) x[c] = xlogx(static_cast<double>(c));
    for (std::size_t c = 1; c <= max_count; ++c) dx[c] = x[c - 1] - x[c];
  }
};

// The sums of one table of G groups of integer counts: m I = sum c ln c - sum c_x ln c_x - sum c_u ln c_u + m ln m
// (`whole`), and the numbers of nonempty cells, X values and U values.
template <std::size_t G>
struct CountTerms {
  std::uint32_t cu[2] = {0, 0}, cx[G] = {}, m = 0;
  double whole = 0, kxu = 0, kx = 0, ku = 0;
  CountTerms(const std::uint32_t (&n)[G][2], const LossTables& t) {
    double s_xu = 0, s_x = 0;
    for (std::size_t g = 0; g < G; ++g) {
      cx[g] = n[g][0] + n[g][1];
      cu[0] += n[g][0], cu[1] += n[g][1];
      s_xu += t.x[n[g][0]] + t.x[n[g][1]];
      s_x += t.x[cx[g]];
      kxu += (n[g][0] > 0) + (n[g][1] > 0), kx += cx[g] > 0;
    }
    m = cu[0] + cu[1];
    ku = (cu[0] > 0) + (cu[1] > 0);
    whole = s_xu - s_x - (t.x[cu[0]] + t.x[cu[1]]) + t.x[m];
  }
};

// The clamped estimate from m I over `count` samples; Miller-Madow adds (K_x - 1 + K_u - 1 - (K_xu - 1))/2 = (mm - 1)/2
// over the count, mm = K_x + K_u - K_xu.
double clamped_mi(double m_times_mi, double mm, double count, bool miller_madow) {
  if (count < 2) return 0.0;
  const double plain = m_times_mi / count;
  return std::clamp(miller_madow ? plain + (mm - 1) / (2 * count) : plain, 0.0, std::numbers::ln2);
}

// One table's sums for the jackknife's vectorised changes (kernels::table_changes), its estimate the number
// mi_counts gives (the same operations in the same order).
template <std::size_t G>
kernels::TableSums table_sums(const std::uint32_t (&n)[G][2], const LossTables& t, bool miller_madow) {
  const CountTerms<G> c(n, t);
  return {c.whole, clamped_mi(c.whole, c.kx + c.ku - c.kxu, c.m, miller_madow), c.kxu, c.kx, c.ku};
}

double mi_cells(std::span<const Cell> cells, Correction correction, const Xlogx& xlogx) {
  return mi_groups(cells.size(), [&](std::size_t g) { return std::pair<double, double>(cells[g].n0, cells[g].n1); },
                   correction, xlogx);
}

// mi_groups of G groups of integer counts: without correction or with Miller-Madow, the same operations in the
// same order with c ln c read from tables (the same numbers bit for bit); the jackknife correction through
// mi_groups itself.
template <std::size_t G>
double mi_counts(const std::uint32_t (&n)[G][2], const LossTables& t, Correction correction, const Xlogx& xlogx) {
  if (correction == Correction::jackknife)
    return mi_groups(G, [&](std::size_t g) { return std::pair<double, double>(n[g][0], n[g][1]); }, correction, xlogx);
  const CountTerms<G> c(n, t);
  return clamped_mi(c.whole, c.kx + c.ku - c.kxu, c.m, correction == Correction::miller_madow);
}

// A slot's (or a pair's pooled) groups from its eight code counts c[loss0 + 2 loss1 + 4 u], then by u: e-cells in key
// order (loss0, loss1) = (0, 0), (0, 1), (1, 0), (1, 1), i.e. x = 0, 2, 1, 3; ld-cells by Delta = loss1 - loss0 = -1
// (x = 1), 0 (x = 0, 3), 1 (x = 2); one member's loss (x & 1 for member 0, x >> 1 for member 1).
void e_groups(const std::uint32_t* c, std::uint32_t (&g)[4][2]) {
  g[0][0] = c[0], g[0][1] = c[4], g[1][0] = c[2], g[1][1] = c[6];
  g[2][0] = c[1], g[2][1] = c[5], g[3][0] = c[3], g[3][1] = c[7];
}
void ld_groups(const std::uint32_t* c, std::uint32_t (&g)[3][2]) {
  g[0][0] = c[1], g[0][1] = c[5], g[1][0] = c[0] + c[3], g[1][1] = c[4] + c[7], g[2][0] = c[2], g[2][1] = c[6];
}
void member_groups(const std::uint32_t* c, std::size_t member, std::uint32_t (&g)[2][2]) {
  g[0][0] = g[0][1] = g[1][0] = g[1][1] = 0;
  for (std::size_t x = 0; x < 4; ++x)
    for (std::size_t u = 0; u < 2; ++u) g[member == 0 ? x & 1 : x >> 1][u] += c[x + 4 * u];
}

// A pair's single-loss MI and pooled e-MI from its code counts summed over the supersamples.
void pooled_estimates(const std::uint32_t* pooled, Correction correction, const LossTables& t, const Xlogx& xlogx,
                      double& slmi, double& emi) {
  std::uint32_t member[2][2], pair[4][2];
  member_groups(pooled, 0, member);
  const double member0 = mi_counts(member, t, correction, xlogx);
  member_groups(pooled, 1, member);
  slmi = (member0 + mi_counts(member, t, correction, xlogx)) / 2;
  e_groups(pooled, pair);
  emi = mi_counts(pair, t, correction, xlogx);
}

// The per-pair estimates of pairs [begin, end) from 0-1 losses' dense counts (SupersampleStats::e_binary_:
// count[code], code = loss0 + 2 loss1 + 4 u, per slot s * n + i) into `out`, as the cell path computes them: the
// same groups in the same order, so the same numbers bit for bit.
void binary_estimates(const std::uint32_t* counts, std::size_t k1, std::size_t n, std::size_t begin, std::size_t end,
                      Correction correction, const LossTables& t, const Xlogx& xlogx, CmiEstimates& out) {
  for (std::size_t i = begin; i < end; ++i) {
    std::uint32_t pooled[8] = {}, e[4][2], ld[3][2];
    for (std::size_t s = 0; s < k1; ++s) {
      const std::size_t k = s * n + i;
      const std::uint32_t* c = counts + 8 * k;
      e_groups(c, e);
      ld_groups(c, ld);
      out.ecmi[k] = mi_counts(e, t, correction, xlogx);
      out.ldcmi[k] = mi_counts(ld, t, correction, xlogx);
      for (std::size_t q = 0; q < 8; ++q) pooled[q] += c[q];
    }
    ld_groups(pooled, ld);
    out.ldmi[i] = mi_counts(ld, t, correction, xlogx);
    pooled_estimates(pooled, correction, t, xlogx, out.slmi[i], out.emi[i]);
  }
}

// One slot's (prediction, loss) cells, sorted by (prediction, loss), n0 / n1 counting members 0 / 1: whether
// on each member equal predictions came with equal losses; `repeats` is set if some prediction occurred twice
// on one member (the only way the test can fail).
bool follows_prediction(std::span<const Cell> joint, bool& repeats) {
  for (int m = 0; m < 2; ++m) {
    const Cell* previous = nullptr;
    for (const auto& c : joint) {
      const std::uint32_t count = m == 0 ? c.n0 : c.n1;
      if (count == 0) continue;
      if (previous && previous->a == c.a) {
        repeats = true;
        if (previous->b != c.b) return false;
      }
      repeats = repeats || count > 1;
      previous = &c;
    }
  }
  return true;
}

// The element types of losses the 0-1 kernels (binary_kernels.cpp) read.
bool binary_kernel_reads(Element e) { return e == Element::u8 || e == Element::f32 || e == Element::f64; }

bool overlap(const SupersampleStats::Block& a, const SupersampleStats::Block& b) {
  return a.s < b.s_end && b.s < a.s_end && a.j < b.j_end && b.j < a.j_end && a.i < b.i_end && b.i < a.i_end;
}

}  // namespace

// ---- ExactSum ----

void ExactSum::add(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  int exponent = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
  if (exponent == 0) {
    if (mantissa == 0) return;
    exponent = 1;  // subnormal
  } else {
    mantissa |= std::uint64_t{1} << 52;
  }
  // |x| = mantissa * 2^(exponent - 1075); bit 0 of limb 0 stands for 2^-1074.
  const int pos = exponent - 1;
  const auto k = static_cast<std::size_t>(pos >> 5);
  const U128 v = static_cast<U128>(mantissa) << (pos & 31);
  const auto d0 = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) & 0xFFFFFFFFu);
  const auto d1 = static_cast<std::int64_t>(static_cast<std::uint64_t>(v >> 32) & 0xFFFFFFFFu);
  const auto d2 = static_cast<std::int64_t>(static_cast<std::uint64_t>(v >> 64));
  if (bits >> 63) {
    limb_[k] -= d0, limb_[k + 1] -= d1, limb_[k + 2] -= d2;
  } else {
    limb_[k] += d0, limb_[k + 1] += d1, limb_[k + 2] += d2;
  }
  if (++pending_ >= kPendingLimit) normalise();
}

void ExactSum::normalise() {
  std::int64_t carry = 0;
  for (int k = 0; k < kLimbs - 1; ++k) {
    const std::int64_t v = limb_[static_cast<std::size_t>(k)] + carry;
    limb_[static_cast<std::size_t>(k)] = v & kDigitMask;
    carry = v >> 32;  // arithmetic: v = carry * 2^32 + digit
  }
  limb_[kLimbs - 1] += carry;
  pending_ = 0;
}

void ExactSum::add(const ExactSum& other, bool negate) {
  ExactSum o = other;
  o.normalise();
  normalise();
  for (std::size_t k = 0; k < limb_.size(); ++k) limb_[k] += negate ? -o.limb_[k] : o.limb_[k];
  pending_ = 2;
}

std::array<std::int64_t, ExactSum::kLimbs> ExactSum::limbs() const {
  ExactSum t = *this;
  t.normalise();
  return t.limb_;
}

ExactSum ExactSum::from_limbs(const std::array<std::int64_t, kLimbs>& limbs) {
  ExactSum s;
  s.limb_ = limbs;
  s.pending_ = 2;
  return s;
}

bool ExactSum::operator==(const ExactSum& other) const { return limbs() == other.limbs(); }

double ExactSum::value() const {
  auto l = limbs();
  const bool negative = l[kLimbs - 1] < 0;
  if (negative) {
    for (auto& d : l) d = -d;
    l = from_limbs(l).limbs();
  }
  int h = kLimbs - 1;
  while (h >= 0 && l[static_cast<std::size_t>(h)] == 0) --h;
  if (h < 0) return 0.0;
  if (h >= kLimbs - 2) return negative ? -HUGE_VAL : HUGE_VAL;  // at least 2^1038
  // The top three digits and a sticky bit for everything below: one correctly rounded conversion.
  const int b = std::max(h - 2, 0);
  U128 m = 0;
  for (int k = h; k >= b; --k) m = (m << 32) | static_cast<std::uint64_t>(l[static_cast<std::size_t>(k)]);
  for (int k = 0; k < b; ++k)
    if (l[static_cast<std::size_t>(k)] != 0) m |= 1;
  const double r = std::ldexp(static_cast<double>(m), 32 * b - 1074);
  return negative ? -r : r;
}

// ---- views ----

SupersampleRuns to_runs(const SupersampleView& v) {
  SupersampleStats::accumulate(v);  // every value checked before any is converted
  const auto as_doubles = [](const ElementArray& a, const char* field) {
    std::vector<double> out(a.data ? a.size : 0);
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = element(a, k, field);
    return out;
  };
  SupersampleRuns r;
  r.k1 = v.k1, r.k2 = v.k2, r.n = v.n;
  r.loss_min = v.loss_min, r.loss_max = v.loss_max;
  const Arrays x(v);
  r.mask.assign(x.mask, x.mask + v.mask.size);
  r.loss = as_doubles(v.loss, "loss");
  r.pred = as_doubles(v.pred, "pred");
  return r;
}

// ---- MI from cells ----

double mi_from_cells(std::span<const Cell> cells, Correction correction) {
  return mi_cells(cells, correction, Xlogx(0));  // an empty table: x ln x computed each time
}

double discrete_mi_binary(std::vector<KeyedSample>& keys, Correction correction) {
  thread_local std::vector<Cell> cells;  // one allocation per thread, reused for every call
  cells.clear();
  count_cells(keys, cells);
  return mi_from_cells(cells, correction);
}

// ---- accumulate ----

namespace {

// Whatever one accumulate call fills in, pair block by pair block, in slot order.
struct Shard {
  const SupersampleView& v;
  const Arrays& x;
  std::size_t k2, n;
  std::uint32_t* e_binary;  // the dense counts while the shard has them
  SupersampleStats::CellTable& e;
  SupersampleStats::CellTable& f;
  SupersampleStats::CellTable& joint;
  std::vector<ExactSum>& train;
  std::vector<ExactSum>& held;
};

// 0-1 losses (the usual case): each element's code loss0 + 2 loss1 + 4 u counted into its slot's eight counts
// (binary_kernels.cpp), and each run's number of trained / held-out losses 1 into ones[2 j] / ones[2 j + 1]. False,
// with those slots' counts undefined and nothing else changed, at the first value that is not 0 or 1 (the general
// kernel then takes over).
template <class Pick>
bool binary_counts(const Shard& sh, std::size_t s, std::size_t b, std::size_t len, const Pick& pick, std::uint32_t* ones) {
  thread_local std::vector<const std::uint8_t*> mask;
  thread_local std::vector<const unsigned char*> loss;
  mask.resize(sh.k2), loss.resize(sh.k2);
  const std::size_t size = sh.x.loss.type == Element::u8 ? 1 : sh.x.loss.type == Element::f32 ? 4 : 8;
  for (std::size_t j = 0; j < sh.k2; ++j) {
    const std::size_t first = (s * sh.k2 + pick(s, j)) * sh.n + b;
    mask[j] = sh.x.mask + first;
    loss[j] = static_cast<const unsigned char*>(sh.x.loss.data) + 2 * first * size;
  }
  const kernels::Rows rows{mask.data(), loss.data(), sh.x.loss.type, sh.k2, len};
  return kernels::count_codes(rows, sh.e_binary + 8 * (s * sh.n + b), ones);
}

void add_ones(Shard& sh, std::size_t s, const std::uint32_t* ones) {
  for (std::size_t j = 0; j < sh.k2; ++j) {
    sh.train[s * sh.k2 + j].add(static_cast<double>(ones[2 * j]));
    sh.held[s * sh.k2 + j].add(static_cast<double>(ones[2 * j + 1]));
  }
}

template <class Pick>
bool binary_block(Shard& sh, std::size_t s, std::size_t b, std::size_t len, const Pick& pick) {
  thread_local std::vector<std::uint32_t> ones;
  ones.resize(2 * sh.k2);
  if (!binary_counts(sh, s, b, len, pick, ones.data())) return false;
  add_ones(sh, s, ones.data());
  return true;
}

// Any values: gathers each pair's samples over the runs (a few pairs at a time) and counts them.
// `sample(c, j, keys)` validates element c of output run j and writes its Per keys.
template <std::size_t Per = 1, class Pick, class Sample>
void gather_block(const Shard& sh, std::size_t s, std::size_t b, std::size_t len, const Pick& pick,
                  SupersampleStats::CellTable& table, const Sample& sample) {
  thread_local std::vector<KeyedSample> keys;
  const std::size_t slot_keys = Per * sh.k2;
  const std::size_t group = std::max<std::size_t>(1, 16384 / slot_keys);
  for (std::size_t g = 0; g < len; g += group) {
    const std::size_t width = std::min(group, len - g);
    keys.resize(width * slot_keys);
    for (std::size_t j = 0; j < sh.k2; ++j) {
      const std::size_t first = (s * sh.k2 + pick(s, j)) * sh.n + b + g;
      for (std::size_t i = 0; i < width; ++i) sample(first + i, j, &keys[i * slot_keys + Per * j]);
    }
    for (std::size_t i = 0; i < width; ++i) {
      count_cells(std::span(keys).subspan(i * slot_keys, slot_keys), table.cells);
      table.offsets.push_back(table.cells.size());
    }
  }
}

template <class T, class Pick>
void general_block(Shard& sh, std::size_t s, std::size_t b, std::size_t len, const Pick& pick) {
  const double lo = sh.v.loss_min, hi = sh.v.loss_max;
  gather_block(sh, s, b, len, pick, sh.e, [&](std::size_t c, std::size_t j, KeyedSample* key) {
    const std::uint8_t u = sh.x.mask[c];
    if (u > 1) bad_mask(u);
    const auto a = static_cast<double>(load<T>(sh.x.loss.data, 2 * c));
    const auto d = static_cast<double>(load<T>(sh.x.loss.data, 2 * c + 1));
    check_loss(a, lo, hi);
    check_loss(d, lo, hi);
    sh.train[s * sh.k2 + j].add(u ? d : a);
    sh.held[s * sh.k2 + j].add(u ? a : d);
    *key = {a + 0.0, d + 0.0, u};  // + 0.0: -0 and +0 are one key
  });
}

}  // namespace

template <class Picks>
SupersampleStats SupersampleStats::accumulate_impl(const SupersampleView& v, SupersampleOffsets at, const Picks& pick,
                                                   unsigned threads) {
  check_view(v);
  if (at.supersample < 0 || at.run < 0 || at.pair < 0) fail("offset", "shard offsets must be non-negative");
  constexpr std::int64_t kMaxIndex = std::int64_t{1} << 40;
  if (at.supersample > kMaxIndex || at.run > kMaxIndex || at.pair > kMaxIndex) fail("offset", "shard offset too large");
  const Arrays x(v);
  const auto k1 = static_cast<std::size_t>(v.k1), k2 = static_cast<std::size_t>(v.k2), n = static_cast<std::size_t>(v.n);

  SupersampleStats st;
  st.loss_min_ = v.loss_min;
  st.loss_max_ = v.loss_max;
  st.has_pred_ = v.pred.data != nullptr;
  st.s_begin_ = at.supersample, st.s_end_ = at.supersample + v.k1;
  st.j_begin_ = at.run, st.j_end_ = at.run + v.k2;
  st.i_begin_ = at.pair, st.i_end_ = at.pair + v.n;
  st.blocks_ = {{st.s_begin_, st.s_end_, st.j_begin_, st.j_end_, st.i_begin_, st.i_end_}};
  if (st.has_pred_) st.f_.offsets.push_back(0), st.joint_.offsets.push_back(0);
  st.train_.resize(k1 * k2);
  st.held_.resize(k1 * k2);
  // 0 and 1 must lie in the declared range for the 0-1 kernel; otherwise the general one reports the range. The
  // dense counts hold until a block has another value: the slots so far then become cells, and the rest go to
  // the general kernel.
  st.dense_ = v.loss_min <= 0.0 && v.loss_max >= 1.0;
  if (st.dense_) st.e_binary_.resize(8 * k1 * n);
  const auto to_cells = [&](std::size_t slots_done) {
    std::array<Cell, 4> buffer;
    st.e_.offsets.assign(1, 0);
    for (std::size_t k = 0; k < slots_done; ++k) {
      const auto cells = st.e_slot(k, buffer);
      st.e_.cells.insert(st.e_.cells.end(), cells.begin(), cells.end());
      st.e_.offsets.push_back(st.e_.cells.size());
    }
    st.dense_ = false;
    st.e_binary_ = {};
  };
  if (!st.dense_) to_cells(0);

  Shard sh{v, x, k2, n, st.e_binary_.data(), st.e_, st.f_, st.joint_, st.train_, st.held_};
  constexpr std::size_t kBlock = kernels::kMaxPairs;  // pairs per block: the counters stay in L1
  // Large runs of 0-1 losses without predictions: the blocks counted on threads, each writing only its own slots'
  // counts and its runs' ones, which are added to the sums afterwards (ExactSum: the same sums in any order). At a
  // value that is not 0 or 1 the loop below counts everything again, one block after another.
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  if (st.dense_ && !st.has_pred_ && threads > 1 && k1 * blocks > 1) {
    std::vector<std::uint32_t> ones(k1 * blocks * 2 * k2);
    std::atomic<bool> binary{true};
    parallel_for(k1 * blocks, threads, [&](std::size_t item) {
      const std::size_t s = item / blocks, b = item % blocks * kBlock;
      if (binary.load(std::memory_order_relaxed) &&
          !binary_counts(sh, s, b, std::min(kBlock, n - b), pick, ones.data() + item * 2 * k2))
        binary.store(false, std::memory_order_relaxed);
    });
    if (binary) {
      for (std::size_t item = 0; item < k1 * blocks; ++item) add_ones(sh, item / blocks, ones.data() + item * 2 * k2);
      return st;
    }
  }
  for (std::size_t s = 0; s < k1; ++s)
    for (std::size_t b = 0; b < n; b += kBlock) {
      const std::size_t len = std::min(kBlock, n - b);
      with_type(x.loss.type, [&](auto t) {
        using T = decltype(t);
        if constexpr (std::is_same_v<T, std::uint8_t> || std::is_same_v<T, float> || std::is_same_v<T, double>) {
          if (st.dense_ && binary_block(sh, s, b, len, pick)) return;
          if (st.dense_) to_cells(s * n + b);
          general_block<T>(sh, s, b, len, pick);
        }
      });
      if (st.has_pred_) {
        gather_block(sh, s, b, len, pick, st.f_, [&](std::size_t c, std::size_t, KeyedSample* key) {
          const double p0 = element(v.pred, 2 * c, "pred"), p1 = element(v.pred, 2 * c + 1, "pred");
          check_pred(p0);
          check_pred(p1);
          *key = {p0 + 0.0, p1 + 0.0, x.mask[c]};
        });
        // Each member's (prediction, loss), its "u" the member: values checked by the passes above.
        gather_block<2>(sh, s, b, len, pick, st.joint_, [&](std::size_t c, std::size_t, KeyedSample* key) {
          for (std::uint8_t m = 0; m < 2; ++m)
            key[m] = {element(v.pred, 2 * c + m, "pred") + 0.0, element(x.loss, 2 * c + m, "loss") + 0.0, m};
        });
      }
    }
  return st;
}

SupersampleStats SupersampleStats::accumulate(const SupersampleView& runs, SupersampleOffsets at) {
  const auto elements = static_cast<std::size_t>(runs.k1) * static_cast<std::size_t>(runs.k2) * static_cast<std::size_t>(runs.n);
  return accumulate_impl(runs, at, [](std::size_t, std::size_t j) { return j; }, threads_for(elements, 0));
}

SupersampleStats SupersampleStats::accumulate(const SupersampleView& runs, std::span<const std::uint32_t> picks) {
  check_view(runs);
  const auto k2 = static_cast<std::size_t>(runs.k2);
  if (picks.size() != static_cast<std::size_t>(runs.k1) * k2) fail("picks", "need one stored run per (supersample, run)");
  for (const auto p : picks)
    if (p >= k2) fail("picks", "run index out of range");
  // One thread: the bootstrap runs its replicates on threads.
  return accumulate_impl(
      runs, {}, [&](std::size_t s, std::size_t j) { return static_cast<std::size_t>(picks[s * k2 + j]); }, 1);
}

// ---- the e-cells in either form ----

std::span<const Cell> SupersampleStats::e_slot(std::size_t k, std::array<Cell, 4>& buffer) const {
  if (!dense_) return std::span(e_.cells).subspan(e_.offsets[k], e_.offsets[k + 1] - e_.offsets[k]);
  const std::uint32_t* count = e_binary_.data() + 8 * k;
  std::size_t used = 0;
  for (const std::uint32_t x : {0u, 2u, 1u, 3u})  // keys (loss0, loss1) in order: (0, 0), (0, 1), (1, 0), (1, 1)
    if (count[x] + count[x + 4] > 0)
      buffer[used++] = {static_cast<double>(x & 1), static_cast<double>(x >> 1), count[x], count[x + 4]};
  return std::span<const Cell>(buffer.data(), used);
}

const SupersampleStats::CellTable& SupersampleStats::e_table(CellTable& buffer) const {
  if (!dense_) return e_;
  buffer.offsets.assign(1, 0);
  buffer.cells.clear();
  std::array<Cell, 4> cells;
  for (std::size_t k = 0; k < slots(); ++k) {
    const auto slot = e_slot(k, cells);
    buffer.cells.insert(buffer.cells.end(), slot.begin(), slot.end());
    buffer.offsets.push_back(buffer.cells.size());
  }
  return buffer;
}

// ---- merge ----

SupersampleStats SupersampleStats::merged(const SupersampleStats& t, const SupersampleStats& o) {
  if (o.empty()) return t;
  if (t.empty()) return o;
  if (o.loss_min_ != t.loss_min_ || o.loss_max_ != t.loss_max_)
    fail("stats", "shards declare different loss ranges: [" + format_number(t.loss_min_) + ", " + format_number(t.loss_max_) +
                      "] and [" + format_number(o.loss_min_) + ", " + format_number(o.loss_max_) + "]");
  if (o.has_pred_ != t.has_pred_) fail("pred", "present in some shards only");
  for (const auto& a : t.blocks_)
    for (const auto& b : o.blocks_)
      if (overlap(a, b))
        fail("stats", "shards overlap: supersample " + std::to_string(std::max(a.s, b.s)) + ", run " +
                          std::to_string(std::max(a.j, b.j)) + ", pair " + std::to_string(std::max(a.i, b.i)) +
                          " is in both");
  SupersampleStats m;
  m.loss_min_ = t.loss_min_, m.loss_max_ = t.loss_max_, m.has_pred_ = t.has_pred_;
  m.s_begin_ = std::min(t.s_begin_, o.s_begin_), m.s_end_ = std::max(t.s_end_, o.s_end_);
  m.j_begin_ = std::min(t.j_begin_, o.j_begin_), m.j_end_ = std::max(t.j_end_, o.j_end_);
  m.i_begin_ = std::min(t.i_begin_, o.i_begin_), m.i_end_ = std::max(t.i_end_, o.i_end_);
  // The merged tables are allocated over the bounding box (holes included).
  if (static_cast<double>(m.k1()) * static_cast<double>(std::max(m.n(), m.k2())) > 1e12)
    fail("stats", "merged shards span too large a box");
  m.blocks_ = t.blocks_;
  m.blocks_.insert(m.blocks_.end(), o.blocks_.begin(), o.blocks_.end());

  // Slot (s, i) of a side's table, or an empty range outside its box.
  const auto slot_cells = [](const SupersampleStats& side, const CellTable& table, std::int64_t s, std::int64_t i) {
    if (s < side.s_begin_ || s >= side.s_end_ || i < side.i_begin_ || i >= side.i_end_) return std::span<const Cell>();
    const auto k = static_cast<std::size_t>((s - side.s_begin_) * side.n() + (i - side.i_begin_));
    return std::span(table.cells).subspan(table.offsets[k], table.offsets[k + 1] - table.offsets[k]);
  };
  const auto merge_table = [&](const CellTable& ta, const CellTable& tb, CellTable& out) {
    out.offsets.reserve(m.slots() + 1);
    out.offsets.push_back(0);
    out.cells.reserve(ta.cells.size() + tb.cells.size());
    for (std::int64_t s = m.s_begin_; s < m.s_end_; ++s)
      for (std::int64_t i = m.i_begin_; i < m.i_end_; ++i) {
        const auto a = slot_cells(t, ta, s, i), b = slot_cells(o, tb, s, i);
        std::size_t p = 0, q = 0;
        while (p < a.size() || q < b.size()) {
          if (q == b.size() || (p < a.size() && key_less(a[p], b[q]))) out.cells.push_back(a[p++]);
          else if (p == a.size() || key_less(b[q], a[p])) out.cells.push_back(b[q++]);
          else {
            const std::uint64_t n0 = std::uint64_t{a[p].n0} + b[q].n0, n1 = std::uint64_t{a[p].n1} + b[q].n1;
            if (n0 > std::numeric_limits<std::uint32_t>::max() || n1 > std::numeric_limits<std::uint32_t>::max())
              fail("stats", "count overflow");
            out.cells.push_back({a[p].a, a[p].b, static_cast<std::uint32_t>(n0), static_cast<std::uint32_t>(n1)});
            ++p, ++q;
          }
        }
        out.offsets.push_back(out.cells.size());
      }
  };
  if (t.dense_ && o.dense_) {
    m.dense_ = true;
    m.e_binary_.assign(8 * m.slots(), 0);
    for (const SupersampleStats* side : {&t, &o})
      for (std::int64_t s = side->s_begin_; s < side->s_end_; ++s)
        for (std::int64_t i = side->i_begin_; i < side->i_end_; ++i) {
          const auto from = static_cast<std::size_t>((s - side->s_begin_) * side->n() + (i - side->i_begin_));
          const auto to = static_cast<std::size_t>((s - m.s_begin_) * m.n() + (i - m.i_begin_));
          for (std::size_t c = 0; c < 8; ++c) {
            std::uint32_t& sum = m.e_binary_[8 * to + c];
            if (sum > std::numeric_limits<std::uint32_t>::max() - side->e_binary_[8 * from + c]) fail("stats", "count overflow");
            sum += side->e_binary_[8 * from + c];
          }
        }
  } else {
    CellTable ta, tb;
    merge_table(t.e_table(ta), o.e_table(tb), m.e_);
  }
  if (t.has_pred_) {
    merge_table(t.f_, o.f_, m.f_);
    merge_table(t.joint_, o.joint_, m.joint_);
  }
  m.train_.resize(static_cast<std::size_t>(m.k1() * m.k2()));
  m.held_.resize(m.train_.size());
  for (const SupersampleStats* side : {&t, &o})
    for (std::int64_t s = side->s_begin_; s < side->s_end_; ++s)
      for (std::int64_t j = side->j_begin_; j < side->j_end_; ++j) {
        const auto from = static_cast<std::size_t>((s - side->s_begin_) * side->k2() + (j - side->j_begin_));
        const auto to = static_cast<std::size_t>((s - m.s_begin_) * m.k2() + (j - m.j_begin_));
        m.train_[to].add(side->train_[from]);
        m.held_[to].add(side->held_[from]);
      }
  return m;
}

void SupersampleStats::merge(const SupersampleStats& other) { *this = merged(*this, other); }

bool SupersampleStats::complete() const {
  if (empty() || s_begin_ != 0 || j_begin_ != 0 || i_begin_ != 0) return false;
  double covered = 0;  // blocks are disjoint (merge checks), so they tile the box iff their volumes add up
  for (const auto& b : blocks_)
    covered += static_cast<double>(b.s_end - b.s) * static_cast<double>(b.j_end - b.j) * static_cast<double>(b.i_end - b.i);
  return covered == static_cast<double>(k1()) * static_cast<double>(k2()) * static_cast<double>(n());
}

// ---- finalize ----

CmiEstimates SupersampleStats::finalize(Correction correction) const { return finalize_impl(correction, true); }

std::pair<CmiEstimates, SupersampleStats::RunDeltas> SupersampleStats::finalize_with_run_deltas(
    const SupersampleView& runs, Correction correction, unsigned threads) const {
  const bool fused = dense_ && binary_kernel_reads(runs.loss.type);
  CmiEstimates estimates = finalize_impl(correction, !fused);
  RunDeltas deltas = leave_one_run_out_impl(runs, correction, threads, fused ? &estimates : nullptr);
  return {std::move(estimates), std::move(deltas)};
}

CmiEstimates SupersampleStats::finalize_impl(Correction correction, bool dense_estimates) const {
  if (!complete())
    fail("stats", empty() ? "no runs accumulated"
                          : "the merged shards do not cover supersamples [0, k1), runs [0, k2) and pairs [0, n) exactly "
                            "once (box from (" + std::to_string(s_begin_) + ", " + std::to_string(j_begin_) + ", " +
                                std::to_string(i_begin_) + "))");
  const auto k1 = static_cast<std::size_t>(this->k1()), k2 = static_cast<std::size_t>(this->k2()),
             n = static_cast<std::size_t>(this->n());
  if (k1 * k2 > std::numeric_limits<std::uint32_t>::max()) fail("stats", "more than 2^32 runs");  // pooled counts
  CmiEstimates out;
  out.ecmi.resize(k1 * n);
  out.ldcmi.resize(k1 * n);
  if (has_pred_) out.fcmi.resize(k1 * n);
  out.ldmi.resize(n);
  out.slmi.resize(n);
  out.emi.resize(n);
  loss_flags(out.interpolating, out.zero_one);

  // ld-CMI groups a slot's e-cells by Delta = loss1 - loss0; ld-MI pools those over the supersamples, and the
  // single-loss MI pools the e-cells themselves, grouped by the loss on one member.
  const Xlogx xlogx(k1 * k2);  // the largest count: a pair's samples pooled over every run
  const auto slot = [](const CellTable& t, std::size_t k) {
    return std::span(t.cells).subspan(t.offsets[k], t.offsets[k + 1] - t.offsets[k]);
  };
  std::vector<Cell> ld, pooled_in, pooled, pair_in;
  std::array<Cell, 4> buffer;
  if (has_pred_)
    for (std::size_t k = 0; k < k1 * n && out.loss_follows_prediction; ++k)
      out.loss_follows_prediction = follows_prediction(slot(joint_, k), out.prediction_repeats);
  for (std::size_t i = 0; i < n && has_pred_; ++i)
    for (std::size_t s = 0; s < k1; ++s) out.fcmi[s * n + i] = mi_cells(slot(f_, s * n + i), correction, xlogx);
  if (dense_ && dense_estimates) {
    const LossTables tables(k1 * k2, xlogx);
    parallel_for((n + 4095) / 4096, threads_for(k1 * k2 * n, 0), [&](std::size_t block) {
      binary_estimates(e_binary_.data(), k1, n, 4096 * block, std::min(n, 4096 * (block + 1)), correction, tables, xlogx, out);
    });
  }
  for (std::size_t i = 0; i < n && !dense_; ++i) {
    pooled_in.clear();
    pair_in.clear();
    for (std::size_t s = 0; s < k1; ++s) {
      const std::size_t k = s * n + i;
      const auto cells = e_slot(k, buffer);
      out.ecmi[k] = mi_cells(cells, correction, xlogx);
      regroup(cells, [](const Cell& c) { return c.b - c.a + 0.0; }, ld);  // + 0.0: -0 and +0 are one key
      out.ldcmi[k] = mi_cells(ld, correction, xlogx);
      pooled_in.insert(pooled_in.end(), ld.begin(), ld.end());
      pair_in.insert(pair_in.end(), cells.begin(), cells.end());
    }
    regroup(pooled_in, [](const Cell& c) { return c.a; }, pooled);
    out.ldmi[i] = mi_cells(pooled, correction, xlogx);
    regroup(pair_in, [](const Cell& c) { return c.a; }, pooled);
    const double member0 = mi_cells(pooled, correction, xlogx);
    regroup(pair_in, [](const Cell& c) { return c.b; }, pooled);
    out.slmi[i] = (member0 + mi_cells(pooled, correction, xlogx)) / 2;
    pooled.assign(pair_in.begin(), pair_in.end());  // the loss pairs of every supersample, as one table
    combine(pooled);
    out.emi[i] = mi_cells(pooled, correction, xlogx);
  }

  ExactSum train, held;
  out.run_gap.resize(k1 * k2);
  out.supersample_train.resize(k1);
  out.supersample_heldout.resize(k1);
  for (std::size_t s = 0; s < k1; ++s) {
    ExactSum supersample, supersample_held;
    for (std::size_t r = s * k2; r < (s + 1) * k2; ++r) {
      ExactSum gap = held_[r];
      gap.add(train_[r], true);
      out.run_gap[r] = gap.value() / static_cast<double>(n);
      supersample.add(train_[r]);
      supersample_held.add(held_[r]);
    }
    // Each rounded once from its exact sum, then divided: within an ulp or two of the exact mean (the certified
    // held-out limit is padded for that, not for a sum of rounded gaps of either sign).
    out.supersample_train[s] = supersample.value() / static_cast<double>(k2 * n);
    out.supersample_heldout[s] = supersample_held.value() / static_cast<double>(k2 * n);
    train.add(supersample);
    held.add(supersample_held);
  }
  const double total = static_cast<double>(k1 * k2 * n);
  out.train_error = train.value() / total;
  out.heldout_error = held.value() / total;
  return out;
}

// ---- leave one run out ----

namespace {

// Per element of the runs, as the statistics keyed it: the e-cell key (loss0, loss1), the f-cell key (pred0,
// pred1) and u.
struct Element3 {
  double a, b, p0, p1;
  std::uint8_t u;
};

// The index of `key` among a slot's cells (sorted by (a, b), `key` among them).
std::size_t cell_index(std::span<const Cell> cells, double a, double b) {
  const auto at = std::lower_bound(cells.begin(), cells.end(), Cell{a, b, 0, 0}, key_less);
  return static_cast<std::size_t>(at - cells.begin());
}

}  // namespace

SupersampleStats::RunDeltas SupersampleStats::leave_one_run_out(const SupersampleView& v, Correction correction,
                                                                 unsigned threads) const {
  return leave_one_run_out_impl(v, correction, threads, nullptr);
}

SupersampleStats::RunDeltas SupersampleStats::leave_one_run_out_impl(const SupersampleView& v, Correction correction,
                                                                      unsigned threads, CmiEstimates* estimates) const {
  if (!complete()) fail("stats", "leaving out runs needs statistics of the complete runs");
  if (v.k1 != k1() || v.k2 != k2() || v.n != n()) fail("runs", "have another shape than the statistics");
  check_view(v);
  const Arrays x(v);
  const auto k1 = static_cast<std::size_t>(this->k1()), k2 = static_cast<std::size_t>(this->k2()),
             n = static_cast<std::size_t>(this->n());
  threads = threads_for(k1 * k2 * n, threads);
  RunDeltas out;
  for (auto* d : {&out.ecmi, &out.ldcmi, &out.ldmi}) d->assign(k1 * k2, 0.0);
  if (has_pred_) out.fcmi.assign(k1 * k2, 0.0);
  const Xlogx xlogx(k1 * k2);
  const double slot_units = static_cast<double>(k1 * n), pair_units = static_cast<double>(n);
  // A slot's groups: e-cells by x = loss0 + 2 loss1 in key order; ld-cells by Delta + 1 (x = 1 | 0, 3 | 2).
  static constexpr std::size_t kKey[4] = {0, 2, 1, 3}, kDelta[4] = {1, 0, 2, 1};
  const bool binary = dense_ && binary_kernel_reads(x.loss.type);
  if (binary) {
    // Each unit's change by the code of the sample left out: ld-MI's per pair first, then e- and ld-CMI's per slot,
    // a block of pairs of one supersample at a time, each block's sums over its pairs kept apart and added in
    // block order (the same numbers whatever the threads).
    // Without the jackknife correction, each unit's table sums here and its eight changes in vector lanes
    // (kernels::table_changes, constant work per change); with it, every change recomputed (delete_one).
    // With `estimates`, each unit's estimate (the base of its changes, the number finalize gives) is written there.
    const bool by_tables = correction != Correction::jackknife, miller_madow = correction == Correction::miller_madow;
    const LossTables counts_ln(by_tables || estimates ? k1 * k2 : 0, xlogx);
    const auto recomputed = [&](const auto& counts, auto& d) {
      constexpr std::size_t G = std::extent_v<std::remove_reference_t<decltype(d)>>;
      const auto groups = [&](std::size_t g) { return std::pair<double, double>(counts[g][0], counts[g][1]); };
      for (auto& row : d) row[0] = row[1] = 0;
      const double base = mi_groups(G, groups, correction, xlogx);
      delete_one(G, groups, correction, xlogx, base, [&](std::size_t g, std::size_t u, double change) { d[g][u] = change; });
      return base;
    };
    // One item per block of pairs, every supersample: the block's ld-MI changes (pooled over supersamples) are
    // made once, and no table spans all pairs.
    const std::size_t blocks = (n + kernels::kMaxPairs - 1) / kernels::kMaxPairs;
    std::vector<double> sums(k1 * blocks * 3 * k2, 0.0);
    parallel_for(blocks, threads, [&](std::size_t block) {
      const std::size_t b = block * kernels::kMaxPairs, len = std::min(kernels::kMaxPairs, n - b);
      // Every entry a sample's code can select is written below; the others are never added. Scratch as wide as
      // this call's widest block (fresh memory costs a fault per page here: small runs touch little of it).
      thread_local std::vector<double> tables;
      thread_local std::vector<kernels::TableSums> terms;
      thread_local std::vector<std::uint32_t> codes_pooled;
      thread_local std::vector<const std::uint8_t*> mask;
      thread_local std::vector<const unsigned char*> loss;
      const std::size_t width = std::min(kernels::kMaxPairs, n);
      if (tables.size() < 3 * 8 * width) tables.resize(3 * 8 * width);
      if (terms.size() < 2 * width) terms.resize(2 * width);
      if (codes_pooled.size() < 8 * width) codes_pooled.resize(8 * width);
      double* const e = tables.data();
      double* const ld = e + 8 * width;
      double* const ldmi = ld + 8 * width;
      kernels::TableSums* const e_terms = terms.data();
      kernels::TableSums* const ld_terms = e_terms + width;
      std::uint32_t* const pooled_codes = codes_pooled.data();
      std::fill(pooled_codes, pooled_codes + 8 * len, 0u);
      mask.resize(k2), loss.resize(k2);
      for (std::size_t s = 0; s < k1; ++s)
        for (std::size_t i = 0; i < 8 * len; ++i) pooled_codes[i] += e_binary_[8 * (s * n + b) + i];
      for (std::size_t i = 0; i < len; ++i) {
        std::uint32_t pooled[3][2];
        ld_groups(pooled_codes + 8 * i, pooled);
        double ldmi_estimate;
        if (by_tables) {
          ld_terms[i] = table_sums(pooled, counts_ln, miller_madow);
          ldmi_estimate = ld_terms[i].base;
        } else {
          double d[3][2];
          ldmi_estimate = recomputed(pooled, d);
          for (std::size_t q = 0; q < 8; ++q) ldmi[8 * i + q] = d[kDelta[q & 3]][q >> 2];
        }
        if (estimates) {
          estimates->ldmi[b + i] = ldmi_estimate;
          pooled_estimates(pooled_codes + 8 * i, correction, counts_ln, xlogx, estimates->slmi[b + i],
                           estimates->emi[b + i]);
        }
      }
      if (by_tables)
        kernels::table_changes(kernels::Cells::ld, pooled_codes, ld_terms, len,
                               static_cast<std::uint32_t>(k1 * k2), counts_ln.dx.data(), miller_madow, ldmi);
      for (std::size_t s = 0; s < k1; ++s) {
        const std::uint32_t* codes = e_binary_.data() + 8 * (s * n + b);
        for (std::size_t i = 0; i < len; ++i) {
          std::uint32_t e_counts[4][2], ld_counts[3][2];
          e_groups(codes + 8 * i, e_counts);
          ld_groups(codes + 8 * i, ld_counts);
          double ecmi_estimate, ldcmi_estimate;
          if (by_tables) {
            e_terms[i] = table_sums(e_counts, counts_ln, miller_madow);
            ld_terms[i] = table_sums(ld_counts, counts_ln, miller_madow);
            ecmi_estimate = e_terms[i].base, ldcmi_estimate = ld_terms[i].base;
          } else {
            double de[4][2], dld[3][2];
            ecmi_estimate = recomputed(e_counts, de), ldcmi_estimate = recomputed(ld_counts, dld);
            for (std::size_t q = 0; q < 8; ++q) {
              e[8 * i + q] = de[kKey[q & 3]][q >> 2];  // kKey is its own inverse: x = 0, 2, 1, 3 <-> group 0, 1, 2, 3
              ld[8 * i + q] = dld[kDelta[q & 3]][q >> 2];
            }
          }
          if (estimates) estimates->ecmi[s * n + b + i] = ecmi_estimate, estimates->ldcmi[s * n + b + i] = ldcmi_estimate;
        }
        if (by_tables) {
          const auto m = static_cast<std::uint32_t>(k2);
          kernels::table_changes(kernels::Cells::e, codes, e_terms, len, m, counts_ln.dx.data(), miller_madow, e);
          kernels::table_changes(kernels::Cells::ld, codes, ld_terms, len, m, counts_ln.dx.data(), miller_madow, ld);
        }
        const std::size_t size = x.loss.type == Element::u8 ? 1 : x.loss.type == Element::f32 ? 4 : 8;
        for (std::size_t j = 0; j < k2; ++j) {
          const std::size_t first = (s * k2 + j) * n + b;
          mask[j] = x.mask + first;
          loss[j] = static_cast<const unsigned char*>(x.loss.data) + 2 * first * size;
        }
        const double* by_code[3] = {e, ld, ldmi};
        const std::size_t item = s * blocks + block;
        kernels::sum_tables({mask.data(), loss.data(), x.loss.type, k2, len}, by_code, sums.data() + item * 3 * k2);
      }
    });
    for (std::size_t item = 0; item < k1 * blocks; ++item) {
      const std::size_t s = item / blocks;
      for (std::size_t j = 0; j < k2; ++j) {
        out.ecmi[s * k2 + j] += sums[(item * 3 + 0) * k2 + j];
        out.ldcmi[s * k2 + j] += sums[(item * 3 + 1) * k2 + j];
        out.ldmi[s * k2 + j] += sums[(item * 3 + 2) * k2 + j];
      }
    }
  }
  // Any values (and f-CMI, whose cells are the predictions'): each pair's units and their changes by cell, then
  // every sample looked up in its unit's cells.
  const auto value = [&](const ElementArray& a, std::size_t k) { return element(a, k, "loss") + 0.0; };
  std::vector<Cell> ld_cells, pooled_in, pooled;
  std::vector<std::array<double, 2>> ld_change, pooled_change, e_change, f_change;
  const auto changes = [&](std::span<const Cell> cells, std::vector<std::array<double, 2>>& d) {
    d.assign(cells.size(), {0.0, 0.0});
    const auto groups = [&](std::size_t g) { return std::pair<double, double>(cells[g].n0, cells[g].n1); };
    delete_one(cells.size(), groups, correction, xlogx, mi_groups(cells.size(), groups, correction, xlogx),
               [&](std::size_t g, std::size_t u, double change) { d[g][u] = change; });
  };
  std::array<Cell, 4> buffer;
  const auto slot_cells = [](const CellTable& t, std::size_t k) {
    return std::span(t.cells).subspan(t.offsets[k], t.offsets[k + 1] - t.offsets[k]);
  };
  const auto at = [&](std::size_t s, std::size_t j, std::size_t i) {
    const std::size_t c = (s * k2 + j) * n + i;
    Element3 e{value(x.loss, 2 * c), value(x.loss, 2 * c + 1), 0, 0, x.mask[c]};
    if (has_pred_) e.p0 = element(v.pred, 2 * c, "pred") + 0.0, e.p1 = element(v.pred, 2 * c + 1, "pred") + 0.0;
    return e;
  };
  for (std::size_t i = 0; i < n && (has_pred_ || !binary); ++i) {
    if (!binary) {
      pooled_in.clear();
      for (std::size_t s = 0; s < k1; ++s) {
        regroup(e_slot(s * n + i, buffer), [](const Cell& c) { return c.b - c.a + 0.0; }, ld_cells);
        pooled_in.insert(pooled_in.end(), ld_cells.begin(), ld_cells.end());
      }
      regroup(pooled_in, [](const Cell& c) { return c.a; }, pooled);
      changes(pooled, pooled_change);
    }
    for (std::size_t s = 0; s < k1; ++s) {
      const std::size_t k = s * n + i;
      const auto e_cells = e_slot(k, buffer);
      if (!binary) {
        changes(e_cells, e_change);
        regroup(e_cells, [](const Cell& c) { return c.b - c.a + 0.0; }, ld_cells);
        changes(ld_cells, ld_change);
      }
      if (has_pred_) changes(slot_cells(f_, k), f_change);
      for (std::size_t j = 0; j < k2; ++j) {
        const Element3 e = at(s, j, i);
        const std::size_t r = s * k2 + j;
        if (has_pred_) out.fcmi[r] += f_change[cell_index(slot_cells(f_, k), e.p0, e.p1)][e.u] / slot_units;
        if (binary) continue;
        out.ecmi[r] += e_change[cell_index(e_cells, e.a, e.b)][e.u] / slot_units;
        const double delta = e.b - e.a + 0.0;
        out.ldcmi[r] += ld_change[cell_index(ld_cells, delta, 0.0)][e.u] / slot_units;
        out.ldmi[r] += pooled_change[cell_index(pooled, delta, 0.0)][e.u] / pair_units;
      }
    }
  }
  if (binary)
    for (std::size_t r = 0; r < k1 * k2; ++r) out.ecmi[r] /= slot_units, out.ldcmi[r] /= slot_units, out.ldmi[r] /= pair_units;
  return out;
}

// ---- bytes ----

namespace {

// Format 3: the bytes end in a CRC-32 (zlib's polynomial, Boost.CRC) of everything before it. Format 2 (the
// (prediction, loss) table) had none: 158 of 2050 single-bit flips were read and changed the result.
constexpr char kMagic[8] = {'I', 'T', 'B', 'S', 'T', 'A', 'T', '3'};
constexpr std::size_t kChecksumBytes = 4;

std::uint32_t checksum(std::span<const unsigned char> bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

class Writer {
public:
  template <class T>
  void put(T v) {
    const auto at = bytes.size();
    bytes.resize(at + sizeof(T));
    std::memcpy(bytes.data() + at, &v, sizeof(T));
  }
  std::vector<unsigned char> bytes;
};

class Reader {
public:
  explicit Reader(std::span<const unsigned char> b) : b_(b) {}
  template <class T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, b_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return v;
  }
  // Before allocating `count` items of `size` bytes: the bytes must be there.
  void need(std::size_t size, std::uint64_t count = 1) const {
    if (count > (b_.size() - at_) / std::max<std::size_t>(size, 1)) fail("stats", "truncated or malformed statistics bytes");
  }
  bool done() const { return at_ == b_.size(); }

private:
  std::span<const unsigned char> b_;
  std::size_t at_ = 0;
};

[[noreturn]] void malformed(const std::string& what) { fail("stats", "malformed statistics bytes: " + what); }

void put_table(Writer& w, const SupersampleStats::CellTable& t) {
  w.put<std::uint64_t>(t.cells.size());
  for (const auto o : t.offsets) w.put(o);
  for (const auto& c : t.cells) {
    w.put(c.a);
    w.put(c.b);
    w.put(c.n0);
    w.put(c.n1);
  }
}

SupersampleStats::CellTable get_table(Reader& r, std::size_t slots) {
  SupersampleStats::CellTable t;
  const auto cells = r.get<std::uint64_t>();
  r.need(8, slots + 1);
  t.offsets.resize(slots + 1);
  for (auto& o : t.offsets) o = r.get<std::uint64_t>();
  r.need(24, cells);
  t.cells.resize(static_cast<std::size_t>(cells));
  for (auto& c : t.cells) {
    c.a = r.get<double>();
    c.b = r.get<double>();
    c.n0 = r.get<std::uint32_t>();
    c.n1 = r.get<std::uint32_t>();
    if (!std::isfinite(c.a) || !std::isfinite(c.b) || std::uint64_t{c.n0} + c.n1 == 0) malformed("bad cell");
  }
  if (t.offsets.front() != 0 || t.offsets.back() != cells) malformed("cell offsets");
  // All offsets ordered (so within [0, cells]) before any indexes the cells.
  if (!std::is_sorted(t.offsets.begin(), t.offsets.end())) malformed("cell offsets");
  for (std::size_t k = 0; k < slots; ++k)
    for (auto c = t.offsets[k] + 1; c < t.offsets[k + 1]; ++c)
      if (!key_less(t.cells[c - 1], t.cells[c])) malformed("cells not sorted");
  return t;
}

}  // namespace

void SupersampleStats::loss_flags(bool& interpolating, bool& zero_one) const {
  interpolating = true, zero_one = true;
  if (dense_) {
    std::uint64_t total[8] = {};
    for (std::size_t k = 0; k < e_binary_.size(); k += 8)
      for (std::size_t c = 0; c < 8; ++c) total[c] += e_binary_[k + c];
    for (std::uint32_t c = 0; c < 8; ++c) {
      const std::uint32_t u = c >> 2, trained = (c >> u) & 1;  // the trained member's loss, loss[u]
      interpolating = interpolating && (total[c] == 0 || trained == loss_min_);
    }
    return;
  }
  for (const Cell& c : e_.cells) {
    zero_one = zero_one && (c.a == 0 || c.a == 1) && (c.b == 0 || c.b == 1);
    // n0 counts U = 0 (member 0 trained, its loss a), n1 counts U = 1 (member 1 trained, its loss b).
    interpolating = interpolating && (c.n0 == 0 || c.a == loss_min_) && (c.n1 == 0 || c.b == loss_min_);
  }
}

std::vector<unsigned char> SupersampleStats::to_bytes() const {
  std::vector<unsigned char> bytes = content_bytes();
  const std::uint32_t crc = checksum(bytes);
  for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<unsigned char>(crc >> (8 * k)));
  return bytes;
}

std::vector<unsigned char> SupersampleStats::content_bytes() const {
  Writer w;
  for (const char c : kMagic) w.put(c);
  w.put(loss_min_);
  w.put(loss_max_);
  w.put<std::uint8_t>(has_pred_);
  bool interpolating = true, zero_one = true;  // kept in the byte form for its layout; checked when read
  loss_flags(interpolating, zero_one);
  w.put<std::uint8_t>(interpolating);
  w.put<std::uint8_t>(zero_one);
  for (const auto v : {s_begin_, s_end_, j_begin_, j_end_, i_begin_, i_end_}) w.put(v);
  w.put<std::uint64_t>(blocks_.size());
  for (const auto& b : blocks_)
    for (const auto v : {b.s, b.s_end, b.j, b.j_end, b.i, b.i_end}) w.put(v);
  if (empty()) return w.bytes;
  CellTable buffer;
  put_table(w, e_table(buffer));
  if (has_pred_) put_table(w, f_), put_table(w, joint_);
  // Each sum as its non-zero digit range.
  for (const auto* sums : {&train_, &held_})
    for (const auto& sum : *sums) {
      const auto l = sum.limbs();
      int lo = 0, hi = ExactSum::kLimbs;
      while (hi > 0 && l[static_cast<std::size_t>(hi - 1)] == 0) --hi;
      while (lo < hi && l[static_cast<std::size_t>(lo)] == 0) ++lo;
      w.put<std::uint8_t>(static_cast<std::uint8_t>(lo));
      w.put<std::uint8_t>(static_cast<std::uint8_t>(hi));
      for (int k = lo; k < hi; ++k) w.put(l[static_cast<std::size_t>(k)]);
    }
  return w.bytes;
}

SupersampleStats SupersampleStats::from_bytes(std::span<const unsigned char> sealed) {
  if (sealed.size() < sizeof kMagic + kChecksumBytes) fail("stats", "truncated or malformed statistics bytes");
  if (std::memcmp(sealed.data(), kMagic, sizeof kMagic - 1) == 0 && sealed[sizeof kMagic - 1] == '2')
    fail("stats", "statistics bytes of format 2, which has no checksum, are no longer read: recompute them");
  if (std::memcmp(sealed.data(), kMagic, sizeof kMagic) != 0) fail("stats", "not itbound supersample statistics (bad magic)");
  const auto bytes = sealed.first(sealed.size() - kChecksumBytes);
  std::uint32_t stored = 0;
  for (std::size_t k = 0; k < 4; ++k) stored |= std::uint32_t{sealed[bytes.size() + k]} << (8 * k);
  if (checksum(bytes) != stored) fail("stats", "corrupted statistics bytes: the CRC-32 does not match");
  Reader r(bytes);
  for (std::size_t k = 0; k < sizeof kMagic; ++k) r.get<char>();
  SupersampleStats st;
  st.loss_min_ = r.get<double>();
  st.loss_max_ = r.get<double>();
  const auto flag = [&] {
    const auto v = r.get<std::uint8_t>();
    if (v > 1) malformed("flag");
    return v == 1;
  };
  st.has_pred_ = flag();
  const bool stored_interpolating = flag(), stored_zero_one = flag();
  constexpr std::int64_t kMaxIndex = std::int64_t{1} << 41;
  const auto extent = [&](std::int64_t& begin, std::int64_t& end) {
    begin = r.get<std::int64_t>();
    end = r.get<std::int64_t>();
    if (begin < 0 || end < begin || end > kMaxIndex) malformed("extent");
  };
  extent(st.s_begin_, st.s_end_);
  extent(st.j_begin_, st.j_end_);
  extent(st.i_begin_, st.i_end_);
  if (static_cast<double>(st.k1()) * static_cast<double>(std::max(st.n(), st.k2())) > 1e15) malformed("box too large");
  const auto blocks = r.get<std::uint64_t>();
  r.need(48, blocks);
  for (std::uint64_t k = 0; k < blocks; ++k) {
    Block b{};
    extent(b.s, b.s_end);
    extent(b.j, b.j_end);
    extent(b.i, b.i_end);
    if (b.s == b.s_end || b.j == b.j_end || b.i == b.i_end || b.s < st.s_begin_ || b.s_end > st.s_end_ ||
        b.j < st.j_begin_ || b.j_end > st.j_end_ || b.i < st.i_begin_ || b.i_end > st.i_end_)
      malformed("block outside the box");
    for (const auto& other : st.blocks_)
      if (overlap(other, b)) malformed("overlapping blocks");
    st.blocks_.push_back(b);
  }
  if (st.empty()) {
    if (!r.done()) malformed("trailing bytes");
    return SupersampleStats();
  }
  if (!std::isfinite(st.loss_min_) || !std::isfinite(st.loss_max_) || !(st.loss_min_ < st.loss_max_)) malformed("loss range");
  // Allocations below are bounded by the bytes present (Reader::need) before they are made.
  r.need(8, st.slots() + 1);
  st.e_ = get_table(r, st.slots());
  if (st.has_pred_) st.f_ = get_table(r, st.slots()), st.joint_ = get_table(r, st.slots());
  bool interpolating = true, zero_one = true;
  st.loss_flags(interpolating, zero_one);
  if (interpolating != stored_interpolating || zero_one != stored_zero_one) malformed("flags disagree with the cells");
  const auto runs = static_cast<std::size_t>(st.k1() * st.k2());
  r.need(4, runs);
  for (auto* sums : {&st.train_, &st.held_}) {
    sums->resize(runs);
    for (auto& sum : *sums) {
      const int lo = r.get<std::uint8_t>(), hi = r.get<std::uint8_t>();
      if (lo > hi || hi > ExactSum::kLimbs) malformed("sum digits");
      std::array<std::int64_t, ExactSum::kLimbs> l{};
      for (int k = lo; k < hi; ++k) {
        l[static_cast<std::size_t>(k)] = r.get<std::int64_t>();
        const bool top = k == ExactSum::kLimbs - 1;
        if ((!top && (l[static_cast<std::size_t>(k)] < 0 || l[static_cast<std::size_t>(k)] > kDigitMask)) ||
            (top && std::abs(l[static_cast<std::size_t>(k)]) > kDigitMask))
          malformed("sum digits");
      }
      sum = ExactSum::from_limbs(l);
    }
  }
  if (!r.done()) malformed("trailing bytes");
  // Every slot must hold as many samples as runs cover it (what accumulate and merge produce): each block
  // adds its run count over its rectangle of slots, through a 2-d difference array.
  const auto k1 = static_cast<std::size_t>(st.k1()), n = static_cast<std::size_t>(st.n());
  std::vector<std::int64_t> diff((k1 + 1) * (n + 1), 0), expected(st.slots(), 0);
  for (const auto& b : st.blocks_) {
    const auto s0 = static_cast<std::size_t>(b.s - st.s_begin_), s1 = static_cast<std::size_t>(b.s_end - st.s_begin_);
    const auto i0 = static_cast<std::size_t>(b.i - st.i_begin_), i1 = static_cast<std::size_t>(b.i_end - st.i_begin_);
    const std::int64_t runs_in = b.j_end - b.j;
    diff[s0 * (n + 1) + i0] += runs_in, diff[s0 * (n + 1) + i1] -= runs_in;
    diff[s1 * (n + 1) + i0] -= runs_in, diff[s1 * (n + 1) + i1] += runs_in;
  }
  for (std::size_t s = 0; s < k1; ++s)
    for (std::size_t i = 0; i < n; ++i) {
      std::int64_t& d = diff[s * (n + 1) + i];
      if (s > 0) d += diff[(s - 1) * (n + 1) + i];
      if (i > 0) d += diff[s * (n + 1) + i - 1];
      if (s > 0 && i > 0) d -= diff[(s - 1) * (n + 1) + i - 1];
      expected[s * n + i] = d;
    }
  for (const auto* t : {&st.e_, &st.f_, &st.joint_}) {
    if (t != &st.e_ && !st.has_pred_) break;
    const std::uint64_t per_run = t == &st.joint_ ? 2 : 1;  // the joint table counts both members of each pair
    for (std::size_t k = 0; k < st.slots(); ++k) {
      std::uint64_t total = 0;
      for (auto c = t->offsets[k]; c < t->offsets[k + 1]; ++c) total += std::uint64_t{t->cells[c].n0} + t->cells[c].n1;
      if (total != per_run * static_cast<std::uint64_t>(expected[k])) malformed("cell counts disagree with the runs covered");
    }
  }
  return st;
}

}  // namespace itbound::estimators
