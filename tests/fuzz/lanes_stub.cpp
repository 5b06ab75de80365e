// clang cannot build the vector lanes (GCC vector extensions, solvers/src/kl_lanes_impl.hpp): in the fuzz build
// every instruction set's entry hands every element to the scalar solver, as the lanes leave any element they do
// not certify.
#include <cmath>

#include "../../solvers/src/kl_lanes.hpp"

namespace itbound::lanes {

namespace {

void to_scalar(std::ptrdiff_t n, double* value) {
  for (std::ptrdiff_t i = 0; i < n; ++i) value[i] = std::nan("");
}

}  // namespace

void run_baseline(Job, const double*, std::ptrdiff_t, const double*, std::ptrdiff_t, std::ptrdiff_t n, double* value) {
  to_scalar(n, value);
}
void run_avx2(Job, const double*, std::ptrdiff_t, const double*, std::ptrdiff_t, std::ptrdiff_t n, double* value) {
  to_scalar(n, value);
}
void run_avx512(Job, const double*, std::ptrdiff_t, const double*, std::ptrdiff_t, std::ptrdiff_t n, double* value) {
  to_scalar(n, value);
}

}  // namespace itbound::lanes
