#pragma once
#include <string_view>

namespace itbound {

// How a numerical value was obtained. A value that did not converge is still on the safe side
// (the last certified end of the bracket), but it is not as tight as it could be.
enum class SolverStatus { exact, converged, not_converged };

constexpr std::string_view to_string(SolverStatus s) {
  switch (s) {
    case SolverStatus::exact: return "exact";
    case SolverStatus::converged: return "converged";
    case SolverStatus::not_converged: return "not_converged";
  }
  return "unknown";
}

// The worse of two statuses, for values computed from several solves.
constexpr SolverStatus worst(SolverStatus a, SolverStatus b) { return a > b ? a : b; }

}  // namespace itbound
