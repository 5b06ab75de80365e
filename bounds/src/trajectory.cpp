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

// Present fields must be finite and in their kind's range; absent ones are NaN. The message names step[index].field.
void check_field(const StepField& f, double x, std::int64_t index) {
  if (!present(x)) return;
  using K = StepField::Kind;
  const bool ok = std::isfinite(x) && (f.kind == K::real || (f.kind == K::nonnegative ? x >= 0.0 : x > 0.0)) &&
                  (f.kind != K::count || (x >= 1.0 && x <= 9007199254740992.0 && x == std::floor(x)));
  if (!ok)
    throw InvalidArgument("step[" + std::to_string(index) + "]." + f.name,
                          std::string("must be ") +
                              (f.kind == K::count      ? "an integer >= 1"
                               : f.kind == K::positive ? "a finite number > 0"
                               : f.kind == K::real     ? "a finite number"
                                                       : "a finite number >= 0") +
                              ", got " + format_number(x));
}

// Noise variance of the step, or NaN, in extended range: a noise std below 1.5e-154 squares to below the
// smallest normal double and an inverse temperature below 2 eta / DBL_MAX gives a variance above the largest one,
// while every product and quotient of a few doubles is a normal long double. Both forms given: the smaller
// variance, whose bound is larger. One rounding: relative error at most 2^-64.
// Per-step terms are computed in extended range and rounded up to a double (round_up_from_extended); the running
// sums' own rounding is covered once, when a certificate reads a sum (TrajectoryAccumulator::bounded).
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

template <class Text>
std::string join(const std::vector<Text>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + std::string(s);
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
    {"wang", "Wang, Huang, Gao & Calmon (2021), Analyzing the generalization capability of SGLD using properties "
             "of Gaussian channels, NeurIPS",
     "step_size, noise_std or inverse_temperature, gradient_variance",
     "theorem text not available to verify the constants and the exact variance the bound uses"},
};

// Reference of Neu, Dziugaite, Haghifam & Roy (2021), read in PMLR 134 (COLT), pp. 3526-3545.
constexpr const char* neu_paper =
    "Neu, Dziugaite, Haghifam & Roy (2021), Information-theoretic generalization bounds for stochastic gradient "
    "descent, COLT, PMLR 134, pp. 3526-3545";

// What every Neu et al. bound assumes: the schedules named fixed before the run, and an R-sub-Gaussian loss.
void add_neu_assumptions(Certificate& c, const std::string& schedules) {
  c.add_assumption("fixed_schedules", schedules + " are fixed before the run, independently of the data",
                   Holds::unchecked, "a schedule chosen from the data cannot be detected from the trajectory");
  c.add_assumption("subgaussian_loss", "the bounded loss is R-sub-Gaussian for every w (R = (b - a) / 2 for a loss in [a, b])",
                   Holds::unchecked, "loss values are not part of the steps");
}

// The loss range b - a (the trivial bound) and Neu et al.'s R: the given sub-Gaussian parameter, else (b - a) / 2.
std::pair<double, double> neu_range_and_r(const TrajectoryInfo& info) {
  const double range = info.loss_max - info.loss_min;
  return {range, info.subgaussian.value_or(range / 2.0)};
}

// A declared smoothness constant the bound used in place of a measurement.
void add_declared(Certificate& c, const char* key, double mu) {
  c.add_assumption(key,
                   std::string(key) == "smoothness" ? "||g(w, z) - g(w + u, z)|| <= mu ||u|| for all w, u, z (declared)"
                                                    : "the bounded loss is mu_l-smooth in w (declared)",
                   Holds::unchecked, std::string(key) + " = " + format_number(mu));
}

// The posterior mass on the unselected candidate given the log-likelihood ratio a (unselected : selected) of the path:
// sigmoid(a), evaluated without overflow.
double sigmoid(double a) { return a >= 0.0 ? 1.0 / (1.0 + std::exp(-a)) : std::exp(a) / (1.0 + std::exp(a)); }

}  // namespace

// Compared by address: each Term names a field from one call site, so the same literal every time.
void TrajectoryAccumulator::Term::need(const char* field, bool is_present) {
  if (!is_present && std::find(missing.begin(), missing.end(), field) == missing.end()) missing.push_back(field);
}

TrajectoryAccumulator::TrajectoryAccumulator(TrajectoryInfo info) : info_(std::move(info)) {
  if (info_.dimension < 1) fail("dimension", "must be >= 1, got " + std::to_string(info_.dimension));
  if (info_.n < 1) fail("n", "must be >= 1, got " + std::to_string(info_.n));
  if (info_.prior_examples < 0 || info_.prior_examples >= info_.n)
    fail("prior_examples", "must be in [0, n), got " + std::to_string(info_.prior_examples));
  require_finite(info_.loss_min, "loss_min");
  require_finite(info_.loss_max, "loss_max");
  if (!(info_.loss_max > info_.loss_min)) fail("loss_max", "must exceed loss_min");
  if (info_.subgaussian && !(std::isfinite(*info_.subgaussian) && *info_.subgaussian > 0.0))
    fail("subgaussian", "must be a finite number > 0, got " + format_number(*info_.subgaussian));
  for (const auto& [mu, field] : {std::pair{info_.smoothness, "smoothness"}, {info_.loss_smoothness, "loss_smoothness"}})
    if (mu && !(std::isfinite(*mu) && *mu >= 0.0)) fail(field, "must be a finite number >= 0, got " + format_number(*mu));
  if (info_.sigma_scales.empty() != info_.sigma_ratios.empty())
    fail(info_.sigma_scales.empty() ? "sigma_scales" : "sigma_ratios",
         "the family of schedules needs both sigma_scales and sigma_ratios");
  for (const auto& [values, field] : {std::pair{&info_.sigma_scales, "sigma_scales"}, {&info_.sigma_ratios, "sigma_ratios"}})
    for (std::size_t i = 0; i < values->size(); ++i)
      if (const double x = (*values)[i]; !(std::isfinite(x) && x > 0.0))
        fail((std::string(field) + "[" + std::to_string(i) + "]").c_str(), "must be a finite number > 0, got " + format_number(x));
  if (info_.sigma_scales.size() * info_.sigma_ratios.size() > 4096)
    fail("sigma_scales", "the family (every scale with every ratio) is limited to 4096 schedules");
  for (const double scale : info_.sigma_scales)
    for (const double ratio : info_.sigma_ratios) family_.push_back({scale, ratio, scale * scale, 0.0, 0.0});
}

void TrajectoryAccumulator::add_step(const StepStats& s) {
  const auto field = [&](const char* name) { return "step[" + std::to_string(steps_) + "]." + name; };
  if (finished_) throw InvalidArgument("step[" + std::to_string(steps_) + "]", "comes after the final record");
  if (!present(s.step_size)) throw InvalidArgument(field("step_size"), "is required");
  for (const StepField& f : step_fields) check_field(f, s.*f.member, steps_);
  if (present(s.batch_size) && s.batch_size > static_cast<double>(info_.n))
    throw InvalidArgument(field("batch_size"),
                          "must be <= n = " + std::to_string(info_.n) + ", got " + format_number(s.batch_size));

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
    pensia_.sum += round_up_from_extended(0.5L * d * std::log1p(snr), 32);
  }

  // Negrea et al. (2019), Sec. 4: per-step KL of two Gaussians with equal covariance sigma^2 I and means
  // differing by eta (g - zeta): eta^2 ||g - zeta||^2 / (2 sigma^2)  (= beta eta ||xi||^2 / 4 for SGLD).
  negrea_.need(noise_fields, has_var);
  negrea_.need("incoherence_sq", present(s.incoherence_sq));
  if (has_var && present(s.incoherence_sq)) negrea_.sum += half_snr_up(s.step_size, s.incoherence_sq, var);

  // Li, Luo & Qiao (2020), Theorem 9 (GLD): n^2 KL_t = eta^2 g_e(t) / (2 sigma^2), sigma^2 the per-coordinate
  // noise variance (the paper's sigma_t^2 / 2); full batch only.
  li_.need(noise_fields, has_var);
  li_.need("gradient_sq_mean", present(s.gradient_sq_mean));
  li_.need("batch_size", present(s.batch_size));
  if (present(s.batch_size) && s.batch_size < static_cast<double>(info_.n)) ++minibatch_steps_;
  if (has_var && present(s.gradient_sq_mean)) li_.sum += half_snr_up(s.step_size, s.gradient_sq_mean, var);

  add_haghifam(s, var);
  add_neu(s, var);
  ++steps_;
}

// Haghifam, Negrea, Khisti, Roy & Dziugaite (2020) with a forecaster (shared/STATEMENTS.md §1, derived; re-derived
// in bounds/TRAJECTORY.md). The step's KL between the Langevin kernel with the selected candidate of pair J and the
// kernel with the forecast mixture is theta_t^2 eta_t^2 ||xi_t||^2 / (2 sigma_t^2 n^2) (= theta^2 beta eta ||xi||^2 /
// (4 n^2) for sigma^2 = 2 eta / beta); theta_t is the forecaster's mass on the unselected candidate.
void TrajectoryAccumulator::add_haghifam(const StepStats& s, long double var) {
  haghifam_.need(noise_fields, !std::isnan(var));
  haghifam_.need("two_sample_incoherence", present(s.two_sample_incoherence));
  haghifam_.need("batch_size", present(s.batch_size));
  if (std::isnan(var) || !present(s.two_sample_incoherence)) return;
  const double n = static_cast<double>(info_.n);
  const double kl = half_snr_up(s.step_size, s.two_sample_incoherence, var * n * n);
  haghifam_.sum += kl;
  if (!present(s.noise_alignment)) forecaster_complete_ = false;
  if (!forecaster_complete_) return;
  // The posterior forecaster: its mass on the unselected candidate given W_0..W_t (never the selection itself).
  // theta^2 kl in extended range, rounded up (theta^2 can be subnormal); theta = 0 adds nothing, also when kl = inf.
  const double theta = sigmoid(log_likelihood_ratio_);
  if (theta > 0.0) forecast_sum_ += round_up_from_extended(static_cast<long double>(theta) * theta * kl);
  // Log-likelihood ratio (unselected : selected) of W_{t+1} given W_t: -KL_t - (eta_t / (n sigma_t)) <v_t, eps_t>, with
  // v_t = grad(unselected) - grad(selected) and W_{t+1} = mean(selected) + sigma_t eps_t (bounds/TRAJECTORY.md).
  log_likelihood_ratio_ += -kl - static_cast<double>(s.step_size / (n * std::sqrt(var)) * s.noise_alignment);
}

// Neu, Dziugaite, Haghifam & Roy (2021): Theorem 1 for the run's schedule, Proposition 3 for the noise actually added,
// and Theorem 1 with the smoothness bounds for every schedule of the declared family (bounds/TRAJECTORY.md).
void TrajectoryAccumulator::add_neu(const StepStats& s, long double var) {
  const bool variance = present(s.gradient_variance);
  const double d = static_cast<double>(info_.dimension);
  const bool has_var = !std::isnan(var);
  if (has_var) ++noisy_steps_;
  const long double eta = s.step_size;

  // Proposition 3: I(W; S) <= sum_t eta_t^2 V_t / (2 sigma_t^2); the sum kept is sum_t eta_t^2 V_t / sigma_t^2.
  neu_sgld_.need(noise_fields, has_var);
  neu_sgld_.need("gradient_variance", variance);
  if (has_var && variance) neu_sgld_.sum += round_up_from_extended(eta * eta * s.gradient_variance / var);

  // Theorem 1: sum_t eta_t^2 / sigma_t^2 (Gamma_{sigma_{1:t}}(W_t) + V_t), Gamma measured, or <= mu^2 sigma_{1:t}^2 d.
  const bool gamma = present(s.gradient_sensitivity) || info_.smoothness.has_value();
  neu_sgd_.need("perturbation_std", present(s.perturbation_std));
  neu_sgd_.need("gradient_variance", variance);
  neu_sgd_.need("gradient_sensitivity or smoothness", gamma);
  if (present(s.perturbation_std)) {
    if (variance && gamma) {
      // In extended range, like every per-step term: a smoothness constant below 1.5e-154 squares to a subnormal.
      long double g = s.gradient_sensitivity;
      if (present(s.gradient_sensitivity)) {
        ++gamma_measured_;
      } else {
        const long double mu = *info_.smoothness;
        g = mu * mu * perturbation_level_sq_ * d;  // the running level's rounding is covered like the sums'
        ++gamma_bounded_;
      }
      const long double p = s.perturbation_std;
      neu_sgd_.sum += round_up_from_extended(eta * eta * (g + s.gradient_variance) / (p * p));
    }
    perturbation_level_sq_ += round_up_from_extended(static_cast<long double>(s.perturbation_std) * s.perturbation_std);
  }

  // The family sigma_t = scale ratio^(t-1), Gamma <= mu^2 sigma_{1:t}^2 d. The recursions' rounding (relative error
  // O(t eps)) is covered once, in neu_sgd_smooth_certificate(); a schedule whose variance leaves the normal doubles
  // (where the recursion's error is no longer relative) is infinite.
  neu_family_.need("gradient_variance", variance);
  const bool sums = variance && info_.smoothness;
  // Each term in extended range and rounded up (in double, eta^2 / variance could underflow before the product).
  const long double mu = sums ? *info_.smoothness : 0.0, mu2d = mu * mu * d;
  for (Schedule& f : family_) {
    if (sums) {
      const double term = round_up_from_extended(eta * eta / f.variance * (mu2d * f.level_sq + s.gradient_variance));
      const bool normal = f.variance >= std::numeric_limits<double>::min() && std::isfinite(f.variance);
      f.sum = std::isnan(term) || !normal ? std::numeric_limits<double>::infinity() : f.sum + term;
    }
    f.level_sq += f.variance;
    f.variance *= f.ratio * f.ratio;
  }
}

void TrajectoryAccumulator::finish(FinalStats f) {
  if (finished_) fail("final", "is given twice");
  const double range = info_.loss_max - info_.loss_min;
  for (const auto& [x, name] : {std::pair{f.train_loss, "final.train_loss"}, {f.test_loss, "final.test_loss"}})
    if (present(x) && !(x >= info_.loss_min && x <= info_.loss_max))
      fail(name, "must be a loss in [loss_min, loss_max] = [" + format_number(info_.loss_min) + ", " +
                     format_number(info_.loss_max) + "], got " + format_number(x));
  for (std::size_t i = 0; i < f.value_sensitivity.size(); ++i) {
    const ValueSensitivity& v = f.value_sensitivity[i];
    const std::string at = "final.value_sensitivity[" + std::to_string(i) + "].";
    if (!(std::isfinite(v.level) && v.level > 0.0))
      throw InvalidArgument(at + "level", "must be a finite number > 0, got " + format_number(v.level));
    for (const auto& [x, name] : {std::pair{v.train, "train"}, {v.test, "test"}})
      if (!(std::isfinite(x) && std::fabs(x) <= range))
        throw InvalidArgument(at + name, "must be a difference of losses, in [-(loss_max - loss_min), loss_max - "
                                         "loss_min], got " + format_number(x));
  }
  final_ = std::move(f);
  finished_ = true;
}

std::vector<PerturbationLevel> TrajectoryAccumulator::perturbation_levels() const {
  std::vector<PerturbationLevel> out;
  if (steps_ > 0 && std::find(neu_sgd_.missing.begin(), neu_sgd_.missing.end(), std::string("perturbation_std")) ==
                        neu_sgd_.missing.end())
    out.push_back({"perturbation_std", std::sqrt(perturbation_level_sq_)});
  for (const Schedule& f : family_)
    out.push_back({"scale=" + format_number(f.scale) + ",ratio=" + format_number(f.ratio), std::sqrt(f.level_sq)});
  return out;
}

namespace {

// The recorded Delta terms at `level` (relative tolerance 1e-9: the level is recomputed from the recorded schedule),
// or nullptr.
const ValueSensitivity* sensitivity_at(const FinalStats& f, double level) {
  if (!std::isfinite(level)) return nullptr;  // inf <= 1e-9 inf would match any recorded level
  for (const ValueSensitivity& v : f.value_sensitivity)
    if (std::fabs(v.level - level) <= 1e-9 * level) return &v;
  return nullptr;
}

}  // namespace

const std::vector<std::string>& TrajectoryAccumulator::bound_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v = {"pensia", "negrea", "li", "haghifam-ld", "neu-sgd", "neu-sgd-smooth", "neu-sgld"};
    for (const auto& u : unimplemented) v.emplace_back(u.name);
    return v;
  }();
  return names;
}

// Shared frame: inputs echoed, which fields the bound needs and which were missing; false (value NaN, not applicable)
// when a field is missing or there are no steps. `noisy`: the bound needs noise actually added to the iterates.
// `information_per_sum`: the upper bound on the mutual information (nats) per unit of the term's sum (NaN: none).
bool TrajectoryAccumulator::frame(Certificate& c, const std::string& name, const Term& term,
                                  std::vector<std::string> needed, std::int64_t n_eff, bool noisy,
                                  double information_per_sum) const {
  c.name = name;
  std::vector<NamedValue> inputs = {{"dimension", info_.dimension}, {"n", info_.n},
                                    {"prior_examples", info_.prior_examples}, {"steps", steps_},
                                    {"loss_min", info_.loss_min}, {"loss_max", info_.loss_max},
                                    {"gradient_bound_global", info_.gradient_bound_global}};
  if (info_.subgaussian) inputs.push_back({"subgaussian", *info_.subgaussian});
  c.inputs.insert(c.inputs.begin(), inputs.begin(), inputs.end());
  c.guarantee = Guarantee::estimated_bound;
  c.quantity = "the expected generalization gap of the training run";
  c.details.insert(c.details.begin(), {{"needed", join(needed)}, {"missing", join(term.missing)}, {"n_effective", n_eff}});
  if (steps_ == 0 || !term.missing.empty()) {
    c.value = c.raw_value = StepStats::missing;
    c.mark_not_applicable(steps_ == 0 ? "no steps" : "missing " + join(term.missing));
    return false;
  }
  if (present(information_per_sum)) c.details.push_back({"information_nats", information_per_sum * bounded(term.sum)});
  if (noisy)
    c.add_assumption("gaussian_noise", "each step adds isotropic Gaussian noise independent of the data and the past",
                     Holds::unchecked, "noise draws are not part of the trajectory; smallest noise std given: " +
                                           format_number(static_cast<double>(std::sqrt(min_noise_var_))));
  return true;
}

// A running sum of T nonnegative terms, each computed with at most ten roundings, rounded up past its exact value:
// recursive summation errs by at most (T - 1) eps/2 relative and each term by 10 eps/2; sum_round_up's 2 (T + 4) eps
// covers both (Higham 2002, Sec. 4.2).
double TrajectoryAccumulator::bounded(double sum) const { return sum_round_up(sum, static_cast<double>(steps_)); }

double TrajectoryAccumulator::measured_gap() const { return final_.test_loss - final_.train_loss; }

std::vector<Certificate> TrajectoryAccumulator::certificates() const {
  const double range = info_.loss_max - info_.loss_min;

  // Xu & Raginsky (2017), Theorem 1, on n_eff examples: the one implementation in bounds/mi_bounds.
  const auto xu_raginsky = [&](const Term& term, std::int64_t n_eff) {
    if (steps_ == 0 || !term.missing.empty()) return Certificate{};
    // An information term past the largest double (noise far too small for the drift) is +inf: a vacuous bound.
    const bool infinite = std::isinf(term.sum);
    Certificate c = xu_raginsky_bound(infinite ? 0.0 : bounded(term.sum),
                                      {.n = n_eff, .loss_min = info_.loss_min, .loss_max = info_.loss_max,
                                       .sigma = info_.subgaussian});
    if (infinite) c.set_value(term.sum, info_.subgaussian ? term.sum : info_.loss_max - info_.loss_min);
    // Its "mi_exact" caveat is about estimated MI; here the information term is an upper bound by construction.
    // Inputs and the guarantee come from frame() (the information term is echoed as information_nats).
    std::erase_if(c.assumptions, [](const Assumption& a) { return a.name == "mi_exact"; });
    c.inputs.clear();
    return c;
  };

  std::vector<Certificate> out;
  Certificate p = xu_raginsky(pensia_, info_.n);
  if (frame(p, "pensia", pensia_, {"step_size", noise_fields, "gradient_bound"}, info_.n, true, 1.0)) {
    // Step sizes, noise and a global gradient bound are the algorithm's: the information term is then an upper
    // bound by construction, not an estimate from the run.
    if (info_.gradient_bound_global) p.guarantee = Guarantee::expectation_bound;
    p.add_assumption("gradient_bound", "||g_t(w, batch)|| <= L_t for every w and every batch",
                     info_.gradient_bound_global ? Holds::yes : Holds::no,
                     info_.gradient_bound_global ? "declared a global bound (e.g. clipping)"
                                                 : "gradient_bound is only the maximum observed along the run");
  }
  p.reference = {"Pensia, Jog & Loh (2018), Generalization error bounds for noisy, iterative algorithms, ISIT; "
                 "Xu & Raginsky (2017), NeurIPS",
                 "Pensia et al. Theorem 1 (theorem number unchecked; derived in bounds/TRAJECTORY.md); "
                 "Xu & Raginsky Theorem 1"};
  out.push_back(std::move(p));

  const std::int64_t n_out = info_.n - info_.prior_examples;
  Certificate q = xu_raginsky(negrea_, n_out);
  if (frame(q, "negrea", negrea_, {"step_size", noise_fields, "incoherence_sq", "prior_examples"}, n_out, true, 1.0)) {
    q.add_assumption("forecast", "the forecast zeta_t depends only on S_J, past iterates and the shared minibatch indices",
                     Holds::unchecked, "cannot be checked from the trajectory");
    q.add_assumption("one_run_kl", "the summed KL is the expected KL given S; one run gives a plug-in estimate",
                     Holds::unchecked, "the gap bounded is E[risk - empirical risk on the n - m examples outside S_J]");
  }
  q.reference = {"Negrea, Haghifam, Dziugaite, Khisti & Roy (2019), Information-theoretic generalization bounds for "
                 "SGLD via data-dependent estimates, NeurIPS; Xu & Raginsky (2017)",
                 "Negrea et al. Sec. 4 (theorem number unchecked; KL chain rule derived in bounds/TRAJECTORY.md, "
                 "constant settled there: sqrt(2 s^2 KL / (n - m)), not sqrt(s^2 KL / (n - m))); "
                 "Xu & Raginsky Theorem 1 given S_J"};
  out.push_back(std::move(q));

  // Li, Luo & Qiao (2020), Theorem 9: err_gen <= (2 sqrt(2) C / n) sqrt(sum_t gamma_t^2 g_e(t) / sigma_t^2) for a
  // C-bounded loss; with the paper's noise sigma_t / sqrt(2) this is 2 C sqrt(2 sum_t n^2 KL_t) / n.
  Certificate l;
  if (frame(l, "li", li_, {"step_size", noise_fields, "gradient_sq_mean", "batch_size"}, info_.n, true, 1.0)) {
    const double c_bound = range;  // C = b - a: valid whether "C-bounded" means [0, C] or [-C, C] (after a shift)
    l.set_value(round_up(round_up(2.0 * c_bound * round_up(std::sqrt(round_up(2.0 * bounded(li_.sum))))) /
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

  out.push_back(haghifam_certificate());
  out.push_back(neu_sgd_certificate());
  out.push_back(neu_sgd_smooth_certificate());
  out.push_back(neu_sgld_certificate());

  for (const Unimplemented& u : unimplemented) {
    Certificate c;
    c.name = u.name;
    c.guarantee = Guarantee::estimated_bound;
    c.mark_not_applicable(std::string("not implemented: ") + u.why);
    c.details = {{"needed", std::string(u.needs)}, {"missing", std::string("not implemented")}};
    c.reference = {u.paper, "(theorem number unchecked: text not available)"};
    out.push_back(std::move(c));
  }

  // Every bound here but negrea (whose gap is measured outside S_J) bounds the gap measured at the end of the run.
  if (present(measured_gap()))
    for (Certificate& c : out)
      if (c.applicable() && (c.name != "negrea" || info_.prior_examples == 0))
        c.check_against_measured(measured_gap(), "generalization gap (test loss - training loss)");
  return out;
}

Certificate TrajectoryAccumulator::haghifam_certificate() const {
  const double range = info_.loss_max - info_.loss_min;
  Certificate c;
  c.reference = {"Haghifam, Negrea, Khisti, Roy & Dziugaite (2020), Sharpened generalization bounds based on conditional "
                 "mutual information and an application to noisy, iterative algorithms, NeurIPS 33",
                 "Langevin-dynamics CMI bound with a forecaster (statement derived in shared/STATEMENTS.md §1 and "
                 "re-derived in bounds/TRAJECTORY.md; theorem number unchecked)"};
  if (!frame(c, "haghifam-ld", haghifam_, {"step_size", noise_fields, "batch_size = n", "two_sample_incoherence",
                                            "noise_alignment (forecaster)"},
             info_.n, true, 1.0))
    return c;
  // Per tracked pair: E[gen] <= (b - a) (1/n) sum_i E sqrt(2 I_i), I_i <= sum_t theta_t^2 KL_t: (b - a) sqrt(2 sum).
  const double plain = round_up(range * round_up(std::sqrt(round_up(2.0 * bounded(haghifam_.sum)))));
  const double constant = plain / 2.0;  // theta = 1/2 at every step: exactly half (a power of two)
  const double forecast =
      forecaster_complete_ ? round_up(range * round_up(std::sqrt(round_up(2.0 * bounded(forecast_sum_))))) : StepStats::missing;
  c.set_value(forecaster_complete_ ? forecast : constant, range);
  c.details.push_back({"plain", plain});
  c.details.push_back({"constant_forecast", constant});
  c.details.push_back({"forecaster", forecast});
  c.details.push_back(
      {"forecaster_name", std::string(forecaster_complete_
                                          ? "posterior: theta_t = sigmoid(a_t), a_t the log-likelihood ratio "
                                            "(unselected : selected) of W_0..W_t; the value reported"
                                          : "none (noise_alignment missing): the value is the constant forecast 1/2")});
  c.details.push_back({"forecast_kl_nats", forecaster_complete_ ? bounded(forecast_sum_) : StepStats::missing});
  c.details.push_back({"final_log_likelihood_ratio", forecaster_complete_ ? log_likelihood_ratio_ : StepStats::missing});
  c.add_assumption("full_batch", "full-batch Langevin dynamics on the n selected examples: batch_size = n at every step",
                   minibatch_steps_ == 0 ? Holds::yes : Holds::no,
                   minibatch_steps_ == 0 ? "every batch_size equals n"
                                         : std::to_string(minibatch_steps_) + " steps use a minibatch");
  c.add_assumption("supersample",
                   "the n training examples are one of each of n pairs chosen by independent fair coins U; "
                   "two_sample_incoherence and noise_alignment are for a pair J drawn uniformly, and the gap bounded is "
                   "E[loss on the unselected examples - training loss]",
                   Holds::unchecked, "the recorder (itbound.recorders.LangevinRecorder) draws J and U");
  c.add_assumption("bounded_loss", "the loss lies in [loss_min, loss_max]", Holds::unchecked,
                   "loss values are not part of the steps");
  c.add_assumption("one_run_expectation",
                   "the expectation over U_J and the noise sits inside the square root: one run and one pair give a "
                   "plug-in whose mean over runs is at most the bound (Jensen), i.e. an estimate biased low",
                   Holds::unchecked, "average haghifam-ld over several runs (different J, U and noise)");
  return c;
}

Certificate TrajectoryAccumulator::neu_sgd_certificate() const {
  const auto [range, R] = neu_range_and_r(info_);
  Certificate c;
  c.reference = {neu_paper, "Theorem 1 (read; constants checked against the proof of Theorem 5 in bounds/TRAJECTORY.md)"};
  if (!frame(c, "neu-sgd", neu_sgd_, {"step_size", "perturbation_std", "gradient_variance",
                                      "gradient_sensitivity or smoothness",
                                      "final value_sensitivity at the final level or loss_smoothness"},
             info_.n, false, 2.0))  // Theorem 5: I <= sum_t 2 eta_t^2 / sigma_t^2 (Gamma + V)
    return c;
  const double level = std::sqrt(perturbation_level_sq_);
  double delta = StepStats::missing;
  std::string delta_source;
  if (const ValueSensitivity* v = sensitivity_at(final_, level)) {
    delta = round_up(v->test - v->train);
    delta_source = "measured at level " + format_number(level) + " (Monte Carlo over the perturbation)";
  } else if (info_.loss_smoothness) {
    // |Delta_sigma(w, s)| <= mu_l sigma^2 d / 2 for each of the two terms.
    delta = round_up(round_up(*info_.loss_smoothness * round_up(sum_round_up(perturbation_level_sq_, steps_))) *
                     static_cast<double>(info_.dimension));
    delta_source = "bounded by loss_smoothness: mu_l sigma_{1:T}^2 d";
  }
  const double first = round_up(std::sqrt(round_up(round_up(4.0 * R * R) * bounded(neu_sgd_.sum) / static_cast<double>(info_.n), 2)));
  c.details.push_back({"final_level", level});
  c.details.push_back({"sqrt_term", first});
  c.details.push_back({"delta_term", delta});
  c.details.push_back({"variance_source", std::string("measured at every step (gradient_variance)")});
  c.details.push_back({"gamma_source", gamma_bounded_ == 0 ? std::string("measured at every step (gradient_sensitivity)")
                                : gamma_measured_ == 0
                                    ? std::string("bounded by smoothness at every step: mu^2 sigma_{1:t}^2 d")
                                    : "measured at " + std::to_string(gamma_measured_) + " steps, bounded by smoothness "
                                          "(mu^2 sigma_{1:t}^2 d) at " + std::to_string(gamma_bounded_)});
  c.details.push_back({"delta_source", delta_source.empty() ? std::string("missing") : delta_source});
  if (!present(delta)) {
    c.value = c.raw_value = StepStats::missing;
    c.mark_not_applicable("missing the Delta terms: value_sensitivity at level " + format_number(level) +
                          " (the final perturbation level) or loss_smoothness");
    return c;
  }
  c.set_value(round_up(first + delta), range);
  c.inputs.push_back({"R", R});
  add_neu_assumptions(c, "step sizes, perturbation stds and minibatch indices");
  if (gamma_bounded_ > 0) add_declared(c, "smoothness", *info_.smoothness);
  if (delta_source.rfind("bounded", 0) == 0) add_declared(c, "loss_smoothness", *info_.loss_smoothness);
  c.add_assumption("sgd_update", "W_{t+1} = W_t - eta_t g(W_t, B_t) (Theorem 1 is stated for SGD)", Holds::unchecked,
                   noisy_steps_ == 0 ? "no noise recorded"
                                     : std::to_string(noisy_steps_) + " steps also added Gaussian noise, independent of "
                                       "everything else: the proof goes through with the larger variance (bounds/TRAJECTORY.md)");
  c.add_assumption("one_run_expectation",
                   "V_t, Gamma_t and the Delta terms are expectations; one run gives plug-in estimates (V_t as "
                   "||g_t - g_hat_t||^2 with an independent held-out g_hat_t is biased up by E ||g_hat_t - g_bar||^2)",
                   Holds::unchecked, "average several runs for a better estimate");
  return c;
}

Certificate TrajectoryAccumulator::neu_sgd_smooth_certificate() const {
  const auto [range, R] = neu_range_and_r(info_);
  Certificate c;
  c.reference = {neu_paper, "Theorem 1 with Gamma <= mu^2 sigma^2 d (Corollary 2's proof) and |Delta| <= mu_l sigma^2 d / 2 "
                            "(Sec. 3), minimised over a declared family of sigma schedules (read)"};
  Term term = neu_family_;
  term.need("smoothness", info_.smoothness.has_value());
  term.need("sigma_scales and sigma_ratios", !family_.empty());
  if (!frame(c, "neu-sgd-smooth", term, {"step_size", "gradient_variance", "smoothness", "sigma_scales and sigma_ratios",
                                         "loss_smoothness or final value_sensitivity at the family's levels"},
             info_.n, false, StepStats::missing))
    return c;
  // The recursions in add_neu err by at most ~6 t eps relative per term: inflating every sum by 16 (T + 4) eps covers it.
  const double inflate = 1.0 + 16.0 * (static_cast<double>(steps_) + 4.0) * std::numeric_limits<double>::epsilon();
  const double four_r2_over_n = round_up(round_up(4.0 * R * R) / static_cast<double>(info_.n));
  const Schedule* best = nullptr;
  double best_value = std::numeric_limits<double>::infinity(), best_first = 0.0, best_delta = 0.0;
  std::int64_t with_delta = 0;
  for (const Schedule& f : family_) {
    const double level = std::sqrt(f.level_sq);
    double delta = StepStats::missing;
    if (info_.loss_smoothness)
      delta = round_up(round_up(*info_.loss_smoothness * round_up(f.level_sq * inflate)) * static_cast<double>(info_.dimension));
    else if (const ValueSensitivity* v = sensitivity_at(final_, level))
      delta = round_up(v->test - v->train);
    if (!present(delta)) continue;
    ++with_delta;
    const double first = round_up(std::sqrt(round_up(four_r2_over_n * round_up(f.sum * inflate))));
    const double value = round_up(first + delta);
    if (value < best_value) best = &f, best_value = value, best_first = first, best_delta = delta;
  }
  c.details.push_back({"schedules", static_cast<std::int64_t>(family_.size())});
  c.details.push_back({"schedules_with_delta", with_delta});
  c.details.push_back({"variance_source", std::string("measured at every step (gradient_variance)")});
  c.details.push_back({"gamma_source", std::string("bounded by smoothness: mu^2 sigma_{1:t}^2 d")});
  c.details.push_back({"delta_source", std::string(info_.loss_smoothness ? "bounded by loss_smoothness: mu_l sigma_{1:T}^2 d"
                                                                  : "measured at each schedule's final level")});
  if (!best) {
    c.value = c.raw_value = StepStats::missing;
    c.mark_not_applicable(with_delta == 0 ? "missing the Delta terms: loss_smoothness, or value_sensitivity at the "
                                            "family's final levels"
                                          : "every schedule's bound is infinite (its variance under- or overflows)");
    return c;
  }
  c.set_value(best_value, range);
  c.inputs.push_back({"R", R});
  c.inputs.push_back({"smoothness", *info_.smoothness});
  if (info_.loss_smoothness) c.inputs.push_back({"loss_smoothness", *info_.loss_smoothness});
  c.details.push_back({"best_scale", best->scale});
  c.details.push_back({"best_ratio", best->ratio});
  c.details.push_back({"final_level", std::sqrt(best->level_sq)});
  c.details.push_back({"sqrt_term", best_first});
  c.details.push_back({"delta_term", best_delta});
  c.add_assumption("declared_family",
                   "the family of schedules is fixed before the run: Theorem 1 holds for every fixed sigma, so the "
                   "smallest exact bound over the family is a bound, and nothing is charged",
                   Holds::unchecked, "minimising one run's estimate over the family adds an optimistic selection bias: "
                                     "keep the family small and declared in advance");
  add_neu_assumptions(c, "step sizes and minibatch indices");
  add_declared(c, "smoothness", *info_.smoothness);
  if (info_.loss_smoothness) add_declared(c, "loss_smoothness", *info_.loss_smoothness);
  c.add_assumption("one_run_expectation", "V_t (and measured Delta terms) are expectations; one run gives plug-in estimates",
                   Holds::unchecked, "average several runs for a better estimate");
  return c;
}

Certificate TrajectoryAccumulator::neu_sgld_certificate() const {
  const auto [range, R] = neu_range_and_r(info_);
  Certificate c;
  c.reference = {neu_paper, "Proposition 3 (read; constant re-derived in bounds/TRAJECTORY.md)"};
  if (!frame(c, "neu-sgld", neu_sgld_, {"step_size", noise_fields, "gradient_variance"}, info_.n, true, 0.5)) return c;
  // gen <= sqrt((R^2 / n) sum_t eta_t^2 V_t / sigma_t^2) = sqrt(2 R^2 I / n) with I <= sum_t eta_t^2 V_t / (2 sigma_t^2).
  c.set_value(round_up(std::sqrt(round_up(round_up(R * R) * bounded(neu_sgld_.sum) / static_cast<double>(info_.n), 2))), range);
  c.inputs.push_back({"R", R});
  c.details.push_back({"variance_source", std::string("measured at every step (gradient_variance)")});
  add_neu_assumptions(c, "step sizes, noise levels and minibatch indices");
  c.add_assumption("one_run_expectation",
                   "V_t is an expectation; one run gives a plug-in estimate (||g_t - g_hat_t||^2 with an independent "
                   "held-out g_hat_t is biased up by E ||g_hat_t - g_bar||^2)",
                   Holds::unchecked, "average several runs for a better estimate");
  return c;
}

TrajectoryReport trajectory_report(const TrajectoryAccumulator& acc, const std::string& format, const std::string& which) {
  TrajectoryReport r{{}, format, acc.steps(), acc.info(), acc.final_stats().train_loss, acc.final_stats().test_loss,
                     acc.measured_gap(), {}};
  for (Certificate& c : acc.certificates())
    if (which == "all" || which == c.name) r.bounds.push_back(std::move(c));
  const Certificate* tightest = nullptr;
  for (const auto& c : r.bounds)
    if (c.applicable() && (!tightest || c.value < tightest->value)) tightest = &c;
  r.summary = std::to_string(r.steps) + " steps; " +
              (present(r.gap) ? "measured gap " + format_rounded(r.gap, 0) + " (test loss " +
                                    format_rounded(r.test_loss, 0) + " - training loss " +
                                    format_rounded(r.train_loss, 0) + "); "
                              : std::string()) +
              (tightest ? "tightest bound " + tightest->name + " = " + tightest->shown() + " (" +
                              to_string(tightest->guarantee) + ")"
                        : std::string("no bound applies"));
  return r;
}

void visit(const TrajectoryInfo& info, FieldVisitor& v) {
  v.integer("dimension", info.dimension, "d, parameters receiving noise.");
  v.integer("n", info.n, "Training examples.");
  v.integer("prior_examples", info.prior_examples, "m = |S_J|, examples the data-dependent forecast saw.");
  v.number("loss_min", info.loss_min, "Lower end of the loss range.");
  v.number("loss_max", info.loss_max, "Upper end of the loss range.");
  v.number("subgaussian", info.subgaussian, "Sub-Gaussian parameter of the loss, if given.");
  v.boolean("gradient_bound_global", info.gradient_bound_global,
            "gradient_bound holds for every w and example (else it is the maximum observed along the run).");
  v.number("smoothness", info.smoothness, "mu: the gradient is mu-Lipschitz in w for every example (declared), if given.");
  v.number("loss_smoothness", info.loss_smoothness, "mu_l: the bounded loss is mu_l-smooth in w (declared), if given.");
  v.vector("sigma_scales", info.sigma_scales, "Scales of the declared perturbation schedules scale * ratio^(t-1).", true);
  v.vector("sigma_ratios", info.sigma_ratios, "Ratios of the declared perturbation schedules.", true);
}

void visit(const TrajectoryReport& r, FieldVisitor& v) {
  v.text("summary", r.summary, "The answer in one line.");
  v.text("format", r.format, "How the trajectory was read: json, jsonl, npz or python.");
  v.integer("steps", r.steps, "Training steps accumulated.");
  object_field(v, "header", "TrajectoryHeader", r.header, "The run's header, as used.");
  v.number("train_loss", r.train_loss, "The bounded loss of the output on the training set, as recorded (NaN: not recorded).");
  v.number("test_loss", r.test_loss, "The bounded loss of the output on held-out data, as recorded (NaN: not recorded).");
  v.number("gap", r.gap, "Measured generalization gap, test_loss - train_loss (NaN: not recorded).");
  list_field(v, "bounds", "Certificate", r.bounds, "Each trajectory bound, applicable or with what it is missing.");
}

}  // namespace itbound
