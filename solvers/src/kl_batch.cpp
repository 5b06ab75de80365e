// Array kl and kl inverses: input checks, the vector lanes (kl_lanes_impl.hpp: the method, its error
// bounds and certification) for AVX-512, AVX2 + FMA or the baseline instruction set, and the scalar functions
// (kl.cpp) for every element the lanes leave.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"
#include "kl_lanes.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace itbound {
namespace {

using lanes::Job;

bool cpu_has(KlLanes isa) {
  switch (isa) {
    case KlLanes::automatic:
    case KlLanes::baseline: return true;
#ifdef ITBOUND_HAVE_X86_LANES  // solvers/CMakeLists.txt: x86-64 GCC/Clang builds the wider lanes
    case KlLanes::avx2:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case KlLanes::avx512:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
#else
    case KlLanes::avx2:
    case KlLanes::avx512: return false;
#endif
  }
  return false;
}

KlLanes widest() {
  for (const KlLanes isa : {KlLanes::avx512, KlLanes::avx2})
    if (cpu_has(isa)) return isa;
  return KlLanes::baseline;
}

std::atomic<KlLanes> in_use{widest()};

lanes::Run entry(KlLanes isa) {
  switch (isa) {
#ifdef ITBOUND_HAVE_X86_LANES
    case KlLanes::avx512: return lanes::run_avx512;
    case KlLanes::avx2: return lanes::run_avx2;
#endif
    default: return lanes::run_baseline;
  }
}

// The lanes leave few elements (NaN): whole blocks without any are skipped by a test that vectorises.
constexpr std::ptrdiff_t kScanBlock = 64;
bool block_has_nan(const double* v) {
#ifdef __SSE2__  // GCC 12 does not vectorise the loop below
  __m128d any = _mm_setzero_pd();
  for (int k = 0; k < kScanBlock; k += 2) {
    const __m128d x = _mm_loadu_pd(v + k);
    any = _mm_or_pd(any, _mm_cmpunord_pd(x, x));
  }
  return _mm_movemask_pd(any) != 0;
#else
  bool any = false;
  for (int k = 0; k < kScanBlock; ++k) any |= std::isnan(v[k]);
  return any;
#endif
}

// Runs `job` in the lanes over out.size() elements (a or b of length 1 broadcast), then `scalar(a_i, b_i)` on
// every element they left (marked NaN), in index order: invalid entries are among those, so the first one
// throws, named with its index as `scalar` words it.
template <typename F>
KlArrayReport run(Job job, std::span<const double> a, std::span<const double> b, std::span<double> out,
                  const char* a_name, const char* b_name, F scalar) {
  const auto n = static_cast<std::ptrdiff_t>(out.size());
  const auto length = [&](std::span<const double> x, const char* name) {
    if (x.size() != out.size() && x.size() != 1)
      fail(name, "must have " + std::to_string(n) + " entries (or one), got " + std::to_string(x.size()));
    return x.size() == 1 ? std::ptrdiff_t{0} : std::ptrdiff_t{1};
  };
  const std::ptrdiff_t a_step = length(a, a_name), b_step = length(b, b_name);
  // The scalar pass rereads the inputs after the lanes have written `out`.
  const auto overlaps = [&](std::span<const double> x) {
    const auto lo = reinterpret_cast<std::uintptr_t>(x.data()), o = reinterpret_cast<std::uintptr_t>(out.data());
    return !x.empty() && !out.empty() && lo < o + out.size_bytes() && o < lo + x.size_bytes();
  };
  if (overlaps(a) || overlaps(b)) fail("out", std::string("must not overlap ") + a_name + " or " + b_name);
  KlArrayReport report;
  if (n == 0) return report;
  entry(in_use.load(std::memory_order_relaxed))(job, a.data(), a_step, b.data(), b_step, n, out.data());
  const double b_max = job == Job::kl ? 1.0 : lanes::kMaxC;
  const double b_min = job == Job::kl ? lanes::kMinQ : lanes::kMinC;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    if (i % kScanBlock == 0 && n - i >= kScanBlock && !block_has_nan(out.data() + i)) {
      i += kScanBlock - 1;
      continue;
    }
    if (!std::isnan(out[static_cast<std::size_t>(i)])) continue;
    const double ai = a[static_cast<std::size_t>(i * a_step)], bi = b[static_cast<std::size_t>(i * b_step)];
    ++report.scalar;
    // Inside the lanes' range (kl_lanes.hpp): the lanes took the element and could not certify it.
    report.uncertified += ai >= lanes::kMinQ && ai < 1.0 && bi >= b_min && (job == Job::kl ? bi < b_max : bi <= b_max);
    try {
      out[static_cast<std::size_t>(i)] = scalar(ai, bi, report);
    } catch (const InvalidArgument& e) {
      const std::string what = e.what();
      throw InvalidArgument(e.field() + "[" + std::to_string(i) + "]", what.substr(e.field().size() + 2));
    }
  }
  return report;
}

template <bool Up>
KlArrayReport solve(std::span<const double> q, std::span<const double> c, std::span<double> out) {
  return run(Up ? Job::upper : Job::lower, q, c, out, "q", "c", [](double qi, double ci, KlArrayReport& report) {
    const KlInverseResult r = Up ? kl_inverse_upper(qi, ci) : kl_inverse_lower(qi, ci);
    report.not_converged += r.status == SolverStatus::not_converged;
    return r.value;
  });
}

std::span<const double> span(const Eigen::Ref<const Eigen::ArrayXd>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

// The Eigen forms take equal lengths only (no broadcast).
void same_length(const Eigen::Ref<const Eigen::ArrayXd>& q, const Eigen::Ref<const Eigen::ArrayXd>& b, const char* b_name) {
  if (b.size() != q.size())
    fail(b_name, "must have the same length as q (" + std::to_string(q.size()) + "), got " + std::to_string(b.size()));
}

template <bool Up>
KlInverseArrayResult solve_array(const Eigen::Ref<const Eigen::ArrayXd>& q, const Eigen::Ref<const Eigen::ArrayXd>& c) {
  same_length(q, c, "c");
  KlInverseArrayResult r;
  r.value.resize(q.size());
  static_cast<KlArrayReport&>(r) = solve<Up>(span(q), span(c), {r.value.data(), static_cast<std::size_t>(q.size())});
  return r;
}

}  // namespace

Eigen::ArrayXd kl(const Eigen::Ref<const Eigen::ArrayXd>& q, const Eigen::Ref<const Eigen::ArrayXd>& p) {
  same_length(q, p, "p");
  Eigen::ArrayXd out(q.size());
  kl(span(q), span(p), {out.data(), static_cast<std::size_t>(out.size())});
  return out;
}

KlArrayReport kl(std::span<const double> q, std::span<const double> p, std::span<double> out) {
  return run(Job::kl, q, p, out, "q", "p", [](double qi, double pi, KlArrayReport&) { return kl(qi, pi); });
}

KlInverseArrayResult kl_inverse_upper(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c) {
  return solve_array<true>(q, c);
}

KlInverseArrayResult kl_inverse_lower(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c) {
  return solve_array<false>(q, c);
}

KlArrayReport kl_inverse_upper(std::span<const double> q, std::span<const double> c, std::span<double> out) {
  return solve<true>(q, c, out);
}

KlArrayReport kl_inverse_lower(std::span<const double> q, std::span<const double> c, std::span<double> out) {
  return solve<false>(q, c, out);
}

bool kl_arrays_use(KlLanes lanes) {
  if (!cpu_has(lanes)) return false;
  in_use = lanes == KlLanes::automatic ? widest() : lanes;
  return true;
}

KlLanes kl_arrays_lanes() { return in_use.load(); }

}  // namespace itbound
