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
constexpr double kResidual = 16.0 * kEps;
constexpr int kMaxHalley = 12;
constexpr Eigen::Index kBlock = 64;
using Block = Eigen::Array<double, kBlock, 1>;

// phi(x) = x - ln(1+x) >= 0 with ratio = 1 + x passed separately (known more accurately than 1 + x).
// Near 0: ln(1+x) = 2 atanh(t), t = x/(2+x), so phi = x t - 2 t^3 (1/3 + t^2/5 + ...), cancellation-free.
Block phi(const Block& x, const Block& ratio) {
  const Block t = x / (2.0 + x);
  const Block t2 = t.square();
  Block s = Block::Constant(1.0 / 21.0);
  for (int k = 19; k >= 3; k -= 2) s = s * t2 + 1.0 / k;
  return (x.abs() <= 0.25).select(x * t - 2.0 * t * t2 * s, x - ratio.log());
}

// kl(q||p) = q phi(d/q) + (1-q) phi(-d/(1-q)), d = p - q: two non-negative terms (kl.cpp, kl_interior).
Block kl_block(const Block& q, const Block& omq, const Block& p, const Block& omp) {
  const Block d = (p < 0.5).select(p - q, omq - omp);
  return q * phi(d / q, p / q) + omq * phi(-d / omq, omp / omq);
}

// Both sides solve h(u) = kl(q||p(u)) - c = 0 in the logit u = ln(p/(1-p)): there h'(u) = p - q and
// h''(u) = p(1-p) > 0, so h is convex, monotone on each side of u(q) and nearly linear where p nears 0 or 1,
// and p, 1-p = 1/(1+e^-u), e^-u/(1+e^-u) are both recovered to a few ulps relative.
void from_logit(const Block& u, Block& p, Block& omp) {
  const Block e = (-u).exp();
  p = 1.0 / (1.0 + e);
  omp = e * p;
}

// Start on the far side of the root, from the scalar solver's bounds (kl.cpp): Pinsker,
// kl >= (p-q)^2/(2 max(p,q)) and the entropy brackets kl >= -H(q) + (1-q) ln(1/(1-p)) and -H(q) + q ln(1/p).
template <bool Up>
Block start(const Block& q, const Block& omq, const Block& c) {
  const Block entropy = -(q * q.log() + omq * omq.log());
  if constexpr (Up) {
    // logit(p) <= ln(1/(1-p)) <= (c + H)/(1-q).
    const Block bracket = (c + entropy) / omq;
    const Block p0 = (q + (0.5 * c).sqrt()).min(q + (2.0 * q * c).sqrt() + 2.0 * c);
    return (p0 < 1.0).select((p0 / (1.0 - p0)).log().min(bracket), bracket);
  } else {
    // logit(p) >= ln p >= -(c + H)/q.
    const Block bracket = -(c + entropy) / q;
    const Block p0 = (q - (0.5 * c).sqrt()).max(q - (2.0 * q * c).sqrt());
    return (p0 > 0.0).select((p0 / (1.0 - p0)).log().max(bracket), bracket);
  }
}

// Halley iterations (Newton where Halley would more than double the step); returns candidate p and 1-p.
template <bool Up>
void solve_block(const Block& q, const Block& c, Block& p, Block& omp) {
  const Block omq = 1.0 - q;
  const Block uq = (q / omq).log();
  Block u = start<Up>(q, omq, c);
  for (int it = 0; it < kMaxHalley; ++it) {
    from_logit(u, p, omp);
    const Block d = (p < 0.5).select(p - q, omq - omp);
    const Block h = kl_block(q, omq, p, omp) - c;
    const Block den = 2.0 * d.square() - h * p * omp;
    const Block step = (den > d.square()).select(2.0 * h * d / den, h / d);
    // Never cross the point p = q: go at most halfway to it.
    const Block next = u - step;
    if constexpr (Up) u = next.max(0.5 * (u + uq));
    else u = next.min(0.5 * (u + uq));
    // Done when every lane's residual is at the kl evaluation's noise level (NaN lanes go to the fallback).
    if (!((h.abs() > kResidual * c && step.abs() > 1e-15).any())) break;
  }
  from_logit(u, p, omp);
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
    solve_block<Up>(qb, cb, p, omp);
    for (Eigen::Index j = 0; j < len; ++j) {
      const Eigen::Index i = start + j;
      const double qi = q[i], ci = c[i];
      if (regular(qi, ci)) {
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
