// Array kl and kl inverses: input checks, the vector lanes (kl_lanes_impl.hpp: the method, its error
// bounds and certification) for the AVX2 + FMA or the baseline instruction set, and the scalar functions
// (kl.cpp) for every element the lanes leave.
#include <atomic>
#include <cmath>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/kl.hpp"
#include "kl_lanes.hpp"

namespace itbound {
namespace {

using lanes::Job;

std::atomic<bool> use_baseline_only{false};  // set by tests only

// The AVX2 + FMA lanes where they were built (x86-64 GCC/Clang, see solvers/CMakeLists.txt) and the CPU
// has both, else the baseline's.
lanes::Run best_lanes() {
#ifdef ITBOUND_HAVE_AVX2_LANES
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return lanes::run_avx2;
#endif
  return lanes::run_baseline;
}

// Runs `job` in the lanes, then `scalar(a[i], b[i])` on every element they left (marked NaN), in index order:
// invalid entries are among those, so the first one throws, named with its index as `scalar` words it.
template <typename F>
void run(Job job, const Eigen::Ref<const Eigen::ArrayXd>& a, const Eigen::Ref<const Eigen::ArrayXd>& b,
         const char* b_name, double* value, F scalar) {
  if (a.size() != b.size())
    fail(b_name, "must have the same length as q (" + std::to_string(a.size()) + "), got " + std::to_string(b.size()));
  static const lanes::Run best = best_lanes();
  (use_baseline_only.load(std::memory_order_relaxed) ? lanes::run_baseline : best)(job, a.data(), b.data(), a.size(), value);
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    if (!std::isnan(value[i])) continue;
    try {
      value[i] = scalar(a[i], b[i]);
    } catch (const InvalidArgument& e) {
      const std::string what = e.what();
      throw InvalidArgument(e.field() + "[" + std::to_string(i) + "]", what.substr(e.field().size() + 2));
    }
  }
}

template <bool Up>
KlInverseArrayResult solve_array(const Eigen::Ref<const Eigen::ArrayXd>& q, const Eigen::Ref<const Eigen::ArrayXd>& c) {
  KlInverseArrayResult out{Eigen::ArrayXd(q.size()), 0};
  run(Up ? Job::upper : Job::lower, q, c, "c", out.value.data(), [&](double qi, double ci) {
    const KlInverseResult r = Up ? kl_inverse_upper(qi, ci) : kl_inverse_lower(qi, ci);
    if (r.status == SolverStatus::not_converged) ++out.not_converged;
    return r.value;
  });
  return out;
}

}  // namespace

Eigen::ArrayXd kl(const Eigen::Ref<const Eigen::ArrayXd>& q, const Eigen::Ref<const Eigen::ArrayXd>& p) {
  Eigen::ArrayXd out(q.size());
  run(Job::kl, q, p, "p", out.data(), [](double qi, double pi) { return kl(qi, pi); });
  return out;
}

KlInverseArrayResult kl_inverse_upper(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c) {
  return solve_array<true>(q, c);
}

KlInverseArrayResult kl_inverse_lower(const Eigen::Ref<const Eigen::ArrayXd>& q,
                                      const Eigen::Ref<const Eigen::ArrayXd>& c) {
  return solve_array<false>(q, c);
}

void kl_arrays_use_baseline(bool on) { use_baseline_only = on; }

}  // namespace itbound
