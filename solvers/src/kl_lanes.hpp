#pragma once
// The vectorised kl and kl inverses (kl_lanes_impl.hpp), built once per instruction set: kl_lanes_baseline.cpp
// for x86-64 (SSE2) or any other target, kl_lanes_avx2.cpp for AVX2 + FMA. kl_batch.cpp dispatches.
//
// The AVX2 translation unit must not define any function that another translation unit could also
// define (an inline std:: function instantiated there could be the one the linker keeps, and then run on a
// CPU without AVX2): it uses no library templates, no Eigen, only its own code in an anonymous namespace.
#include <cstddef>

namespace itbound::lanes {

enum class Job { kl, upper, lower };

// `job` over n elements of a (q) and b (p for kl, c for the inverses): value[i] is the result (certified,
// for the inverses), or NaN where the lanes leave the element to the scalar code (outside their range, not
// certified).
using Run = void (*)(Job job, const double* a, const double* b, std::ptrdiff_t n, double* value);
void run_baseline(Job job, const double* a, const double* b, std::ptrdiff_t n, double* value);
void run_avx2(Job job, const double* a, const double* b, std::ptrdiff_t n, double* value);

}  // namespace itbound::lanes
