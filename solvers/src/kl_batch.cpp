// Array kl inverses: a vectorised approximate solve over fixed-size blocks, then a per-element
// certification with the scalar kl; any element that does not certify goes to the scalar solver.
// Soundness rests only on the certification (the same test the scalar solver uses), never on the
// accuracy of the vectorised part, whose log/exp are Eigen's packet functions at baseline flags.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"

namespace itbound {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// kl(q, p) (kl.hpp) has relative error below 16 eps, so a computed kl >= c (1 + 64 eps) proves the
// exact kl(q||p) > c: p is then on the safe side of the root. Same threshold as the scalar solver.
constexpr double kCertify = 1.0 + 64.0 * kEps;
// The candidate is moved outward by this many eps of c in kl-space before certifying. It must cover the
// certification margin (64), the certifying evaluation's error (16) and the vectorised solve's residual
// and kl error (a few tens of eps): the tight move certifies most elements, the loose one nearly all
// the rest, and the scalar solver takes what remains.
constexpr double kNudge[] = {96.0 * kEps, 256.0 * kEps};
// The direct phase stops at steps below this fraction of the distance to u(q) (the cubic accurate steps
// finish from there); lanes still unconverged after the accurate steps go to the scalar solver.
constexpr double kDirectStop = 1e-5;
constexpr int kMaxDirect = 3;
constexpr double kDirectMinC = 1e-9;
constexpr int kMaxAccurate = 2;
constexpr Eigen::Index kBlock = 64;
using Block = Eigen::Array<double, kBlock, 1>;

// Lane-wise a where pick(j) else b. A plain loop the compiler turns into vector blends: Eigen 3.4's
// select() evaluates lane by lane with branches, which dominated the run time.
template <typename Pick>
Block blend(const Block& a, const Block& b, Pick pick) {
  Block r;
  for (Eigen::Index j = 0; j < kBlock; ++j) {
    const double x = a[j], y = b[j];  // both loaded unconditionally, so the loop if-converts
    r[j] = pick(j) ? x : y;
  }
  return r;
}

// phi(x) = x - ln(1+x) >= 0 with ratio = 1 + x passed separately (known more accurately than 1 + x).
// Near 0: ln(1+x) = 2 atanh(t), t = x/(2+x), so phi = x t - 2 t^3 (1/3 + t^2/5 + ...), cancellation-free.
Block phi(const Block& x, const Block& ratio) {
  const Block t = x / (2.0 + x);
  const Block t2 = t.square();
  Block s = Block::Constant(1.0 / 21.0);
  for (int k = 19; k >= 3; k -= 2) s = s * t2 + 1.0 / k;
  const Block series = x * t - 2.0 * t * t2 * s;
  return blend(series, x - ratio.log(), [&](Eigen::Index j) { return std::abs(x[j]) <= 0.25; });
}

// p - q, from 1-q and 1-p where p >= 1/2 (there 1-p is known more accurately than p).
Block difference(const Block& q, const Block& omq, const Block& p, const Block& omp) {
  return blend(p - q, omq - omp, [&](Eigen::Index j) { return p[j] < 0.5; });
}

// kl(q||p) = q phi(d/q) + (1-q) phi(-d/(1-q)), d = p - q: two non-negative terms (kl.cpp, kl_interior).
Block kl_block(const Block& q, const Block& omq, const Block& p, const Block& omp) {
  const Block d = difference(q, omq, p, omp);
  return q * phi(d / q, p / q) + omq * phi(-d / omq, omp / omq);
}

// Both sides solve h(u) = kl(q||p(u)) - c = 0 in the logit u = ln(p/(1-p)): there h'(u) = p - q and
// h''(u) = p(1-p) > 0, so h is convex, monotone on each side of u(q) and nearly linear where p nears 0 or 1,
// and p, 1-p = 1/(1+e^-u), e^-u/(1+e^-u) are both recovered to a few ulps relative.

// Start from the expansion of the root in s = sqrt(2 q (1-q) c), p = q +- s + 2 (1-2q) c / 3 + O(s^3) (Taylor
// series of kl(q||p) in p at q to third order), where it lands in (0, 1); cut at the entropy brackets
// kl >= -H(q) + (1-q) ln(1/(1-p)) and kl >= -H(q) + q ln(1/p), which are tight where p nears 1 or 0.
template <bool Up>
Block start(const Block& q, const Block& omq, const Block& c, const Block& entropy) {
  const Block s = (2.0 * q * omq * c).sqrt();
  const Block p0 = q + (Up ? s : -s) + (2.0 / 3.0) * (1.0 - 2.0 * q) * c;
  const Block logit = (p0 / (1.0 - p0)).log();
  if constexpr (Up) {
    // logit(p) <= ln(1/(1-p)) <= (c + H)/(1-q).
    const Block bracket = (c + entropy) / omq;
    return blend(logit.min(bracket), bracket, [&](Eigen::Index j) { return p0[j] > q[j] && p0[j] < 1.0; });
  } else {
    // logit(p) >= ln p >= -(c + H)/q.
    const Block bracket = -(c + entropy) / q;
    return blend(logit.max(bracket), bracket, [&](Eigen::Index j) { return p0[j] > 0.0 && p0[j] < q[j]; });
  }
}

// Halley iterations (Newton where Halley would more than double the step); sets candidate p and 1-p, and
// returns per lane whether the last step was small (else the candidate may be loose, though still certifiable).
// First with the direct kl = -H(q) + ln(1 + e^-u) + (1-q) u (one log, but cancelling: its absolute error of
// a few eps is noise below c ~ 1e-9, where the start is already close) until the steps are small, then with
// the cancellation-free kl_block to reach the root to rounding level.
template <bool Up>
Eigen::Array<bool, kBlock, 1> solve_block(const Block& q, const Block& c, Block& p, Block& omp) {
  const Block omq = 1.0 - q;
  const Block uq = (q / omq).log();
  const Block entropy = -(q * q.log() + omq * omq.log());
  Block u = start<Up>(q, omq, c, entropy);
  Block e;
  const auto advance = [&](const Block& h) {
    const Block d = difference(q, omq, p, omp);
    const Block den = 2.0 * d.square() - h * p * omp;
    const Block step = blend(2.0 * h * d / den, h / d, [&](Eigen::Index j) { return den[j] > d[j] * d[j]; });
    // Never cross the point p = q: go at most halfway to it.
    const Block next = u - step;
    if constexpr (Up) u = next.max(0.5 * (u + uq));
    else u = next.min(0.5 * (u + uq));
    return step;
  };
  const auto to_p = [&] {
    e = (-u).exp();
    p = 1.0 / (1.0 + e);
    omp = e * p;
  };
  for (int it = 0; it < kMaxDirect; ++it) {
    to_p();
    const Block h = (1.0 + e).log() + omq * u - entropy - c;
    const Block step = advance(blend(h, Block::Zero(), [&](Eigen::Index j) { return c[j] >= kDirectMinC; }));
    // NaN lanes compare false here and below: they are left to the scalar fallback.
    if (!((step.abs() > kDirectStop * (u - uq).abs()).any())) break;
  }
  // Halley's error after a step is of the order of the step cubed: done once every step is small.
  Eigen::Array<bool, kBlock, 1> small;
  for (int it = 0; it < kMaxAccurate; ++it) {
    to_p();
    const Block step = advance(kl_block(q, omq, p, omp) - c);
    small = step.abs() <= kDirectStop * (u - uq).abs();
    if (small.all()) break;
  }
  to_p();
  return small;
}

// The element q, c is one the vectorised path handles; the rest (exact ends, scales near the underflow
// threshold, where the scalar solver switches formulas) go to the scalar solver.
bool regular(double q, double c) { return q >= 1e-280 && q < 1.0 && c >= 1e-280 && c < 1e300; }

template <bool Up>
KlInverseArrayResult solve_array(const Eigen::Ref<const Eigen::ArrayXd>& q, const Eigen::Ref<const Eigen::ArrayXd>& c) {
  if (q.size() != c.size())
    fail("c", "must have the same length as q (" + std::to_string(q.size()) + "), got " + std::to_string(c.size()));
  const auto scalar = [](double qi, double ci) { return Up ? kl_inverse_upper(qi, ci) : kl_inverse_lower(qi, ci); };
  const Eigen::Index n = q.size();
  // The first bad entry throws with its index, exactly as the scalar solver words it.
  for (Eigen::Index i = 0; i < n; ++i) {
    if (q[i] >= 0.0 && q[i] <= 1.0 && c[i] >= 0.0) continue;
    try {
      scalar(q[i], c[i]);
    } catch (const InvalidArgument& e) {
      const std::string what = e.what();
      throw InvalidArgument(e.field() + "[" + std::to_string(i) + "]", what.substr(e.field().size() + 2));
    }
  }
  KlInverseArrayResult out{Eigen::ArrayXd(n), 0};
  Block qb, cb, p, omp;
  for (Eigen::Index start = 0; start < n; start += kBlock) {
    const Eigen::Index len = std::min(kBlock, n - start);
    // Irregular and padding lanes get a harmless stand-in; their results are not used.
    for (Eigen::Index j = 0; j < kBlock; ++j) {
      const bool use = j < len && regular(q[start + j], c[start + j]);
      qb[j] = use ? q[start + j] : 0.5;
      cb[j] = use ? c[start + j] : 0.1;
    }
    const auto converged = solve_block<Up>(qb, cb, p, omp);
    for (Eigen::Index j = 0; j < len; ++j) {
      const Eigen::Index i = start + j;
      const double qi = q[i], ci = c[i];
      if (converged[j] && regular(qi, ci)) {
        // Move outward by kNudge c in kl-space (dp = dkl p(1-p)/|p-q|) plus 2 ulps, then certify.
        const double dist = Up ? p[j] - qi : qi - p[j];
        bool done = false;
        for (const double nudge : kNudge) {
          const double move = nudge * ci * p[j] * omp[j] / dist + 2.0 * kEps * p[j];
          const double cand = Up ? p[j] + move : p[j] - move;
          const bool inside = Up ? (cand > qi && cand < 1.0) : (cand < qi && cand > 1e-300);
          if (dist > 0.0 && inside && kl(qi, cand) >= ci * kCertify) {
            out.value[i] = cand;
            done = true;
            break;
          }
        }
        if (done) continue;
      }
      const KlInverseResult r = scalar(qi, ci);
      out.value[i] = r.value;
      if (r.status == SolverStatus::not_converged) ++out.not_converged;
    }
  }
  return out;
}

}  // namespace

KlInverseArrayResult kl_inverse_upper(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c) {
  return solve_array<true>(q, c);
}

KlInverseArrayResult kl_inverse_lower(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c) {
  return solve_array<false>(q, c);
}

}  // namespace itbound
