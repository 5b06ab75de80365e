#include <limits>

#include "commands.hpp"
#include "itbound/solvers/kl.hpp"

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
      [](const Args& a) {
        const double q = a.real("q"), c = a.real("c");
        const KlInverseResult up = kl_inverse_upper(q, c);
        const KlInverseResult lo = kl_inverse_lower(q, c);
        return Json{{"q", q},
                    {"c", c},
                    {"upper", up.value},
                    {"lower", lo.value},
                    {"upper_status", std::string(to_string(up.status))},
                    {"lower_status", std::string(to_string(lo.status))},
                    {"reference", "kl(q||p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)); Langford (2005), JMLR 6, Sec. 3"}};
      },
  };
}

}  // namespace itbound::cli
