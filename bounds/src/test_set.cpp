#include "itbound/bounds/test_set.hpp"

#include <algorithm>
#include <cmath>

#include "itbound/error.hpp"
#include "itbound/estimators/detail/sums.hpp"
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
  cert.quantity = "the true error of the predictor on the task distribution";
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

using estimators::detail::mean;

Certificate expected_error_upper_limit(const std::string& name, const std::vector<double>& group_means,
                                       double loss_min, double loss_max, double delta, const std::string& quantity) {
  require_delta(delta);
  const double width = loss_max - loss_min;
  const double k = static_cast<double>(group_means.size());
  std::vector<double> scaled(group_means.size());
  for (std::size_t s = 0; s < scaled.size(); ++s) scaled[s] = std::clamp((group_means[s] - loss_min) / width, 0.0, 1.0);
  const double q = std::min(1.0, sum_round_up(mean(scaled), k + 1));
  const KlInverseResult p = kl_inverse_upper(q, round_up(-std::log(delta) / k, 2));
  Certificate c;
  c.name = name;
  c.guarantee = Guarantee::certificate;
  c.quantity = quantity;
  c.set_value(round_up(loss_min + round_up(width * p.value, 1), 1), loss_max);
  c.status = p.status;
  c.inputs = {{"groups", static_cast<std::int64_t>(group_means.size())}, {"mean", mean(group_means)},
              {"loss_min", loss_min}, {"loss_max", loss_max}, {"delta", delta}};
  c.delta_ledger = {{"Chernoff-Hoeffding upper limit over the independent groups", delta}};
  c.add_assumption("independent_groups",
                   "the groups (supersamples) were drawn independently, each an unbiased estimate of the expectation",
                   Holds::unchecked, "fresh data, selectors and training seeds per supersample");
  c.add_assumption("bounded_loss", "losses lie in [loss_min, loss_max]", Holds::yes, "checked on every value read");
  c.reference = {"Hoeffding (1963), Probability inequalities for sums of bounded random variables, JASA 58",
                 "Theorem 1 (kl form, bounded variables through the convexity of the moment generating function)"};
  c.details = {{"scaled_mean", q}};
  return c;
}

}  // namespace itbound
