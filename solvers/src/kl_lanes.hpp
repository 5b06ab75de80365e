#pragma once
// The vectorised kl and kl inverses (kl_lanes_impl.hpp), built once per instruction set: kl_lanes_baseline.cpp
// for x86-64 (SSE2) or any other target, kl_lanes_avx2.cpp for AVX2 + FMA, kl_lanes_avx512.cpp for AVX-512
// (F, DQ, VL, BW). kl_batch.cpp dispatches.
//
// The AVX2 and AVX-512 translation units must not define any function that another translation unit could also
// define (an inline std:: function instantiated there could be the one the linker keeps, and then run on a
// CPU without those instructions): they use no library templates, no Eigen, only their own code in an anonymous
// namespace.
#include <cstddef>

namespace itbound::lanes {

enum class Job { kl, upper, lower };

// The elements the lanes take (kl: q and p in [kMinQ, 1); inverses: q in [kMinQ, 1), c in [kMinC, kMaxC]); the
// rest (exact ends, scales near the underflow threshold, huge c) go to the scalar code.
constexpr double kMinQ = 1e-150;
constexpr double kMinC = 1e-60;
constexpr double kMaxC = 1e4;

// `job` over n elements of a (q) and b (p for kl, c for the inverses), element i at a[i * a_step] and
// b[i * b_step] (a step of 0 broadcasts one value): value[i] is the result (certified, for the inverses), or
// NaN where the lanes leave the element to the scalar code (outside their range, not certified).
using Run = void (*)(Job job, const double* a, std::ptrdiff_t a_step, const double* b, std::ptrdiff_t b_step,
                     std::ptrdiff_t n, double* value);
void run_baseline(Job job, const double* a, std::ptrdiff_t a_step, const double* b, std::ptrdiff_t b_step,
                  std::ptrdiff_t n, double* value);
void run_avx2(Job job, const double* a, std::ptrdiff_t a_step, const double* b, std::ptrdiff_t b_step,
              std::ptrdiff_t n, double* value);
void run_avx512(Job job, const double* a, std::ptrdiff_t a_step, const double* b, std::ptrdiff_t b_step,
                std::ptrdiff_t n, double* value);

}  // namespace itbound::lanes
