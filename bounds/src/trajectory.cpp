#include "itbound/bounds/trajectory.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "itbound/bounds/mi_bounds.hpp"
#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {

namespace {

bool present(double x) { return !std::isnan(x); }

// Present fields must be finite and in their kind's range; absent ones are NaN.
void check_field(const StepField& f, double x, const std::string& at) {
  if (!present(x)) return;
  const std::string field = at + f.name;
  using K = StepField::Kind;
  const bool ok = std::isfinite(x) && (f.kind == K::nonnegative ? x >= 0.0 : x > 0.0) &&
                  (f.kind != K::count || (x >= 1.0 && x <= 9007199254740992.0 && x == std::floor(x)));
  if (!ok)
    throw InvalidArgument(field, std::string("must be ") +
                                     (f.kind == K::count         ? "an integer >= 1"
                                      : f.kind == K::positive    ? "a finite number > 0"
                                                                 : "a finite number >= 0") +
                                     ", got " + format_number(x));
}

// Noise variance of the step, or NaN, in extended range: a noise std below 1.5e-154 squares to below the
// smallest normal double and an inverse temperature below 2 eta / DBL_MAX gives a variance above the largest one,
// while every product and quotient of a few doubles is a normal long double. Both forms given: the smaller
// variance, whose bound is larger. One rounding: relative error at most 2^-64.
long double noise_variance(const StepStats& s) {
  long double var = StepStats::missing;
  if (present(s.noise_std)) var = static_cast<long double>(s.noise_std) * s.noise_std;
  if (present(s.inverse_temperature)) {
    const long double sgld = 2.0L * s.step_size / s.inverse_temperature;  // SGLD: sqrt(2 eta / beta) N(0, I)
    var = std::isnan(var) ? sgld : std::min(var, sgld);
  }
  return var;
}

// eta^2 x / (2 var) with x a double and var from noise_variance: five roundings in extended range, so the
// double above it (infinity if it exceeds the largest double) is an upper bound on the exact term.
double half_snr_up(double eta, double x, long double var) {
  const long double e = eta;
  return round_up_from_extended(e * e * x / (2.0L * var));
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

constexpr const char* noise_fields = "noise_std or inverse_temperature";

// Bounds whose theorem could not be read (bounds/TRAJECTORY.md, "Not implemented"): listed so that a
// reader sees what each would need, never with a value.
struct Unimplemented {
  const char* name;
  const char* paper;
  const char* needs;
  const char* why;
};
constexpr Unimplemented unimplemented[] = {
    {"haghifam", "Haghifam, Negrea, Khisti, Roy & Dziugaite (2020), Sharpened generalization bounds based on "
                 "conditional mutual information and an application to noisy, iterative algorithms, NeurIPS",
     "step_size, inverse_temperature, batch_size = n (full-batch Langevin), a supersample of 2n examples, "
     "two_sample_incoherence and the per-step hypothesis-test weight",
     "theorem text not available to verify the constants; the per-step weight is not in the format"},
    {"wang", "Wang, Huang, Gao & Calmon (2021), Analyzing the generalization capability of SGLD using properties "
             "of Gaussian channels, NeurIPS",
     "step_size, noise_std or inverse_temperature, gradient_variance",
     "theorem text not available to verify the constants and the exact variance the bound uses"},
    {"neu", "Neu, Dziugaite, Haghifam & Roy (2021), Information-theoretic generalization bounds for stochastic "
            "gradient descent, COLT",
     "step_size, gradient_variance, the local smoothness along the path and the output sensitivity of the loss",
     "theorem text not available; smoothness and sensitivity are not per-step quantities of this format"},
};

}  // namespace

void TrajectoryAccumulator::Term::need(const char* field, bool is_present) {
  if (!is_present && std::find(missing.begin(), missing.end(), field) == missing.end()) missing.emplace_back(field);
}

TrajectoryAccumulator::TrajectoryAccumulator(TrajectoryInfo info) : info_(info) {
  if (info_.dimension < 1) fail("dimension", "must be >= 1, got " + std::to_string(info_.dimension));
  if (info_.n < 1) fail("n", "must be >= 1, got " + std::to_string(info_.n));
  if (info_.prior_examples < 0 || info_.prior_examples >= info_.n)
    fail("prior_examples", "must be in [0, n), got " + std::to_string(info_.prior_examples));
  require_finite(info_.loss_min, "loss_min");
  require_finite(info_.loss_max, "loss_max");
  if (!(info_.loss_max > info_.loss_min)) fail("loss_max", "must exceed loss_min");
  if (info_.subgaussian && !(std::isfinite(*info_.subgaussian) && *info_.subgaussian > 0.0))
    fail("subgaussian", "must be a finite number > 0, got " + format_number(*info_.subgaussian));
}

void TrajectoryAccumulator::add_step(const StepStats& s) {
  const std::string at = "step[" + std::to_string(steps_) + "].";
  if (!present(s.step_size)) fail((at + "step_size").c_str(), "is required");
  for (const StepField& f : step_fields) check_field(f, s.*f.member, at);
  if (present(s.batch_size) && s.batch_size > static_cast<double>(info_.n))
    fail((at + "batch_size").c_str(), "must be <= n = " + std::to_string(info_.n) + ", got " + format_number(s.batch_size));

  const long double var = noise_variance(s);
  const bool has_var = !std::isnan(var);
  if (has_var) min_noise_var_ = std::min(min_noise_var_, var);
  const long double d = static_cast<long double>(info_.dimension);

  // Pensia, Jog & Loh (2018), Theorem 1: I(S; W_t | W_{t-1}) <= (d/2) ln(1 + eta^2 L^2 / (d sigma^2)). In
  // extended range: the snr's five roundings, log1p's few ulps (relative, as d log1p(s) / d ln s <= 1) and the
  // product's one stay within round_up_from_extended's pad of 32 ulps.
  pensia_.need(noise_fields, has_var);
  pensia_.need("gradient_bound", present(s.gradient_bound));
  if (has_var && present(s.gradient_bound)) {
    const long double eta = s.step_size, L = s.gradient_bound;
    const long double snr = eta * eta * (L * L) / (d * var);
    pensia_.sum = round_up(pensia_.sum + round_up_from_extended(0.5L * d * std::log1p(snr), 32));
  }

  // Negrea et al. (2019), Sec. 4: per-step KL of two Gaussians with equal covariance sigma^2 I and means
  // differing by eta (g - zeta): eta^2 ||g - zeta||^2 / (2 sigma^2)  (= beta eta ||xi||^2 / 4 for SGLD).
  negrea_.need(noise_fields, has_var);
  negrea_.need("incoherence_sq", present(s.incoherence_sq));
  if (has_var && present(s.incoherence_sq))
    negrea_.sum = round_up(negrea_.sum + half_snr_up(s.step_size, s.incoherence_sq, var));

  // Li, Luo & Qiao (2020), Theorem 9 (GLD): n^2 KL_t = eta^2 g_e(t) / (2 sigma^2), sigma^2 the per-coordinate
  // noise variance (the paper's sigma_t^2 / 2); full batch only.
  li_.need(noise_fields, has_var);
  li_.need("gradient_sq_mean", present(s.gradient_sq_mean));
  li_.need("batch_size", present(s.batch_size));
  if (present(s.batch_size) && s.batch_size < static_cast<double>(info_.n)) ++minibatch_steps_;
  if (has_var && present(s.gradient_sq_mean))
    li_.sum = round_up(li_.sum + half_snr_up(s.step_size, s.gradient_sq_mean, var));
  ++steps_;
}

const std::vector<std::string>& TrajectoryAccumulator::bound_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v = {"pensia", "negrea", "li"};
    for (const auto& u : unimplemented) v.emplace_back(u.name);
    return v;
  }();
  return names;
}

std::vector<Certificate> TrajectoryAccumulator::certificates() const {
  const double range = info_.loss_max - info_.loss_min;

  // Shared frame: inputs echoed, which fields the bound needs and which were missing.
  const auto frame = [&](Certificate& c, const std::string& name, const Term& term, std::vector<std::string> needed,
                         std::int64_t n_eff) {
    c.name = name;
    std::vector<NamedValue> inputs = {{"dimension", info_.dimension}, {"n", info_.n},
                                      {"prior_examples", info_.prior_examples}, {"steps", steps_},
                                      {"loss_min", info_.loss_min}, {"loss_max", info_.loss_max},
                                      {"gradient_bound_global", info_.gradient_bound_global}};
    if (info_.subgaussian) inputs.push_back({"subgaussian", *info_.subgaussian});
    c.inputs.insert(c.inputs.begin(), inputs.begin(), inputs.end());
    c.details.insert(c.details.begin(),
                     {{"guarantee", std::string("bound on the expected generalization gap, not a high-probability bound")},
                      {"needed", join(needed)},
                      {"missing", join(term.missing)},
                      {"n_effective", n_eff}});
    if (steps_ == 0 || !term.missing.empty()) {
      c.value = c.raw_value = StepStats::missing;
      c.valid = false;
      c.invalid_reason = steps_ == 0 ? "no steps" : "not applicable: missing " + join(term.missing);
      return false;
    }
    c.details.push_back({"information_nats", term.sum});
    c.add_assumption("gaussian_noise", "each step adds isotropic Gaussian noise independent of the data and the past",
                     Holds::unchecked, "noise draws are not part of the trajectory; smallest noise std given: " +
                                           format_number(static_cast<double>(std::sqrt(min_noise_var_))));
    return true;
  };

  // Xu & Raginsky (2017), Theorem 1, on n_eff examples: the one implementation in bounds/mi_bounds.
  const auto xu_raginsky = [&](const Term& term, std::int64_t n_eff) {
    if (steps_ == 0 || !term.missing.empty()) return Certificate{};
    // An information term past the largest double (noise far too small for the drift) is +inf: a vacuous bound.
    const bool infinite = std::isinf(term.sum);
    Certificate c = xu_raginsky_bound(infinite ? 0.0 : term.sum, {.n = n_eff, .loss_min = info_.loss_min,
                                                                  .loss_max = info_.loss_max, .sigma = info_.subgaussian});
    if (infinite) c.set_value(term.sum, info_.subgaussian ? term.sum : info_.loss_max - info_.loss_min);
    // Its "mi_exact" caveat is about estimated MI; here the information term is an upper bound by construction.
    // Inputs and the guarantee come from frame() (the information term is echoed as information_nats).
    std::erase_if(c.assumptions, [](const Assumption& a) { return a.name == "mi_exact"; });
    std::erase_if(c.details, [](const NamedValue& v) { return v.name == "guarantee"; });
    c.inputs.clear();
    return c;
  };

  std::vector<Certificate> out;
  Certificate p = xu_raginsky(pensia_, info_.n);
  if (frame(p, "pensia", pensia_, {"step_size", noise_fields, "gradient_bound"}, info_.n))
    p.add_assumption("gradient_bound", "||g_t(w, batch)|| <= L_t for every w and every batch",
                     info_.gradient_bound_global ? Holds::yes : Holds::no,
                     info_.gradient_bound_global ? "declared a global bound (e.g. clipping)"
                                                 : "gradient_bound is only the maximum observed along the run");
  p.reference = {"Pensia, Jog & Loh (2018), Generalization error bounds for noisy, iterative algorithms, ISIT; "
                 "Xu & Raginsky (2017), NeurIPS",
                 "Pensia et al. Theorem 1 (theorem number unchecked; derived in bounds/TRAJECTORY.md); "
                 "Xu & Raginsky Theorem 1"};
  out.push_back(std::move(p));

  const std::int64_t n_out = info_.n - info_.prior_examples;
  Certificate q = xu_raginsky(negrea_, n_out);
  if (frame(q, "negrea", negrea_, {"step_size", noise_fields, "incoherence_sq", "prior_examples"}, n_out)) {
    q.add_assumption("forecast", "the forecast zeta_t depends only on S_J, past iterates and the shared minibatch indices",
                     Holds::unchecked, "cannot be checked from the trajectory");
    q.add_assumption("one_run_kl", "the summed KL is the expected KL given S; one run gives a plug-in estimate",
                     Holds::unchecked, "the gap bounded is E[risk - empirical risk on the n - m examples outside S_J]");
  }
  q.reference = {"Negrea, Haghifam, Dziugaite, Khisti & Roy (2019), Information-theoretic generalization bounds for "
                 "SGLD via data-dependent estimates, NeurIPS; Xu & Raginsky (2017)",
                 "Negrea et al. Sec. 4 (theorem number unchecked; KL chain rule derived in bounds/TRAJECTORY.md); "
                 "Xu & Raginsky Theorem 1 given S_J"};
  out.push_back(std::move(q));

  // Li, Luo & Qiao (2020), Theorem 9: err_gen <= (2 sqrt(2) C / n) sqrt(sum_t gamma_t^2 g_e(t) / sigma_t^2) for a
  // C-bounded loss; with the paper's noise sigma_t / sqrt(2) this is 2 C sqrt(2 sum_t n^2 KL_t) / n.
  Certificate l;
  if (frame(l, "li", li_, {"step_size", noise_fields, "gradient_sq_mean", "batch_size"}, info_.n)) {
    const double c_bound = range;  // C = b - a: valid whether "C-bounded" means [0, C] or [-C, C] (after a shift)
    l.set_value(round_up(round_up(2.0 * c_bound * round_up(std::sqrt(round_up(2.0 * li_.sum)))) /
                         static_cast<double>(info_.n)),
                range);
    l.inputs.push_back({"C", c_bound});
    l.add_assumption("full_batch", "every step uses the full-batch drift (GLD): batch_size = n",
                     minibatch_steps_ == 0 ? Holds::yes : Holds::no,
                     minibatch_steps_ == 0 ? "every batch_size equals n"
                                           : std::to_string(minibatch_steps_) +
                                                 " steps use a minibatch (Theorem 11, the minibatch case, is not implemented)");
    l.add_assumption("bounded_loss", "the loss lies in [loss_min, loss_max]", Holds::unchecked,
                     "loss values are not part of the trajectory");
    l.add_assumption("per_example_drift",
                     "the drift is the mean over the n examples of a per-example term h(w, z) with h(w, 0) = 0, and "
                     "gradient_sq_mean is the mean of ||h(W_{t-1}, z_i)||^2",
                     Holds::unchecked, "cannot be checked from the trajectory");
    l.add_assumption("one_run_expectation", "g_e(t) is an expectation over W_{t-1} and S; one run gives a plug-in estimate",
                     Holds::unchecked, "average several runs' trajectories for a better estimate");
  }
  l.reference = {"Li, Luo & Qiao (2020), On generalization error bounds of noisy gradient methods for non-convex "
                 "learning, ICLR",
                 "Theorem 9 (GLD, via Theorem 7 Bayes-stability and Lemma 10)"};
  out.push_back(std::move(l));

  for (const Unimplemented& u : unimplemented) {
    Certificate c;
    c.name = u.name;
    c.valid = false;
    c.invalid_reason = std::string("not implemented: ") + u.why;
    c.details = {{"needed", std::string(u.needs)}, {"missing", std::string("not implemented")}};
    c.reference = {u.paper, "(theorem number unchecked: text not available)"};
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace itbound
