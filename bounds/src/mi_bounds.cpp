#include "itbound/bounds/mi_bounds.hpp"

#include <algorithm>
#include <map>

#include "itbound/estimators/discrete_mi.hpp"
#include "itbound/estimators/knn_mi.hpp"

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
  c.guarantee = Guarantee::expectation_bound;
  c.quantity = "|E gen|, the expected generalization gap of the learner";
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

namespace {

// Whether some value occurs twice: KSG's digamma counts assume continuous data.
bool has_repeats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

// Equal values get equal symbols (the plug-in estimator sees only equality).
std::vector<std::int64_t> symbols(std::span<const double> v) {
  std::map<double, std::int64_t> id;
  std::vector<std::int64_t> out;
  out.reserve(v.size());
  for (double x : v) out.push_back(id.emplace(x, static_cast<std::int64_t>(id.size())).first->second);
  return out;
}

}  // namespace

IndividualMiEstimates estimate_individual_mi(std::span<const double> w, std::span<const double> z, std::size_t columns,
                                             const std::string& estimator, int k) {
  const bool mixed = estimator == "mixed", plug_in = estimator == "plug-in";
  if (!mixed && !plug_in && estimator != "ksg") fail("estimator", "must be ksg, mixed or plug-in, got " + estimator);
  const std::size_t m = w.size();
  if (columns == 0 || z.size() != m * columns)
    fail("samples", "z must have shape (m) or (m, n) with m = " + std::to_string(m) + " runs like w");
  const auto refuse_ties = [&](std::span<const double> v, const std::string& what) {
    if (estimator == "ksg" && has_repeats({v.begin(), v.end()}))
      fail("estimator", "ksg assumes continuous data, and " + what + " has repeated values (its estimate would be far "
                        "too small): use --estimator plug-in for discrete w and z, or mixed");
  };
  refuse_ties(w, "w");
  const std::vector<std::int64_t> w_symbols = plug_in ? symbols(w) : std::vector<std::int64_t>{};
  IndividualMiEstimates out;
  out.estimator = plug_in ? "plug-in (discrete values)" : mixed ? "mixed-ksg (Gao et al. 2017)" : "ksg (Kraskov et al. 2004)";
  if (!plug_in) out.k = k;
  out.runs = static_cast<std::int64_t>(m);
  std::vector<estimators::DiscreteSample> pairs;
  std::vector<double> column(m);
  std::size_t negative = 0;
  for (std::size_t i = 0; i < columns; ++i) {
    for (std::size_t r = 0; r < m; ++r) column[r] = z[r * columns + i];
    refuse_ties(column, "column " + std::to_string(i) + " of z");
    double v = 0.0;
    if (plug_in) {
      const auto z_symbols = symbols(column);
      pairs.clear();
      for (std::size_t r = 0; r < m; ++r) pairs.push_back({w_symbols[r], z_symbols[r]});
      v = estimators::discrete_mi(pairs, estimators::Correction::none, HUGE_VAL);
    } else {
      v = mixed ? mixed_ksg_mi(w, column, k) : ksg_mi(w, column, k);
    }
    if (!std::isfinite(v)) fail("samples", "the estimate for column " + std::to_string(i) + " of z is not finite");
    out.raw.push_back(v);
    negative += v < 0.0;
    out.clamped.push_back(std::max(0.0, v));
  }
  out.negative_fraction = static_cast<double>(negative) / static_cast<double>(columns);
  return out;
}

MiBoundReport individual_mi_bound_from_samples(std::span<const double> w, std::span<const double> z,
                                               std::size_t columns, const std::string& estimator, int k,
                                               const MiBoundOptions& options) {
  MiBoundReport r;
  r.estimates = estimate_individual_mi(w, z, columns, estimator, k);
  r.certificate = individual_mi_bound(r.estimates->clamped, options);
  r.certificate.guarantee = Guarantee::estimated_bound;
  r.certificate.add_assumption("estimated_information",
                               "the bound holds for the true I(W;Z_i); the value uses estimates from finitely many runs "
                               "(negative estimates clamped at 0), of W and Z_i as given",
                               Holds::unchecked, "w and z must be the learner's whole output and the whole example");
  return r;
}

void visit(const IndividualMiEstimates& e, FieldVisitor& v) {
  v.text("estimator", e.estimator, "The estimator used.");
  v.integer("k", e.k, "Neighbours of the k-NN estimator; null for plug-in.");
  v.integer("runs", e.runs, "Paired samples m (training runs).");
  v.vector("raw", e.raw, "Raw estimate of I(W; Z_i) per example (nats; k-NN estimates can be negative).");
  v.number("negative_fraction", e.negative_fraction, "Share of raw estimates below 0 (clamped for the bound).");
}

void visit(const MiBoundReport& r, FieldVisitor& v) {
  visit(r.certificate, v);
  object_field(v, "estimates", "IndividualMiEstimates", r.estimates, "The MI estimates, when estimated from samples.");
}

}  // namespace itbound
