#include "commands.hpp"
#include "itbound/bounds/test_set.hpp"

namespace itbound::cli {

Command test_set_command() {
  return {
      "test-set",
      "Langford's test-set bound: exact binomial tail inversion of k errors in m held-out trials.",
      {
          {.name = "errors", .kind = Kind::integer, .doc = "Number k of held-out errors.", .range = Range{0, 4.5e15}},
          {.name = "trials", .kind = Kind::integer, .doc = "Number m of held-out examples.", .range = Range{1, 4.5e15}},
          {.name = "delta", .kind = Kind::real, .doc = "Confidence parameter: the bound fails with probability at most delta.",
           .default_value = 0.05, .range = Range{0, 1, true, true}},
      },
      [](const Args& a) {
        return Report("test-set", test_set_bound({a.integer("errors"), a.integer("trials"), a.real("delta")}));
      },
      [] { return Report("test-set", Certificate{}); },
  };
}

}  // namespace itbound::cli
