#include <limits>

#include "commands.hpp"
#include "itbound/bounds/kl_inverse_report.hpp"

namespace itbound::cli {

Command kl_inverse_command() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return {
      "kl-inverse",
      "Upper and lower inverses of the binary kl: sup/inf {p : kl(q||p) <= c}, rounded outward.",
      {
          {.name = "q", .kind = Kind::real, .doc = "Empirical rate q.", .range = Range{0, 1}},
          {.name = "c", .kind = Kind::real, .doc = "Budget c in nats (inf allowed).", .range = Range{0, inf}},
      },
      [](const Args& a) { return Report("kl-inverse", kl_inverse_report(a.real("q"), a.real("c"))); },
      [] { return Report("kl-inverse", KlInverseReport{}); },
  };
}

}  // namespace itbound::cli
