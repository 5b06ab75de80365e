#include "itbound/bounds/self_certify.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlopt.hpp>
#include <numeric>
#include <string>

#include "itbound/bounds/prior_choice.hpp"
#include "itbound/bounds/split.hpp"
#include "itbound/bounds/test_set.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/kl_divergence.hpp"
#include "itbound/solvers/kl.hpp"
#include "itbound/solvers/maurer.hpp"
#include "itbound/solvers/prior.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {
namespace {

constexpr double inv_sqrt2 = 0.70710678118654752440;
constexpr double inv_sqrt_2pi = 0.39894228040143267794;

// Rows with margin <= 0: errors of the deterministic classifier (ties count as errors).
std::int64_t count_nonpositive(const Eigen::VectorXd& margin) {
  return std::count_if(margin.data(), margin.data() + margin.size(), [](double v) { return v <= 0.0; });
}

double upper_normal_tail(double z) { return 0.5 * std::erfc(z * inv_sqrt2); }  // Phi(-z)
double normal_density(double z) { return inv_sqrt_2pi * std::exp(-0.5 * z * z); }

void check_labelled(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                    const char* xf, const char* yf) {
  if (x.rows() == 0 || x.cols() == 0) fail(xf, "must have at least one row and one column");
  if (y.size() != x.rows()) fail(yf, "must have one label per row of " + std::string(xf));
  if (!x.allFinite()) fail(xf, "must be finite");
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if (y[i] != 1.0 && y[i] != -1.0) fail(yf, "labels must be -1 or +1, got " + format_number(y[i]) + " at row " + std::to_string(i));
}

// Rows y_i x_i / ||x_i|| (zero rows stay zero and are counted apart: they are errors for every w).
struct Margins {
  Eigen::MatrixXd u;
  Eigen::Index zero_rows = 0;
};

Margins normalised_margins(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y) {
  Margins m{Eigen::MatrixXd::Zero(x.rows(), x.cols()), 0};
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double norm = x.row(i).norm();
    if (norm > 0.0) m.u.row(i) = (y[i] / norm) * x.row(i);
    else ++m.zero_rows;
  }
  return m;
}

// Gibbs risk and its gradient in (w, log sigma) from normalised margins.
double gibbs_risk(const Margins& m, const Eigen::VectorXd& w, double sigma, Eigen::VectorXd* grad_w, double* grad_log_sigma) {
  const Eigen::VectorXd z = (m.u * w) / sigma;
  const double n = static_cast<double>(m.u.rows());
  double sum = static_cast<double>(m.zero_rows);
  for (Eigen::Index i = 0; i < z.size(); ++i) sum += upper_normal_tail(z[i]);
  // Zero rows have z = 0 and contributed Phi(0) = 1/2 above; they must count 1.
  sum -= 0.5 * static_cast<double>(m.zero_rows);
  if (grad_w) {
    const Eigen::VectorXd dens = z.unaryExpr([](double t) { return normal_density(t); });
    *grad_w = -(m.u.transpose() * dens) / (sigma * n);
    *grad_log_sigma = dens.dot(z) / n;
  }
  return sum / n;
}

// A sound upper value of the Gibbs risk for the certificate. The computed margin u.w is within
// tie = 4 (d + 2) eps ||w|| of the exact y w.x / ||x|| (normalisation and dot product, ||u|| = 1, with room). A row
// within that of 0 might have the other sign: it counts as an error (loss 1 >= Phi(-z)). Every other term is
// Phi(-z) at the low end z = (u.w - tie) / sigma of the margin's interval: that error is absolute, so relative to z
// it is unbounded near the tie (taking it as "(d + 2) eps relative" under-counted Phi(-z) by factors e^(z dz) when
// ||w|| / sigma is large). What is left, erfc and the division within a few ulps, moves Phi(-z) by z^2 eps relative,
// far less than 1e-9 where it does not underflow; the sum of n terms adds (n + 16) * 8 eps relative.
double certified_gibbs_risk(const Margins& m, const Eigen::VectorXd& w, double sigma) {
  const double eps = std::numeric_limits<double>::epsilon();
  const auto n = static_cast<double>(m.u.rows());
  const double tie = 4.0 * (static_cast<double>(w.size()) + 2.0) * eps * w.norm();
  const Eigen::VectorXd margin = m.u * w;
  double sum = static_cast<double>(m.zero_rows);
  for (Eigen::Index i = 0; i < margin.size(); ++i) {
    if (m.u.row(i).squaredNorm() == 0.0) continue;  // zero rows are already counted
    sum += std::abs(margin[i]) <= tie ? 1.0 : upper_normal_tail((margin[i] - tie) / sigma);
  }
  return std::min(1.0, round_up(sum / n * (1.0 + 1e-9 + 8.0 * eps * (n + 16.0)), 2));
}

struct LbfgsProblem {
  std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)> f;
  Eigen::VectorXd best;
  double best_value = std::numeric_limits<double>::infinity();
};

double lbfgs_callback(unsigned n, const double* x, double* grad, void* data) {
  auto* p = static_cast<LbfgsProblem*>(data);
  const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(x, n);
  Eigen::VectorXd g(n);
  const double value = p->f(v, g);
  if (grad) Eigen::Map<Eigen::VectorXd>(grad, n) = g;
  if (value < p->best_value) {
    p->best_value = value;
    p->best = v;
  }
  return value;
}

// NLopt L-BFGS from x0; returns the best point seen (NLopt may stop with a round-off error after progress).
Eigen::VectorXd minimise(const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& f, Eigen::VectorXd x0,
                         int max_evaluations, std::string* result) {
  LbfgsProblem problem{f, x0, std::numeric_limits<double>::infinity()};
  nlopt::opt opt(nlopt::LD_LBFGS, static_cast<unsigned>(x0.size()));
  opt.set_min_objective(lbfgs_callback, &problem);
  opt.set_ftol_rel(1e-10);
  opt.set_maxeval(max_evaluations);
  std::vector<double> x(x0.data(), x0.data() + x0.size());
  double fx = 0.0;
  try {
    *result = nlopt_result_to_string(static_cast<nlopt_result>(opt.optimize(x, fx)));
  } catch (const std::exception& e) {
    *result = std::string("stopped: ") + e.what();
  }
  return problem.best;
}

// Ridge logistic regression: mean ln(1 + exp(-y w.x)) + ridge/2 ||w||^2.
Eigen::VectorXd logistic_regression(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                                    double ridge, std::string* result) {
  const double n = static_cast<double>(x.rows());
  const auto f = [&](const Eigen::VectorXd& w, Eigen::VectorXd& g) {
    const Eigen::ArrayXd margin = (y.array() * (x * w).array());
    // ln(1 + e^-t) and its derivative -1/(1 + e^t), written to avoid overflow for either sign of t.
    const Eigen::ArrayXd loss = margin.unaryExpr([](double t) { return t > 0 ? std::log1p(std::exp(-t)) : -t + std::log1p(std::exp(t)); });
    const Eigen::ArrayXd dloss = margin.unaryExpr([](double t) { return t > 0 ? -std::exp(-t) / (1.0 + std::exp(-t)) : -1.0 / (1.0 + std::exp(t)); });
    g = x.transpose() * (dloss * y.array()).matrix() / n + ridge * w;
    return loss.sum() / n + 0.5 * ridge * w.squaredNorm();
  };
  return minimise(f, Eigen::VectorXd::Zero(x.cols()), 2000, result);
}

// The kl bound and its gradient in (q, KL), by implicit differentiation of kl(q || B) = c.
struct BoundValue {
  double value, d_q, d_kl;
};

BoundValue kl_bound_with_gradient(double q, double kl_divergence, double n, double fixed_cost) {
  const double c = (kl_divergence + fixed_cost) / n;
  const double p = kl_inverse_upper(q, c).value;
  const double qc = std::max(q, 1e-300);
  if (p >= 1.0 - 1e-12 || p - qc <= 1e-15) {  // degenerate: follow the Pinsker relaxation q + sqrt(c/2) instead
    const double s = std::sqrt(std::max(c, 1e-300) / 2.0);
    return {p, 1.0, 1.0 / (4.0 * s * n)};
  }
  const double kl_p = (p - qc) / (p * (1.0 - p));
  const double kl_q = std::log(qc * (1.0 - p) / (p * (1.0 - qc)));
  return {p, -kl_q / kl_p, 1.0 / (kl_p * n)};
}

}  // namespace

double linear_gibbs_risk(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                         const Eigen::Ref<const Eigen::VectorXd>& w, double sigma, bool certified) {
  check_labelled(x, y, "x", "y");
  if (w.size() != x.cols()) fail("w", "must have one entry per column of x");
  if (!(sigma > 0.0) || !std::isfinite(sigma)) fail("sigma", "must be positive and finite");
  const Margins m = normalised_margins(x, y);
  return certified ? certified_gibbs_risk(m, w, sigma) : gibbs_risk(m, w, sigma, nullptr, nullptr);
}

SelfCertifyResult self_certify_linear(const SelfCertifyOptions& o) {
  check_labelled(o.x, o.y, "x", "y");
  require_delta(o.delta);
  if (o.alphas.empty()) fail("alphas", "must have at least one value");
  for (const double a : o.alphas)
    if (!(a >= 0.0 && a < 1.0)) fail("alphas", "must be in [0, 1), got " + format_number(a));
  if (o.prior_scales.empty()) fail("prior_scales", "must have at least one value");
  for (const double s : o.prior_scales)
    if (!(s > 0.0) || !std::isfinite(s)) fail("prior_scales", "must be positive and finite, got " + format_number(s));
  if (!(o.ridge > 0.0) || !std::isfinite(o.ridge)) fail("ridge", "must be positive and finite");
  if (o.max_evaluations < 1) fail("max_evaluations", "must be at least 1");

  const Eigen::Index m = o.x.rows(), d = o.x.cols();
  const std::size_t grid_points = o.alphas.size() * o.prior_scales.size();
  const double charge = uniform_grid_charge(o.delta, grid_points);
  const double log_inv_charge = round_up(-std::log(charge), 2);
  std::string full_status;
  const Eigen::VectorXd w_full = logistic_regression(o.x, o.y, o.ridge, &full_status);

  SelfCertifyResult best;
  best.certificate.set_value(std::numeric_limits<double>::infinity(), 1.0);
  double best_raw = std::numeric_limits<double>::infinity();
  std::vector<NamedValue> per_alpha;
  struct Chosen {
    double q = 0, kl = 0, mean_bound_error = 0;
    std::int64_t n = 0, prior_size = 0;
    std::string split_hash, prior_fit, posterior_fit;
    SolverStatus status = SolverStatus::exact;
  } chosen;

  for (const double alpha : o.alphas) {
    const auto k = static_cast<Eigen::Index>(std::floor(alpha * static_cast<double>(m)));
    if (k >= m) fail("alphas", "leaves no bound examples at alpha = " + format_number(alpha));
    std::vector<std::int64_t> prior_idx(static_cast<std::size_t>(k)), bound_idx(static_cast<std::size_t>(m - k));
    std::iota(prior_idx.begin(), prior_idx.end(), std::int64_t{0});
    std::iota(bound_idx.begin(), bound_idx.end(), static_cast<std::int64_t>(k));
    const SplitRecord split = check_split(bound_idx, prior_idx);

    std::string prior_fit = "none: empty prefix, centre 0";
    const Eigen::VectorXd centre =
        k > 0 ? logistic_regression(o.x.topRows(k), o.y.head(k), o.ridge, &prior_fit) : Eigen::VectorXd::Zero(d);
    const Margins margins = normalised_margins(o.x.bottomRows(m - k), o.y.tail(m - k));
    const double n = static_cast<double>(m - k);
    const double fixed_cost = log_maurer_xi(m - k) + log_inv_charge;
    double alpha_best = std::numeric_limits<double>::infinity();

    for (const double s : o.prior_scales) {
      const double dd = static_cast<double>(d);
      const auto objective = [&](const Eigen::VectorXd& v, Eigen::VectorXd& g) {
        const Eigen::VectorXd w = v.head(d);
        const double log_sigma = v[d], sigma = std::exp(log_sigma);
        Eigen::VectorXd gq_w;
        double gq_ls = 0.0;
        const double q = gibbs_risk(margins, w, sigma, &gq_w, &gq_ls);
        const double r2 = (sigma / s) * (sigma / s);
        // Isotropic case of kl_diag_gaussian (estimators/kl_divergence.hpp), with its gradient (used only to steer the search).
        const double kl_div = 0.5 * (dd * (r2 - 1.0 - 2.0 * (log_sigma - std::log(s))) + (w - centre).squaredNorm() / (s * s));
        const BoundValue b = kl_bound_with_gradient(q, std::max(kl_div, 0.0), n, fixed_cost);
        g.resize(d + 1);
        g.head(d) = b.d_q * gq_w + b.d_kl * (w - centre) / (s * s);
        g[d] = b.d_q * gq_ls + b.d_kl * dd * (r2 - 1.0);
        return b.value;
      };
      // Two starts (the prior centre, and the full-data logistic fit scaled to the prior centre's norm when
      // there is one): the objective is not convex and tiny scales flatten it around the prior centre.
      std::vector<Eigen::VectorXd> starts = {k > 0 ? centre : w_full};
      if (k > 0) starts.push_back(w_full * (centre.norm() / std::max(w_full.norm(), 1e-300)));
      for (const Eigen::VectorXd& start : starts) {
        Eigen::VectorXd v0(d + 1);
        v0.head(d) = start;
        v0[d] = std::log(s);
        std::string posterior_fit;
        const Eigen::VectorXd v = minimise(objective, v0, o.max_evaluations, &posterior_fit);
        const Eigen::VectorXd w = v.head(d);
        const double sigma = std::exp(v[d]);

        // The certificate at this grid point: sound risk, sound KL, rounded budget, sound kl inverse.
        const double q = certified_gibbs_risk(margins, w, sigma);
        const double kl_div = kl_diag_gaussian(w.array(), Eigen::ArrayXd::Constant(d, sigma), centre.array(), s);
        const KlInverseResult cert = pac_bayes_kl_inverse(q, kl_div, m - k, charge);
        alpha_best = std::min(alpha_best, cert.value);
        if (cert.value < best_raw) {
          best_raw = cert.value;
          best.mean = w;
          best.sigma = sigma;
          best.prior_centre = centre;
          best.prior_scale = s;
          best.alpha = alpha;
          chosen = {q, kl_div, static_cast<double>(count_nonpositive(margins.u * w)) / n, m - k, k, split.hash, prior_fit,
                    posterior_fit, cert.status};
        }
      }
    }
    per_alpha.push_back({"best_certificate_at_alpha_" + format_number(alpha), alpha_best});
  }

  Certificate& cert = best.certificate;
  cert.inputs = {{"examples", static_cast<std::int64_t>(m)},
                 {"features", static_cast<std::int64_t>(d)},
                 {"delta", o.delta},
                 {"alpha_grid_points", static_cast<std::int64_t>(o.alphas.size())},
                 {"prior_scale_grid_points", static_cast<std::int64_t>(o.prior_scales.size())},
                 {"ridge", o.ridge}};
  cert.add_assumption("prior_independent_of_bound_set",
                      "the prior centre is fitted on S_alpha only and the bound uses the disjoint rest",
                      Holds::yes, "prefix [0, k) and bound set [k, m) checked disjoint; n = m - k");
  cert.add_assumption("order_fixed_before_labels", "the row order (hence S_alpha) is independent of the labels",
                      Holds::unchecked, "shuffle with a fixed seed before calling");
  set_grid_kl_result(cert, "pac-bayes-kl-self-certified-linear", best_raw, chosen.status,
                     {"grid alpha x prior scale", charge, grid_points,
                      "the alpha and prior-scale grids and the ridge weight were fixed before the data were looked at",
                      "only the points of the grids given are charged"});
  cert.add_assumption("iid_examples", "examples are iid from the task distribution", Holds::unchecked);
  cert.add_assumption("zero_one_loss", "the certified loss is the 0-1 loss of the Gibbs classifier", Holds::yes);
  cert.details = {{"alpha", best.alpha},
                  {"n", chosen.n},
                  {"prior_set_size", chosen.prior_size},
                  {"prior_scale", best.prior_scale},
                  {"posterior_sigma", best.sigma},
                  {"kl", chosen.kl},
                  {"empirical_gibbs_risk", chosen.q},
                  {"mean_classifier_bound_set_error", chosen.mean_bound_error},
                  {"delta_per_grid_point", charge},
                  {"split_hash", chosen.split_hash},
                  {"prior_fit", chosen.prior_fit},
                  {"posterior_fit", chosen.posterior_fit},
                  {"objective_gradient", std::string("exact kl bound, implicit differentiation of the kl inverse")}};
  cert.details.insert(cert.details.end(), per_alpha.begin(), per_alpha.end());
  cert.reference = {"Perez-Ortiz, Rivasplata, Shawe-Taylor & Szepesvari (2021), JMLR 22; Maurer (2004); "
                    "Langford & Shawe-Taylor (2002), NIPS, linear Gibbs risk E Phi(-y w.x / (sigma |x|)) as in Langford (2005), "
                    "JMLR 6, subsection Application of the PAC-Bayes Bound",
                    "PAC-Bayes-kl: Maurer's Theorem 5 (per Alquier 2024, Thm 3.2) with xi(n) for 2 sqrt(n); union "
                    "bound over the declared grid"};
  return best;
}

HeldOutEvaluation evaluate_held_out(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                                    const Eigen::Ref<const Eigen::VectorXd>& w, double sigma, double delta) {
  require_delta(delta);
  HeldOutEvaluation e;
  e.gibbs_risk = linear_gibbs_risk(x, y, w, sigma);
  e.trials = x.rows();
  e.mean_errors = count_nonpositive((y.array() * (x * w).array()).matrix());
  const double m = static_cast<double>(e.trials);
  e.gibbs_kl_bound =
      kl_inverse_upper(certified_gibbs_risk(normalised_margins(x, y), w, sigma), round_up(-std::log(delta) / m, 2)).value;
  e.mean_test_set = test_set_bound({e.mean_errors, e.trials, delta});
  return e;
}

}  // namespace itbound

namespace itbound {
namespace {

Eigen::Index class_count(const Eigen::Ref<const Eigen::VectorXd>& labels, const char* field) {
  if (labels.size() == 0) fail(field, "must not be empty");
  for (Eigen::Index i = 0; i < labels.size(); ++i)
    if (!(labels[i] >= 0.0 && labels[i] == std::floor(labels[i]) && labels[i] < 1e6))
      fail(field, "class labels must be integers 0, 1, ..., got " + format_number(labels[i]));
  const auto k = static_cast<Eigen::Index>(labels.maxCoeff()) + 1;
  if (k < 2) fail(field, "one-vs-rest needs at least 2 classes");
  return k;
}

}  // namespace

OneVsRestResult self_certify_one_vs_rest(const SelfCertifyOptions& o) {
  const Eigen::Index classes = class_count(o.y, "y");
  require_delta(o.delta);
  const double class_delta = uniform_grid_charge(o.delta, static_cast<std::size_t>(classes));
  OneVsRestResult out;
  double total = 0.0;
  SolverStatus status = SolverStatus::exact;
  Certificate& cert = out.certificate;
  for (Eigen::Index c = 0; c < classes; ++c) {
    SelfCertifyOptions binary = o;
    binary.y = (o.y.array() == static_cast<double>(c)).select(Eigen::VectorXd::Ones(o.y.size()), -1.0);
    binary.delta = class_delta;
    out.classes.push_back(self_certify_linear(binary));
    const Certificate& k = out.classes.back().certificate;
    total += k.raw_value;
    status = worst(status, k.status);
    const std::string name = "class_" + std::to_string(c);
    cert.details.push_back({name + "_certificate", k.raw_value});
    cert.details.push_back({name + "_alpha", out.classes.back().alpha});
    cert.delta_ledger.push_back({"class " + std::to_string(c) + " vs rest: its whole grid (PAC-Bayes-kl)", k.delta_spent()});
  }
  cert.name = "pac-bayes-kl-self-certified-one-vs-rest";
  cert.set_value(round_up(total, 2 * static_cast<int>(classes)), 1.0);  // K additions: at most K ulps of rounding
  cert.status = status;
  cert.inputs = {{"examples", static_cast<std::int64_t>(o.x.rows())},
                 {"features", static_cast<std::int64_t>(o.x.cols())},
                 {"classes", static_cast<std::int64_t>(classes)},
                 {"delta", o.delta},
                 {"alpha_grid_points", static_cast<std::int64_t>(o.alphas.size())},
                 {"prior_scale_grid_points", static_cast<std::int64_t>(o.prior_scales.size())}};
  cert.assumptions = out.classes.front().certificate.assumptions;
  cert.add_assumption("argmax_gibbs", "the multi-class Gibbs classifier predicts argmax_k of independent draws w_k.x",
                      Holds::yes, "its error implies an error of some class-vs-rest classifier");
  cert.reference = {"Perez-Ortiz et al. (2021), JMLR 22; Maurer (2004); one-vs-rest reduction with a union bound",
                    "sum over classes of PAC-Bayes-kl certificates, each at delta / K"};
  return out;
}

Certificate one_vs_rest_test_set(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& labels,
                                 const std::vector<SelfCertifyResult>& classes, double delta) {
  class_count(labels, "test_labels");
  if (classes.empty()) fail("classes", "must not be empty");
  Eigen::MatrixXd w(x.cols(), static_cast<Eigen::Index>(classes.size()));
  for (std::size_t c = 0; c < classes.size(); ++c) {
    if (classes[c].mean.size() != x.cols()) fail("test", "must have as many feature columns as train");
    w.col(static_cast<Eigen::Index>(c)) = classes[c].mean;
  }
  const Eigen::MatrixXd scores = x * w;
  std::int64_t errors = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const auto truth = static_cast<Eigen::Index>(labels[i]);
    bool right = truth < scores.cols();
    for (Eigen::Index c = 0; right && c < scores.cols(); ++c)
      if (c != truth && scores(i, c) >= scores(i, truth)) right = false;
    errors += right ? 0 : 1;
  }
  return test_set_bound({errors, x.rows(), delta});
}

SelfCertifyReport evaluate_self_certify(const SelfCertifyOptions& o, bool one_vs_rest,
                                        const std::optional<HeldOutData>& test) {
  if (test && test->x.cols() != o.x.cols()) fail("test", "must have as many feature columns as train");
  SelfCertifyReport r;
  if (one_vs_rest) {
    const OneVsRestResult res = self_certify_one_vs_rest(o);
    r.certificate = res.certificate;
    if (test) r.one_vs_rest_held_out = one_vs_rest_test_set(test->x, test->y, res.classes, o.delta);
    return r;
  }
  const SelfCertifyResult res = self_certify_linear(o);
  r.certificate = res.certificate;
  if (test) r.held_out = evaluate_held_out(test->x, test->y, res.mean, res.sigma, o.delta);
  r.posterior_mean.assign(res.mean.data(), res.mean.data() + res.mean.size());
  r.prior_centre.assign(res.prior_centre.data(), res.prior_centre.data() + res.prior_centre.size());
  return r;
}

void visit(const HeldOutEvaluation& h, FieldVisitor& v) {
  v.integer("trials", h.trials, "Held-out examples.");
  v.number("gibbs_risk", h.gibbs_risk, "The posterior's Gibbs risk on the held-out set.");
  v.number("gibbs_kl_bound", h.gibbs_kl_bound, "kl_inverse_upper(gibbs_risk, ln(1/delta)/m).");
  v.integer("mean_classifier_errors", h.mean_errors, "Errors of the deterministic classifier sign(w.x).");
  object_field(v, "mean_classifier_test_set_bound", "Certificate", h.mean_test_set,
               "Langford's test-set bound on those errors.");
}

void visit(const SelfCertifyReport& r, FieldVisitor& v) {
  visit(r.certificate, v);
  object_field(v, "held_out", "HeldOut", r.held_out,
               "Binary: held-out comparison (not part of the certificate); null without test data.");
  object_field(v, "held_out_argmax", "Certificate", r.one_vs_rest_held_out,
               "One-vs-rest: test-set bound of the argmax mean classifier on the test data (not part of the "
               "certificate); null otherwise.");
  v.vector("posterior_mean", r.posterior_mean, "Posterior mean w (binary).", true);
  v.vector("prior_centre", r.prior_centre, "Prior centre fitted on S_alpha (binary).", true);
}

}  // namespace itbound
