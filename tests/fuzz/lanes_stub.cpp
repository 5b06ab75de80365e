// clang cannot build the vector lanes (GCC vector extensions, solvers/src/kl_lanes_impl.hpp): in the fuzz build
// every element goes to the scalar solver, as the lanes leave any element they do not certify.
#include <cmath>

#include "../../solvers/src/kl_lanes.hpp"

namespace itbound::lanes {

void run_baseline(Job, const double*, const double*, std::ptrdiff_t n, double* value) {
  for (std::ptrdiff_t i = 0; i < n; ++i) value[i] = std::nan("");
}

}  // namespace itbound::lanes
