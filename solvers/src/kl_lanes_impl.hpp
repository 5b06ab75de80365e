// The lane code of the array kl and kl inverses, included by one translation unit per instruction set
// (kl_lanes_baseline.cpp, kl_lanes_avx2.cpp, kl_lanes_avx512.cpp) after defining ITBOUND_LANE_BYTES, the native
// vector size there (16: SSE2, 32: AVX2, 64: AVX-512), and ITBOUND_LANES_ENTRY, the name of its entry point.
// The AVX2 and AVX-512 builds may contract multiply-adds into FMAs (GCC's default for C++), so their results can
// differ from the baseline's in the last bits; each build certifies its own.
//
// Inverses: a few Halley steps per lane find a point p_n near the root, then one Newton step from p_n is
// certified by convexity: kl(q||.) is convex on (0,1), so for any p' the tangent at p_n lies below it,
// kl(q||p') >= kl(q||p_n) + kl'(q||p_n) (p' - p_n). With kl(q||p_n) evaluated with a proven relative error
// bound (lane_kl), a lower bound on the right-hand side >= c proves kl(q||p') >= c, so p' is on the safe
// side of the root: no second evaluation is needed. Lanes that do not converge or do not certify, and
// inputs outside the lanes' range, go to the scalar solver (kl.cpp), whose certification is independent.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kl_lanes.hpp"

#if ITBOUND_LANE_BYTES == 64
#include <immintrin.h>
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"  // vectors only cross always-inlined calls: no ABI is involved
#endif

namespace itbound::lanes {
namespace {

using Index = std::ptrdiff_t;

// Lanes are packs of kPack native vectors of kNative doubles, eight lanes in all (sixteen with AVX-512): every
// operation below is one instruction per native vector, and the independent dependency chains a pack
// interleaves hide each other's latency (divisions, polynomials). GCC's own vectors wider than the target's
// registers would compare and select lane by lane.
using Native = double __attribute__((vector_size(ITBOUND_LANE_BYTES)));
using NativeMask = std::int64_t __attribute__((vector_size(ITBOUND_LANE_BYTES)));  // comparisons: 0 or -1
using NativeBits = std::uint64_t __attribute__((vector_size(ITBOUND_LANE_BYTES)));
constexpr int kNative = ITBOUND_LANE_BYTES / 8;
constexpr int kWidth = kNative >= 8 ? 2 * kNative : 8;
constexpr int kPack = kWidth / kNative;
constexpr double kEps = 0x1p-52;  // not numeric_limits: see kl_lanes.hpp

template <typename E>
struct Pack {
  E x[kPack];
};
using V = Pack<Native>;
using Mask = Pack<NativeMask>;
using Bits = Pack<NativeBits>;

#define ITBOUND_LANE [[gnu::always_inline]] inline
#define ITBOUND_UNROLL _Pragma("GCC unroll 16")

// Element-wise operators on packs, with a scalar on either side.
#define ITBOUND_PACK_OPERATOR(op)                                                    \
  template <typename A, typename B>                                                \
  ITBOUND_LANE auto operator op(const Pack<A>& a, const Pack<B>& b) {              \
    Pack<decltype(a.x[0] op b.x[0])> r;                                            \
    ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) r.x[k] = a.x[k] op b.x[k];      \
    return r;                                                                      \
  }                                                                                \
  template <typename A, typename S>                                                \
    requires std::is_arithmetic_v<S>                                               \
  ITBOUND_LANE auto operator op(const Pack<A>& a, S b) {                           \
    Pack<decltype(a.x[0] op b)> r;                                                 \
    ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) r.x[k] = a.x[k] op b;           \
    return r;                                                                      \
  }                                                                                \
  template <typename A, typename S>                                                \
    requires std::is_arithmetic_v<S>                                               \
  ITBOUND_LANE auto operator op(S a, const Pack<A>& b) {                           \
    Pack<decltype(a op b.x[0])> r;                                                 \
    ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) r.x[k] = a op b.x[k];           \
    return r;                                                                      \
  }
ITBOUND_PACK_OPERATOR(+)
ITBOUND_PACK_OPERATOR(-)
ITBOUND_PACK_OPERATOR(*)
ITBOUND_PACK_OPERATOR(/)
ITBOUND_PACK_OPERATOR(<)
ITBOUND_PACK_OPERATOR(>)
ITBOUND_PACK_OPERATOR(<=)
ITBOUND_PACK_OPERATOR(>=)
ITBOUND_PACK_OPERATOR(==)
ITBOUND_PACK_OPERATOR(&)
ITBOUND_PACK_OPERATOR(|)
ITBOUND_PACK_OPERATOR(>>)
ITBOUND_PACK_OPERATOR(<<)
#undef ITBOUND_PACK_OPERATOR
template <typename A>
ITBOUND_LANE Pack<A> operator-(const Pack<A>& a) {
  Pack<A> r;
  ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) r.x[k] = -a.x[k];
  return r;
}

ITBOUND_LANE V splat(double x) { return V{} + x; }
template <typename A>
ITBOUND_LANE Pack<A> operator~(const Pack<A>& a) {
  Pack<A> r;
  ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) r.x[k] = ~a.x[k];
  return r;
}

// a where m, else b. With 16-byte vectors by bit operations: `m ? a : b` tests m != 0, a 64-bit integer
// comparison that SSE2 lacks and GCC then does lane by lane; AVX2 has it, and a single blend.
template <typename E>
ITBOUND_LANE Pack<E> select(const Mask& m, const Pack<E>& a, const Pack<E>& b) {
#if ITBOUND_LANE_BYTES == 16
  const Bits mb = std::bit_cast<Bits>(m);
  return std::bit_cast<Pack<E>>((std::bit_cast<Bits>(a) & mb) | (std::bit_cast<Bits>(b) & ~mb));
#else
  Pack<E> r;
  ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) r.x[k] = m.x[k] ? a.x[k] : b.x[k];
  return r;
#endif
}
ITBOUND_LANE V abs(const V& x) { return std::bit_cast<V>(std::bit_cast<Bits>(x) & 0x7fffffffffffffffULL); }
template <typename E>
ITBOUND_LANE auto& lane(Pack<E>& v, Index j) { return v.x[j / kNative][j % kNative]; }
template <typename E>
ITBOUND_LANE auto lane(const Pack<E>& v, Index j) { return v.x[j / kNative][j % kNative]; }
ITBOUND_LANE V sqrt(const V& x) {
  V r;
#if ITBOUND_LANE_BYTES == 64
  ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) r.x[k] = _mm512_mask_sqrt_pd(x.x[k], 0xFF, x.x[k]);  // GCC 12 would go lane by lane
#else
  ITBOUND_UNROLL for (int j = 0; j < kWidth; ++j) lane(r, j) = std::sqrt(lane(x, j));  // vsqrtpd (errno is off)
#endif
  return r;
}
ITBOUND_LANE bool all(const Mask& m) {
  NativeMask r = m.x[0];
  ITBOUND_UNROLL for (int k = 1; k < kPack; ++k) r &= m.x[k];
  std::int64_t a = r[0];
  ITBOUND_UNROLL for (int j = 1; j < kNative; ++j) a &= r[j];
  return a != 0;
}
ITBOUND_LANE bool none(const Mask& m) {
  NativeMask r = m.x[0];
  ITBOUND_UNROLL for (int k = 1; k < kPack; ++k) r |= m.x[k];
  std::int64_t a = r[0];
  ITBOUND_UNROLL for (int j = 1; j < kNative; ++j) a |= r[j];
  return a == 0;
}

// ln 2 split so that k ln2_hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrt2 = 1.4142135623730951;
constexpr double kLn2 = 0.69314718055994531;

// x = 2^k m for normal x > 0, m in (sqrt(1/2), sqrt 2], k as a double, by bit operations only.
ITBOUND_LANE void split_exponent(V x, V& k, V& m) {
  const Bits bits = std::bit_cast<Bits>(x);
  // The exponent field placed in the mantissa of 2^52 and subtracted: k without an integer conversion.
  k = std::bit_cast<V>((bits >> 52) | 0x4330000000000000ULL) - splat(0x1p52 + 1023.0);
  m = std::bit_cast<V>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  const Mask high = m > kSqrt2;
  m = select(high, 0.5 * m, m);
  k = select(high, k + 1.0, k);
}

// sum_j c[j] x^j, j < N, by Estrin's scheme: a tree of independent products, so the chain that each
// evaluation waits on is ~log2 N multiply-adds long instead of N (Horner).
template <int N>
ITBOUND_LANE V estrin(V x, V x2, V x4, V x8, const double* c) {
  static_assert(N >= 1 && N <= 16);
  if constexpr (N == 1) return splat(c[0]);
  else if constexpr (N == 2) return c[0] + c[1] * x;
  else if constexpr (N <= 4) return estrin<2>(x, x2, x4, x8, c) + x2 * estrin<N - 2>(x, x2, x4, x8, c + 2);
  else if constexpr (N <= 8) return estrin<4>(x, x2, x4, x8, c) + x4 * estrin<N - 4>(x, x2, x4, x8, c + 4);
  else return estrin<8>(x, x2, x4, x8, c) + x8 * estrin<N - 8>(x, x2, x4, x8, c + 8);
}
template <int N>
ITBOUND_LANE V polynomial(V x, const double* c) {
  const V x2 = x * x, x4 = x2 * x2;
  return estrin<N>(x, x2, x4, x4 * x4, c);
}

// 1/3, 1/5, 1/7, ...: (atanh(s) - s)/s^3 = sum_j z^j/(2j+3), z = s^2.
constexpr double kAtanhSeries[] = {1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11,
                                   1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21};

// The solve is steered by a log and an exp of about 1e-9 relative accuracy: enough for the starts and
// steps, which only need to land near the root. Nothing certified depends on them (the certified
// quantities are evaluated at the double p they produce).
// ln x for normal x > 0: k ln 2 + 2 atanh((m-1)/(m+1)), to s^9 (|s| <= 0.1716: 2e-9 relative).
ITBOUND_LANE V steer_log(V x) {
  V k, m;
  split_exponent(x, k, m);
  const V s = (m - 1.0) / (m + 1.0);
  const V z = s * s;
  return k * kLn2 + 2.0 * s * (1.0 + z * polynomial<4>(z, kAtanhSeries));
}

constexpr double kInverseFactorial[] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320};

// e^x for |x| <= 708 (clamped): x = n ln2 + r, |r| <= 0.347, Taylor to r^8 (2e-10 relative), times 2^n
// built in the bits.
ITBOUND_LANE V steer_exp(V x) {
  x = select(x < -708.0, splat(-708.0), x);
  x = select(x > 708.0, splat(708.0), x);
  constexpr double kShift = 0x1.8p52;  // adding it rounds to an integer held in the low mantissa bits
  const V t = x * (1.0 / kLn2) + kShift;
  const V n = t - kShift;
  const V r = x - n * kLn2;
  return polynomial<9>(r, kInverseFactorial) * std::bit_cast<V>((std::bit_cast<Bits>(t) + 1023) << 52);
}

// phi(x) = x - ln(1+x) >= 0, given x and r ~ 1+x separately (each known to a few ulps; x far more
// accurately than r - 1 when x is small). r = 2^k m as in split_exponent.
//  k = 0 (r in (0.707, 1.414]): ln(1+x) = 2 atanh(s), s = x/(2+x), and x - 2s = x s exactly, so
//    phi = x s - 2 (atanh(s) - s): two terms of one sign ratio |s|/3 <= 0.06 apart, no cancellation.
//  k != 0 (|x| >= 0.29): phi = (r - 1) - ln r with ln r = k ln2 + 2 atanh((m-1)/(m+1)). r - 1 (exact for r
//    in [1/2, 2]) rather than x keeps the two terms consistent; the subtraction loses at most a factor
//    |x|/phi(x) <= 6.2 (its worst, at r = sqrt 2 and sqrt(1/2)).
ITBOUND_LANE V lane_phi(V x, V r) {
  V k, m;
  split_exponent(r, k, m);
  const Mask near = k == 0.0;
  const V s = select(near, x, m - 1.0) / select(near, 2.0 + x, m + 1.0);
  // 2 (atanh(s) - s) to s^21: the first omitted term, 2 s^23/23, is below 2^-62 of x s (k = 0), 2s (k != 0).
  const V z = s * s;
  const V tail = 2.0 * s * z * polynomial<10>(z, kAtanhSeries);
  const V series = x * s - tail;
  const V direct = ((r - 1.0) - k * kLn2Hi) - (2.0 * s + (tail + k * kLn2Lo));
  return select(near, series, direct);
}

// kl(q||p) = q phi(d/q) + (1-q) phi(-d/(1-q)), d = p - q: two non-negative terms, no cancellation however
// close p is to q. rq = 1/q, romq = 1/(1-q); omp is 1 - p to within a few ulps relative.
// Domain: q, p in [kLaneMin, 1) (kMinQ, kl_lanes.hpp), so that every ratio and product stays normal.
// Error bound (what the certification below relies on): |computed - kl| <= kKlError eps kl. Sources, in
// eps: q, p exact; d = p - q 0.5; rq, romq, 1-q 0.5 each; x = d rq 1.5, r = p rq 1.5 (omp romq 2 for
// p < 1/2). k = 0: s inherits x's error, x s 0.5, the tail's share 0.2, the subtraction 0.5, and
// phi ~ x^2/2 doubles x's error: about 5.5. k != 0: r's error times |x|/phi <= 6.2 gives 12.4, the log
// 1.6 eps of |ln m| <= 0.347 plus roundings of the sum about 0.9 absolute, over phi >= 0.0536 there:
// 17; with the weights and the final sum (1.5), about 31 at worst. Measured against mpmath (80 digits;
// data/reference/make_kl_values.py --n 400000: the whole domain, dense at the branch edges p/q and
// (1-p)/(1-q) near sqrt 2, sqrt(1/2), 2, 1/2, at p next to q, q just below 1/2 with p just above, p and q
// within 1e-15 of 0 or 1, q and p down to 1e-150): at most 10.2 eps, in both builds (with and without
// FMA); a review's search near the branch edges found 12.1 eps (q = 7.66e-62, p = 5.42e-62).
// tests/unit-kl_batch.cpp rechecks the committed 3,000-point table against 16 eps. kKlError = 48 covers the
// analysis with room; kMargin below still exceeds it.
constexpr double kKlError = 48.0;
constexpr double kLaneMin = kMinQ;
ITBOUND_LANE V lane_kl(V q, V omq, V rq, V romq, V p, V omp) {
  const V d = p - q;
  return q * lane_phi(d * rq, p * rq) + omq * lane_phi(-d * romq, omp * romq);
}

// ---- Inverses ----------------------------------------------------------------------------------------
//
// Solve in the logit u = ln(p/(1-p)), where h(u) = kl(q||p(u)) has h' = p - q, h'' = p(1-p): convex, nearly
// linear where p nears 0 or 1, and p, 1-p = 1/(1+e^-u), e^-u/(1+e^-u) both come with few-ulp relative error.
// Halley's method is applied to g(u) = sqrt(kl) - sqrt(c), which is close to linear in u on both sides of
// q (kl is quadratic near q and linear in u far from it). From the starts below, on the bench/ pairs 58% of
// lanes are done at the start, 39% after one step and the rest after two.
//
// Starts. Where a = c/(q(1-q)) <= kSeriesMax: a Pade form of the root's series in w = +-sqrt(a)
// (series_start). Elsewhere the entropy bracket, which is tight where the series is not (p near 1 for the
// upper root, p near 0 for the lower): kl(q||p) >= -H(q) + (1-q) ln(1/(1-p)) gives p <= 1 - e^-Y,
// Y = (c + H)/(1-q), i.e. u <= ln(e^Y - 1); the lower root mirrors it with p >= e^-Y, Y = (c + H)/q.
constexpr double kSeriesMax = 2.0;
constexpr int kMaxSteps = 8;
// A lane has converged when the certified Newton step from p_n is tight: its looseness, the tangent's gap
// kl''(p_n) dp^2 / 2 over kl'(p_n), is below kLoose p_n (the certification margin adds ~1e-14 more).
constexpr double kLoose = 1e-14;
// Outward margin in kl-space for the certified step: covers kKlError and the roundings of the test below
// and keeps kl(q||p') >= c (1 + 64 eps) for the scalar check in tests/unit-kl_batch.cpp.
constexpr double kMargin = 96.0 * kEps;
// The margin must cost less than this much of p' (relative), else the scalar solver (which certifies in
// extended precision) gives a tighter end: lower roots far below q, where kl is steep in ln p.
constexpr double kMaxMove = 4e-13;

ITBOUND_LANE V expm1_for_start(V y) {  // e^y - 1 for 0 < y <= 36, 1e-8 relative: only steers the start
  const V small = y * (1.0 + y * (0.5 + y * (1.0 / 6.0 + y * (1.0 / 24.0))));
  return select(y < 1e-2, small, steer_exp(y) - 1.0);
}

// The root's series (p - q)/v = b1 w + b2 w^2 + b3 w^3 + b4 w^4 + ... in w = +-sqrt(a), a = c/v,
// v = q(1-q) (+ for the upper root): b1 = sqrt 2, b2 = 2(1-2q)/3, b3 = sqrt(2)(1-13v)/18,
// b4 = 2(2q-1)(1+23v)/135, from kl(q||q+d) = sum_{k>=2} d^k/k ((-1)^k/q^(k-1) + 1/(1-q)^(k-1)) = c solved
// order by order (sympy). Used as its Pade form (p - q)/v = N/M, N = w (n0 + n1 w), M = m0 + m1 w + m2 w^2,
// which has the same series to w^4; scaled by m0 = b2^2 - sqrt(2) b3 = (1 - v)/3 > 0 it needs no division.
// On the bench/ pairs its relative error in p - q is 1e-9 at a = 1e-4, 1e-4 at a = 0.1 and 1% at a = 1
// (the plain series': 4% at a = 1). Sets the start's p/(1-p) = (q M + v N)/((1-q) M - v N) and returns
// whether the start is usable (M > 0, and p on the right side of q and inside (0, 1)).
template <bool Up>
ITBOUND_LANE Mask series_start(const V& q, const V& omq, const V& v, const V& w, V& ratio) {
  const V b2 = (2.0 / 3.0) * (1.0 - 2.0 * q);
  const V b3 = (kSqrt2 / 18.0) * (1.0 - 13.0 * v);
  const V b4 = (2.0 / 135.0) * (2.0 * q - 1.0) * (1.0 + 23.0 * v);
  const V m0 = (1.0 - v) * (1.0 / 3.0), m1 = kSqrt2 * b4 - b2 * b3, m2 = b3 * b3 - b2 * b4;
  const V N = w * (kSqrt2 * m0 + (b2 * m0 + kSqrt2 * m1) * w);
  const V M = m0 + w * (m1 + m2 * w);
  const V num = q * M + v * N, den = omq * M - v * N;
  ratio = num / den;
  return (M > 0.0) & (Up ? (N > 0.0) & (den > 0.0) : (N < 0.0) & (num > 0.0));
}

// The state of one pack of lanes through the solve.
struct Lanes {
  V q, c, omq, rq, romq, sc;  // the problem and its constants (sc = sqrt c)
  V u, du;                     // the iterate and its next step
  V p, omp, d, vv, K, h;       // the last evaluation, at the double p (d = p - q, vv = p (1-p), h = K - c)
  Mask converged, at_one;
};

// The problem and its constants.
ITBOUND_LANE void setup(Lanes& l, V q, V c) {
  l.q = q, l.c = c;
  l.omq = 1.0 - q;
  l.rq = 1.0 / q, l.romq = 1.0 / l.omq;
  l.sc = sqrt(c);
  l.at_one = Mask{};
}

// The start (see above); sets everything up to u.
template <bool Up>
ITBOUND_LANE void start(Lanes& l, V q, V c) {
  setup(l, q, c);
  const V v = q * l.omq;
  const V a = c * (l.rq * l.romq);
  V ratio;
  const Mask series = (a <= kSeriesMax) & series_start<Up>(q, l.omq, v, (Up ? 1.0 : -1.0) * sqrt(a), ratio);
  if (all(series)) {
    l.u = steer_log(ratio);
    return;
  }
  const V entropy = -(q * steer_log(q) + l.omq * steer_log(l.omq));
  const V y = (c + entropy) * (Up ? l.romq : l.rq);  // the bracket's Y
  const Mask far = ~series & (y > 36.0);             // there ln(e^Y - 1) = Y to double precision
  const V em1 = expm1_for_start(select(far, splat(1.0), y));
  const V u = steer_log(select(series, ratio, Up ? em1 : 1.0 / em1));
  // One free fixed-point step on the bracket: the root satisfies (1-q) ln(1/(1-p)) = c + H + q ln p, and
  // with ln p at the bracket's p (ln p = u - Y there) u = ln p + ln(1/(1-p)) becomes Y + (u - Y)/(1-q),
  // still above the root (ln p only decreases towards it). Mirrored for the lower root.
  const V corrected = Up ? y + (u - y) * l.romq : (u + y) * l.rq - y;
  l.u = select(series, u, select(far, Up ? y : -y, corrected));
  if (Up && !none(far)) {
    // Where even the largest double below 1, b = 1 - 2^-53, has kl(q||b) < c (certified by lane_kl's
    // bound), the root is above b and 1 is the bound.
    const V b = splat(1.0 - 0x1p-53);
    l.at_one = far & (lane_kl(q, l.omq, l.rq, l.romq, b, splat(0x1p-53)) * (1.0 + (kKlError + 2.0) * kEps) < c);
  }
}

// Evaluates kl at p(u), decides convergence and prepares the next step.
template <bool Up>
ITBOUND_LANE void evaluate(Lanes& l) {
  const V e = steer_exp(-l.u);
  const V p = 1.0 / (1.0 + e);
  // 1 - p exactly for p >= 1/2 (to 0.5 ulp below): every evaluation is at the double p itself, so the
  // last one certifies. Where p rounds to 1 the lane steers with e p ~ 1 - p(u) and ends at 1 (below).
  const Mask below_one = p < 1.0;
  const V omp = select(below_one, 1.0 - p, e * p);
  const V d = p - l.q, vv = p * omp;
  const V K = lane_kl(l.q, l.omq, l.rq, l.romq, p, omp);
  const V h = K - l.c;
  // Halley on g = sqrt(K) - sqrt(c) in u: g' = d/(2 sqrt K), g'' = vv/(2 sqrt K) - d^2/(4 K sqrt K), and
  // g = h/(sqrt K + sqrt c) without cancellation. The step 2 g g'/(2 g'^2 - g g'') is 4 K h d / den,
  // den = 2 sqrt(K) d^2 (sqrt K + sqrt c) - h (2 K vv - d^2); Newton's, 2 sqrt(K) h / ((sqrt K + sqrt c) d),
  // where Halley's would more than double it. One division serves the step and dp = -h vv / d, the
  // Newton step in p used by the convergence test.
  const V sk = sqrt(K), sum = sk + l.sc;
  const V d2 = d * d;
  const V den = 2.0 * sk * d2 * sum - h * (2.0 * K * vv - d2);
  const Mask halley = den > sk * d2 * sum;
  const V den_step = select(halley, den, sum * d);
  const V r = 1.0 / (d * den_step);
  // A step that crosses q lands on the other root; certify() then rejects the lane (wrong side) and the
  // scalar solver takes it. From these starts that is rarer than 1 in 10^5 (bench/ pairs: never).
  l.du = select(halley, 4.0 * K * h * d, 2.0 * sk * h) * d * r;
  // Converged when the looseness (q dp^2/p^2 + (1-q) dp^2/(1-p)^2) / 2 over kl'(p) = d/vv is below
  // kLoose p, written without divisions. At p = 1 (rounded): when kl is within 1e-6 of c, so
  // 1 - p(root) < 2^-53 (1 + 1e-4).
  const V dp = -h * vv * den_step * r;
  const V loose = 0.5 * (l.q * (dp * omp) * (dp * omp) + l.omq * (dp * p) * (dp * p));
  l.converged = select(below_one, loose <= kLoose * p * abs(d) * vv, abs(h) <= 1e-6 * K) | l.at_one;
  l.p = p, l.omp = omp, l.d = d, l.vv = vv, l.K = K, l.h = h;
}

// The certified step p' = p - (h - mu) / D, D = kl'(p) = d / vv, pushed outward by mu = kMargin (K + |h|)
// in kl-space and 2 ulps in p (for rounding p' to a double). Proof that kl(q||p') >= c, with dp = p' - p
// exact (Sterbenz: |dp| <= p/4 is required) and L = fl(fl(h) + fl(D dp)):
//   kl(q||p') >= kl(q||p) + D_exact dp                          (tangent of a convex function)
//   kl(q||p) >= K (1 - kKlError eps)                            (lane_kl's bound)
//   D_exact dp >= D dp - 3.1 eps |D dp|                        (D: d, 1-p, vv, the division: 2 eps)
//   h + D dp >= L (1 - eps) - eps |D dp|                       (the three roundings in L)
// so kl(q||p') - c >= L (1 - eps) - kKlError eps K - 4.1 eps |D dp| > 0 whenever
//   L >= (kKlError + 8) eps K + 8 eps |D dp|, the test below (its own rounding is covered by the slack).
// Returns the mask of certified lanes; `value` holds their ends.
template <bool Up>
ITBOUND_LANE Mask certify(const Lanes& l, V& value) {
  const V p = l.p, h = l.h, K = l.K;
  const V D = l.d / l.vv;
  const V mu = kMargin * (K + abs(h));
  const V cand = p - (h - mu) / D + (Up ? 2.0 * kEps : -2.0 * kEps) * p;
  const V dp = cand - p;
  const V Ddp = D * dp;
  const V L = h + Ddp;
  const Mask certified = L >= (kKlError + 8.0) * kEps * K + 8.0 * kEps * abs(Ddp);
  const Mask tight = mu <= (kMaxMove * cand - 2.0 * kEps * p) * abs(D);  // what the margin alone moves p
  const Mask side = Up ? (cand > l.q) & (cand < 1.0) : (cand < l.q) & (cand >= kLaneMin);
  // The convergence test's looseness estimate holds while kl' barely changes over the step: near 1 an upper step
  // can be many times 1 - p (kl' then changes thousandfold: results 3e-12 too high, still above the root), so
  // the step must stay within a quarter of the distance to 1 as well as to 0.
  const Mask in_domain = (p >= kLaneMin) & (p < 1.0) & (abs(dp) <= 0.25 * p) & (!Up | (abs(dp) <= 0.25 * l.omp));
  Mask ok = l.converged & certified & tight & side & in_domain;
  value = cand;
  if (Up) {
    // At or above 1 within the solve's accuracy: 1 is an upper bound on any upper inverse.
    const Mask one = (l.converged & ((p >= 1.0) | (cand >= 1.0))) | l.at_one;
    value = select(one, splat(1.0), value);
    ok = ok | one;
  }
  return ok;
}

// 0, 1, 2, ... in lane order.
ITBOUND_LANE V lane_numbers() {
  V r = splat(0.0);
  ITBOUND_UNROLL for (int j = 0; j < kWidth; ++j) lane(r, j) = j;
  return r;
}

// Loads kWidth elements from `start` (fewer at the end; element i at a[i * a_step], b[i * b_step]), with
// stand-ins where `regular` is false.
template <typename F>
ITBOUND_LANE Mask load_lanes(const double* a, Index a_step, const double* b, Index b_step, Index start, Index n,
                             V& av, V& bv, double a_stand_in, double b_stand_in, F regular) {
  const auto load = [&](const double* x, Index step, V& v, double stand_in) {
    if (step == 0) {
      v = splat(x[0]);
    } else if (start + kWidth <= n) {
      std::memcpy(&v, x + start, sizeof v);
    } else {
      v = splat(stand_in);
      for (Index i = start; i < n; ++i) lane(v, i - start) = x[i];
    }
  };
  load(a, a_step, av, a_stand_in);
  load(b, b_step, bv, b_stand_in);
  const Mask use = regular(av, bv) & (lane_numbers() < static_cast<double>(n - start));
  av = select(use, av, splat(a_stand_in));
  bv = select(use, bv, splat(b_stand_in));
  return use;
}

// Stores kWidth results (fewer at the end), NaN where not `ok`.
ITBOUND_LANE void store_lanes(const V& value, const Mask& ok, Index start, Index n, double* out) {
  const V marked = select(ok, value, splat(__builtin_nan("")));
  if (start + kWidth <= n) {
    std::memcpy(out + start, &marked, sizeof marked);
  } else {
    for (Index i = start; i < n; ++i) out[i] = lane(marked, i - start);
  }
}

// Elements are solved a chunk at a time. From the starts most lanes converge at the first evaluation and
// nearly all the others after one step: a pack that iterated until its slowest lane converged would evaluate
// every lane about 2.2 times where 1.45 are needed. So the first pass evaluates every element once and queues
// the lanes that did not converge (their index and next iterate); the queue is then stepped in full packs,
// each pass keeping only the lanes that still have not converged. A chunk's queue stays in L1.
constexpr Index kChunk = 1024;

using Ints = Mask;  // int64 lanes: element indices

// first, first + 1, ... in lane order.
ITBOUND_LANE Ints lane_indices(Index first) {
  static constexpr auto numbers = [] {
    struct {
      Index at[kWidth];
    } r{};
    for (int j = 0; j < kWidth; ++j) r.at[j] = j;
    return r;
  }();
  Ints r;
  std::memcpy(&r, numbers.at, sizeof r);
  return r + first;
}

struct Queue {
  alignas(64) Index index[kChunk + kWidth];  // kWidth spare: appends write whole vectors past the queued lanes
  alignas(64) double u[kChunk + kWidth];
  Index size = 0;
};

#if ITBOUND_LANE_BYTES == 64
// AVX-512 moves the queued lanes with compress, gather and scatter: one instruction per native vector.
ITBOUND_LANE __mmask8 bits(const NativeMask& m) { return _mm512_movepi64_mask(__builtin_bit_cast(__m512i, m)); }

// Appends the lanes of `wait` (element `index` with next iterate u) to `queue` at `size`, advancing it.
ITBOUND_LANE void enqueue(Queue& queue, Index& size, const Mask& wait, const Ints& index, const V& u) {
  ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) {
    const __mmask8 m = bits(wait.x[k]);
    _mm512_storeu_pd(queue.u + size, _mm512_maskz_compress_pd(m, u.x[k]));
    _mm512_storeu_si512(queue.index + size, _mm512_maskz_compress_epi64(m, __builtin_bit_cast(__m512i, index.x[k])));
    size += __builtin_popcount(m);
  }
}

// Lanes [at, at + kWidth) of the queue (`use` marks those below its size; the others repeat entry `at`), with
// their q and c.
ITBOUND_LANE void dequeue(const Queue& queue, Index at, const double* q, Index q_step, const double* c, Index c_step,
                          Mask& use, Ints& index, V& qv, V& cv, V& u) {
  use = lane_indices(at) < queue.size;
  const __m512i first = _mm512_set1_epi64(queue.index[at]);
  const __m512d first_u = _mm512_set1_pd(queue.u[at]);
  ITBOUND_UNROLL for (int k = 0; k < kPack; ++k) {
    const __mmask8 m = bits(use.x[k]);
    const __m512i i = _mm512_mask_loadu_epi64(first, m, queue.index + at + k * kNative);
    index.x[k] = __builtin_bit_cast(NativeMask, i);
    u.x[k] = _mm512_mask_loadu_pd(first_u, m, queue.u + at + k * kNative);
    // (The masked form with a defined source: GCC 12 warns about the unmasked one's undefined source.)
    qv.x[k] = _mm512_mask_i64gather_pd(first_u, 0xFF, _mm512_mullo_epi64(i, _mm512_set1_epi64(q_step)), q, 8);
    cv.x[k] = _mm512_mask_i64gather_pd(first_u, 0xFF, _mm512_mullo_epi64(i, _mm512_set1_epi64(c_step)), c, 8);
  }
}

// value[index] = v where `done`, NaN there unless `ok`.
ITBOUND_LANE void scatter(double* value, const Mask& done, const Mask& ok, const Ints& index, const V& v) {
  const V marked = select(ok, v, splat(__builtin_nan("")));
  ITBOUND_UNROLL for (int k = 0; k < kPack; ++k)
    _mm512_mask_i64scatter_pd(value, bits(done.x[k]), __builtin_bit_cast(__m512i, index.x[k]), marked.x[k], 8);
}
#else
ITBOUND_LANE void enqueue(Queue& queue, Index& size, const Mask& wait, const Ints& index, const V& u) {
  ITBOUND_UNROLL for (int j = 0; j < kWidth; ++j) {  // every lane written, the queued ones kept: no branches
    queue.index[size] = lane(index, j);
    queue.u[size] = lane(u, j);
    size += lane(wait, j) != 0;
  }
}

ITBOUND_LANE void dequeue(const Queue& queue, Index at, const double* q, Index q_step, const double* c, Index c_step,
                          Mask& use, Ints& index, V& qv, V& cv, V& u) {
  use = lane_indices(at) < queue.size;
  for (int j = 0; j < kWidth; ++j) {
    const Index k = at + j < queue.size ? at + j : at;
    lane(index, j) = queue.index[k];
    lane(u, j) = queue.u[k];
    lane(qv, j) = q[queue.index[k] * q_step];
    lane(cv, j) = c[queue.index[k] * c_step];
  }
}

ITBOUND_LANE void scatter(double* value, const Mask& done, const Mask& ok, const Ints& index, const V& v) {
  for (int j = 0; j < kWidth; ++j)
    if (lane(done, j)) value[lane(index, j)] = lane(ok, j) ? lane(v, j) : __builtin_nan("");
}
#endif

template <bool Up>
ITBOUND_LANE void solve_all_impl(const double* q, Index q_step, const double* c, Index c_step, Index n, double* value) {
  const auto regular = [](const V& qv, const V& cv) {
    return (qv >= kLaneMin) & (qv < 1.0) & (cv >= kMinC) & (cv <= kMaxC);
  };
  Queue queue;
  for (Index chunk = 0; chunk < n; chunk += kChunk) {
    const Index end = n - chunk > kChunk ? chunk + kChunk : n;
    queue.size = 0;
    for (Index first = chunk; first < end; first += kWidth) {
      V qv, cv;
      const Mask use = load_lanes(q, q_step, c, c_step, first, end, qv, cv, 0.5, 0.1, regular);
      Lanes l;
      start<Up>(l, qv, cv);
      evaluate<Up>(l);
      V v;
      const Mask ok = certify<Up>(l, v);
      store_lanes(v, ok & use, first, end, value);  // the queued lanes' NaN is overwritten below
      const Mask wait = use & ~l.converged;
      if (!none(wait)) enqueue(queue, queue.size, wait, lane_indices(first), l.u - l.du);
    }
    // Lanes still queued after kMaxSteps steps keep their NaN: the scalar solver takes them.
    for (int step = 0; step < kMaxSteps && queue.size > 0; ++step) {
      Index kept = 0;  // the queue is compacted in place: a pack is read whole before any of it is overwritten
      for (Index at = 0; at < queue.size; at += kWidth) {
        Mask use;
        Ints index;
        V qv, cv, u;
        dequeue(queue, at, q, q_step, c, c_step, use, index, qv, cv, u);
        Lanes l;
        setup(l, qv, cv);
        l.u = u;
        evaluate<Up>(l);
        V v;
        const Mask ok = certify<Up>(l, v);
        scatter(value, use & l.converged, ok, index, v);
        enqueue(queue, kept, use & ~l.converged, index, l.u - l.du);
      }
      queue.size = kept;
    }
  }
}

// kl over the lanes' domain; other elements are left to the scalar kl.
ITBOUND_LANE void kl_all_impl(const double* q, Index q_step, const double* p, Index p_step, Index n, double* value) {
  const auto inside = [](V qv, V pv) { return (qv >= kLaneMin) & (qv < 1.0) & (pv >= kLaneMin) & (pv < 1.0); };
  for (Index start = 0; start < n; start += kWidth) {
    V qv, pv;
    const Mask use = load_lanes(q, q_step, p, p_step, start, n, qv, pv, 0.5, 0.25, inside);
    const V omq = 1.0 - qv;
    store_lanes(lane_kl(qv, omq, 1.0 / qv, 1.0 / omq, pv, 1.0 - pv), use, start, n, value);
  }
}

}  // namespace

void ITBOUND_LANES_ENTRY(Job job, const double* a, std::ptrdiff_t a_step, const double* b, std::ptrdiff_t b_step,
                         std::ptrdiff_t n, double* value) {
  if (job == Job::kl) return kl_all_impl(a, a_step, b, b_step, n, value);
  job == Job::upper ? solve_all_impl<true>(a, a_step, b, b_step, n, value)
                    : solve_all_impl<false>(a, a_step, b, b_step, n, value);
}

}  // namespace itbound::lanes
