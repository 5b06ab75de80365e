#include "itbound/bounds/test_set.hpp"

#include <cmath>

#include "itbound/solvers/binomial.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {

Certificate test_set_bound(const TestSetOptions& o) {
  const BinomialLimit upper = binomial_upper_limit(o.errors, o.trials, o.delta);
  const BinomialLimit lower = binomial_lower_limit(o.errors, o.trials, o.delta);
  const double m = static_cast<double>(o.trials);
  const double q = ratio_up(static_cast<double>(o.errors), m);
  const KlInverseResult relaxed = kl_inverse_upper(q, round_up(-std::log(o.delta) / m, 2));

  Certificate cert;
  cert.name = "test-set";
  cert.set_value(upper.value, 1.0);
  cert.status = worst(upper.status, relaxed.status);
  cert.inputs = {{"errors", o.errors}, {"trials", o.trials}, {"delta", o.delta}};
  cert.delta_ledger = {{"binomial tail of the held-out error count", o.delta}};
  cert.add_assumption("iid_heldout", "held-out examples are iid from the task distribution", Holds::unchecked,
                      "cannot be checked from counts");
  cert.add_assumption("independent_predictor", "the predictor was chosen without the held-out examples",
                      Holds::unchecked, "cannot be checked from counts");
  cert.add_assumption("zero_one_loss", "each example counts as an error or not", Holds::yes,
                      "errors is an integer count in [0, trials]");
  cert.details = {{"kl_relaxation", relaxed.value},
                  {"lower_limit", lower.value},
                  {"empirical_error", static_cast<double>(o.errors) / m}};
  cert.reference = {"Langford (2005), Tutorial on practical prediction theory for classification, JMLR 6",
                    "Theorem 3.3 (test set bound); kl relaxation: Corollary 3.7 (Chernoff's bound, Lemma 3.6)"};
  return cert;
}

}  // namespace itbound
