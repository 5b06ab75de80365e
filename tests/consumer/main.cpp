// Links the installed libraries: a test-set certificate, printed as JSON, checked against Clopper-Pearson.
#include <cmath>
#include <iostream>

#include "itbound/bounds/test_set.hpp"
#include "itbound/data/report_json.hpp"

int main() {
  const itbound::Certificate cert = itbound::test_set_bound({.errors = 0, .trials = 100, .delta = 0.05});
  std::cout << itbound::data::to_json_text(itbound::data::to_json(cert)) << '\n';
  // k = 0: the exact limit is 1 - delta^(1/m) (Langford 2005, Theorem 3.3).
  const double exact = 1.0 - std::pow(0.05, 1.0 / 100.0);
  const bool ok = cert.valid() && cert.value >= exact && cert.value <= exact * (1 + 1e-12);
  std::cout << (ok ? "consumer: ok" : "consumer: WRONG VALUE") << '\n';
  return ok ? 0 : 1;
}
