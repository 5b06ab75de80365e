#include "itbound/estimators/supersample_stats.hpp"

#include <algorithm>
#include <bit>
#include <boost/crc.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <string>

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

// Plug-in MI from cells, each an X value with its counts for U = 0 and U = 1 (count_mi, the formula of
// table_mi; counts are integers, so the sums of x ln x are exact functions of them, whatever the cell order).
double mi_cells(std::span<const Cell> cells, Correction correction, const Xlogx& xlogx) {
  CountSums t;
  double cu[2] = {0, 0};
  for (const auto& c : cells) {
    t.s_xu += xlogx(c.n0) + xlogx(c.n1);
    t.s_x += xlogx(static_cast<double>(c.n0) + c.n1);
    cu[0] += c.n0;
    cu[1] += c.n1;
    t.kxu += (c.n0 > 0) + (c.n1 > 0);
  }
  t.m = cu[0] + cu[1];
  t.s_u = xlogx(cu[0]) + xlogx(cu[1]);
  t.kx = static_cast<double>(cells.size());
  t.ku = (cu[0] > 0) + (cu[1] > 0);
  const auto each_cell = [&](const auto& f) {
    for (const auto& c : cells) {
      const double cx = static_cast<double>(c.n0) + c.n1;
      if (c.n0 > 0) f(static_cast<double>(c.n0), cx, cu[0]);
      if (c.n1 > 0) f(static_cast<double>(c.n1), cx, cu[1]);
    }
  };
  return std::clamp(count_mi(t, correction, each_cell, xlogx), 0.0, std::numbers::ln2);
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
  SupersampleStats::CellTable& e;
  SupersampleStats::CellTable& f;
  SupersampleStats::CellTable& joint;
  std::vector<ExactSum>& train;
  std::vector<ExactSum>& held;
};

// Bits of the pair (loss0, loss1) at element i: bit 0 set if loss0 == 1, bit 1 if loss1 == 1; `bad` gains a
// bit if either is neither 0 nor 1 (NaN included). Branch-free (the values are random): bytes by bit
// arithmetic, floats and doubles compared as a pair in one SSE2 register.
template <class T>
inline std::uint32_t one_bits(const void* l, std::size_t i, std::uint32_t& bad) {
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    const std::uint32_t a = load<T>(l, 2 * i), c = load<T>(l, 2 * i + 1);
    bad |= (a | c) >> 1;
    return a | (c << 1);
  }
#ifdef __SSE2__
  if constexpr (std::is_same_v<T, double>) {
    const __m128d v = _mm_loadu_pd(static_cast<const double*>(l) + 2 * i);
    const auto one = static_cast<std::uint32_t>(_mm_movemask_pd(_mm_cmpeq_pd(v, _mm_set1_pd(1.0))));
    const auto zero = static_cast<std::uint32_t>(_mm_movemask_pd(_mm_cmpeq_pd(v, _mm_setzero_pd())));
    bad |= (one | zero) ^ 3;
    return one;
  }
  if constexpr (std::is_same_v<T, float>) {
    const __m128 v = _mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(static_cast<const float*>(l) + 2 * i)));
    const auto one = static_cast<std::uint32_t>(_mm_movemask_ps(_mm_cmpeq_ps(v, _mm_set1_ps(1.0f)))) & 3;
    const auto zero = static_cast<std::uint32_t>(_mm_movemask_ps(_mm_cmpeq_ps(v, _mm_setzero_ps()))) & 3;
    bad |= (one | zero) ^ 3;
    return one;
  }
#endif
  const T a = load<T>(l, 2 * i), c = load<T>(l, 2 * i + 1);
  const std::uint32_t one = static_cast<std::uint32_t>(a == T(1)) | (static_cast<std::uint32_t>(c == T(1)) << 1);
  bad |= (static_cast<std::uint32_t>(a == T(0)) | (static_cast<std::uint32_t>(c == T(0)) << 1) | one) ^ 3;
  return one;
}

// 0-1 losses (the usual case): each sample is one of 8 cells (loss0, loss1, u), counted in 8-bit lanes of
// one word per pair, so the pass over the runs is a load, two compares and an add per sample. Returns false,
// having changed nothing, at the first value that is not 0 or 1 (the general kernel then takes the block).
template <class T, class Pick>
bool binary_block(Shard& sh, std::size_t s, std::size_t b, std::size_t len, const Pick& pick) {
  thread_local std::vector<std::uint64_t> acc;
  thread_local std::vector<std::uint32_t> wide, ones;
  acc.assign(len, 0);
  wide.assign(8 * len, 0);
  ones.assign(2 * sh.k2, 0);
  const auto flush = [&] {
    for (std::size_t i = 0; i < len; ++i) {
      for (std::size_t q = 0; q < 8; ++q) wide[8 * i + q] += static_cast<std::uint32_t>((acc[i] >> (8 * q)) & 0xFF);
      acc[i] = 0;
    }
  };
  for (std::size_t j = 0; j < sh.k2; ++j) {
    const std::size_t first = (s * sh.k2 + pick(s, j)) * sh.n + b;
    const std::uint8_t* m = sh.x.mask + first;
    const void* l = static_cast<const unsigned char*>(sh.x.loss.data) + 2 * first * sizeof(T);
    // Per lane (loss1 == 1, loss0 == 1, u): whether the trained member (loss[u]) and the held-out one have
    // loss 1, as increments of the low and high halves of one word.
    static constexpr std::uint64_t kOnes[8] = {0, 0, 1, std::uint64_t{1} << 32, std::uint64_t{1} << 32, 1,
                                               (std::uint64_t{1} << 32) + 1, (std::uint64_t{1} << 32) + 1};
    std::uint32_t bad = 0;
    std::uint64_t run_ones = 0;
    for (std::size_t i = 0; i < len; ++i) {
      const std::uint32_t u = m[i];
      const std::uint32_t lane = (one_bits<T>(l, i, bad) << 1) | (u & 1);
      bad |= u >> 1;
      acc[i] += std::uint64_t{1} << (8 * lane);
      run_ones += kOnes[lane];
    }
    if (bad) return false;
    ones[2 * j] = static_cast<std::uint32_t>(run_ones);
    ones[2 * j + 1] = static_cast<std::uint32_t>(run_ones >> 32);
    if (j % 255 == 254) flush();
  }
  flush();
  for (std::size_t i = 0; i < len; ++i) {
    // Keys loss0 + 2 loss1 in (loss0, loss1) order: (0, 0), (0, 1), (1, 0), (1, 1).
    for (const std::uint32_t key : {0u, 2u, 1u, 3u}) {
      const std::uint32_t n0 = wide[8 * i + 2 * key], n1 = wide[8 * i + 2 * key + 1];
      if (n0 + n1 > 0) sh.e.cells.push_back({static_cast<double>(key & 1), static_cast<double>(key >> 1), n0, n1});
    }
    sh.e.offsets.push_back(sh.e.cells.size());
  }
  for (std::size_t j = 0; j < sh.k2; ++j) {
    sh.train[s * sh.k2 + j].add(static_cast<double>(ones[2 * j]));
    sh.held[s * sh.k2 + j].add(static_cast<double>(ones[2 * j + 1]));
  }
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
SupersampleStats SupersampleStats::accumulate_impl(const SupersampleView& v, SupersampleOffsets at, const Picks& pick) {
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
  st.e_.offsets.reserve(k1 * n + 1);
  st.e_.offsets.push_back(0);
  st.e_.cells.reserve(4 * k1 * n);  // 0-1 losses: at most 4 cells per slot
  if (st.has_pred_) st.f_.offsets.push_back(0), st.joint_.offsets.push_back(0);
  st.train_.resize(k1 * k2);
  st.held_.resize(k1 * k2);

  Shard sh{v, x, k2, n, st.e_, st.f_, st.joint_, st.train_, st.held_};
  // 0 and 1 must lie in the declared range for the 0-1 kernel; otherwise the general one reports the range.
  const bool binary = v.loss_min <= 0.0 && v.loss_max >= 1.0;
  constexpr std::size_t kBlock = 2048;  // pairs per block: the lane words stay in L1
  for (std::size_t s = 0; s < k1; ++s)
    for (std::size_t b = 0; b < n; b += kBlock) {
      const std::size_t len = std::min(kBlock, n - b);
      with_type(x.loss.type, [&](auto t) {
        using T = decltype(t);
        if constexpr (std::is_same_v<T, std::uint8_t> || std::is_same_v<T, float> || std::is_same_v<T, double>) {
          if (!binary || !binary_block<T>(sh, s, b, len, pick)) general_block<T>(sh, s, b, len, pick);
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
  return accumulate_impl(runs, at, [](std::size_t, std::size_t j) { return j; });
}

SupersampleStats SupersampleStats::accumulate(const SupersampleView& runs, std::span<const std::uint32_t> picks) {
  check_view(runs);
  const auto k2 = static_cast<std::size_t>(runs.k2);
  if (picks.size() != static_cast<std::size_t>(runs.k1) * k2) fail("picks", "need one stored run per (supersample, run)");
  for (const auto p : picks)
    if (p >= k2) fail("picks", "run index out of range");
  return accumulate_impl(runs, {}, [&](std::size_t s, std::size_t j) { return static_cast<std::size_t>(picks[s * k2 + j]); });
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
  merge_table(t.e_, o.e_, m.e_);
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

CmiEstimates SupersampleStats::finalize(Correction correction) const {
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
  loss_flags(out.interpolating, out.zero_one);

  // ld-CMI groups a slot's e-cells by Delta = loss1 - loss0; ld-MI pools those over the supersamples, and the
  // single-loss MI pools the e-cells themselves, grouped by the loss on one member.
  const Xlogx xlogx(k1 * k2);  // the largest count: a pair's samples pooled over every run
  const auto slot = [](const CellTable& t, std::size_t k) {
    return std::span(t.cells).subspan(t.offsets[k], t.offsets[k + 1] - t.offsets[k]);
  };
  std::vector<Cell> ld, pooled_in, pooled, pair_in;
  if (has_pred_)
    for (std::size_t k = 0; k < k1 * n && out.loss_follows_prediction; ++k)
      out.loss_follows_prediction = follows_prediction(slot(joint_, k), out.prediction_repeats);
  for (std::size_t i = 0; i < n; ++i) {
    pooled_in.clear();
    pair_in.clear();
    for (std::size_t s = 0; s < k1; ++s) {
      const std::size_t k = s * n + i;
      const auto cells = slot(e_, k);
      out.ecmi[k] = mi_cells(cells, correction, xlogx);
      regroup(cells, [](const Cell& c) { return c.b - c.a + 0.0; }, ld);  // + 0.0: -0 and +0 are one key
      out.ldcmi[k] = mi_cells(ld, correction, xlogx);
      pooled_in.insert(pooled_in.end(), ld.begin(), ld.end());
      pair_in.insert(pair_in.end(), cells.begin(), cells.end());
      if (has_pred_) out.fcmi[k] = mi_cells(slot(f_, k), correction, xlogx);
    }
    regroup(pooled_in, [](const Cell& c) { return c.a; }, pooled);
    out.ldmi[i] = mi_cells(pooled, correction, xlogx);
    regroup(pair_in, [](const Cell& c) { return c.a; }, pooled);
    const double member0 = mi_cells(pooled, correction, xlogx);
    regroup(pair_in, [](const Cell& c) { return c.b; }, pooled);
    out.slmi[i] = (member0 + mi_cells(pooled, correction, xlogx)) / 2;
  }

  ExactSum train, held;
  out.run_gap.resize(k1 * k2);
  out.supersample_train.resize(k1);
  for (std::size_t s = 0; s < k1; ++s) {
    ExactSum supersample;
    for (std::size_t r = s * k2; r < (s + 1) * k2; ++r) {
      ExactSum gap = held_[r];
      gap.add(train_[r], true);
      out.run_gap[r] = gap.value() / static_cast<double>(n);
      supersample.add(train_[r]);
      held.add(held_[r]);
    }
    out.supersample_train[s] = supersample.value() / static_cast<double>(k2 * n);
    train.add(supersample);
  }
  const double total = static_cast<double>(k1 * k2 * n);
  out.train_error = train.value() / total;
  out.heldout_error = held.value() / total;
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
  put_table(w, e_);
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
