#include "itbound/bounds/mi_bounds.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {

namespace {

struct SubGaussian {
  double sigma;
  double cap;  // trivial bound on |E gen|: b - a for a bounded loss, none for a given sigma
};

SubGaussian check_options(const MiBoundOptions& o) {
  if (o.n < 1) fail("n", "must be at least 1, got " + std::to_string(o.n));
  if (o.sigma) {
    if (!(std::isfinite(*o.sigma) && *o.sigma > 0.0)) fail("sigma", "must be a finite number > 0, got " + format_number(*o.sigma));
    return {*o.sigma, std::numeric_limits<double>::infinity()};
  }
  require_finite(o.loss_min, "loss_min");
  require_finite(o.loss_max, "loss_max");
  if (!(o.loss_max > o.loss_min)) fail("loss_max", "must exceed loss_min");
  return {round_up(0.5 * (o.loss_max - o.loss_min)), o.loss_max - o.loss_min};
}

void require_mi(double mi, const char* field) {
  require_finite(mi, field);
  if (mi < 0.0)
    fail(field, "must be >= 0 nats, got " + format_number(mi) +
                    " (a raw k-NN estimate can be negative: decide how to treat it, e.g. clamp at 0 or use an upper estimate)");
}

// sqrt(2 sigma^2 I / m), rounded up.
double root_term(double sigma, double mi, double m) {
  return round_up(std::sqrt(round_up(round_up(2.0 * round_up(sigma * sigma) * mi) / m)));
}

void describe(Certificate& c, const MiBoundOptions& o, const SubGaussian& s, const char* under) {
  c.inputs.push_back({"n", o.n});
  if (o.sigma) {
    c.inputs.push_back({"sigma", *o.sigma});
    c.add_assumption("subgaussian", std::string("the loss is sigma-sub-Gaussian ") + under, Holds::unchecked,
                     "sigma given by the caller");
  } else {
    c.inputs.push_back({"loss_min", o.loss_min});
    c.inputs.push_back({"loss_max", o.loss_max});
    c.add_assumption("subgaussian", std::string("the loss lies in [loss_min, loss_max], so it is (b - a)/2-sub-Gaussian ") +
                                        under + " (Hoeffding's lemma)",
                     Holds::unchecked, "loss values are not given to this bound");
  }
  c.add_assumption("mi_exact", "the MI values are the true mutual information (or upper bounds on it)", Holds::unchecked,
                   "an estimate carries sampling error and bias; the bound is only as good as the values given");
  c.details.push_back({"guarantee", std::string("bound on the expected generalization gap |E gen|, "
                                                "not a high-probability bound: no delta is spent")});
  c.details.push_back({"sigma_used", s.sigma});
}

}  // namespace

Certificate xu_raginsky_bound(double mi_ws, const MiBoundOptions& o) {
  const SubGaussian s = check_options(o);
  require_mi(mi_ws, "mi");
  Certificate c;
  c.name = "xu-raginsky";
  c.inputs.push_back({"mi", mi_ws});
  describe(c, o, s, "under mu for every hypothesis w");
  c.set_value(root_term(s.sigma, mi_ws, static_cast<double>(o.n)), s.cap);  // Xu & Raginsky (2017), Theorem 1 (paper unread)
  c.reference = {"Xu & Raginsky (2017), Information-theoretic analysis of generalization capability of learning "
                 "algorithms, NeurIPS",
                 "Theorem 1 (number as cited in later papers; the paper's text was not read here)"};
  return c;
}

Certificate individual_mi_bound(std::span<const double> mi_wz, const MiBoundOptions& o) {
  const SubGaussian s = check_options(o);
  const auto n = static_cast<std::size_t>(o.n);
  if (mi_wz.size() != n && mi_wz.size() != 1)
    fail("mi", "needs n = " + std::to_string(o.n) + " per-sample values or one shared value, got " +
                   std::to_string(mi_wz.size()));
  double sum = 0.0;
  for (double mi : mi_wz) {
    require_mi(mi, "mi");
    sum = round_up(sum + root_term(s.sigma, mi, 1.0));
  }
  // Bu, Zou & Veeravalli (2020), sub-Gaussian case of their Theorem 1: (1/n) sum_i sqrt(2 sigma^2 I(W; Z_i)) (the
  // corollary's own number unchecked).
  const double raw = round_up(sum / static_cast<double>(mi_wz.size()));
  Certificate c;
  c.name = "individual-mi";
  c.inputs.push_back({"mi_values", static_cast<std::int64_t>(mi_wz.size())});
  describe(c, o, s, "under P_W x P_Z (an independent copy of W and Z)");
  if (mi_wz.size() == 1 && n > 1)
    c.add_assumption("shared_mi", "I(W; Z_i) is the same for every i", Holds::unchecked,
                     "one value given for all n examples: true for a symmetric learner on iid data");
  c.set_value(raw, s.cap);
  c.reference = {"Bu, Zou & Veeravalli (2020), Tightening mutual information-based bounds on generalization error, "
                 "IEEE J. Sel. Areas Inf. Theory 1(1)",
                 "sub-Gaussian case of Theorem 1 (Theorem 1 as cited in later papers; that case's own proposition "
                 "number unchecked, the paper's text was not read here)"};
  return c;
}

}  // namespace itbound
