#include "itbound/bounds/trajectory.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "itbound/error.hpp"
#include "itbound/solvers/rounding.hpp"

namespace itbound {

namespace {

bool present(double x) { return !std::isnan(x); }

// Present fields must be finite and >= 0 (> 0 when strict); absent ones are NaN.
void check_field(double x, const std::string& field, bool strict) {
  if (!present(x)) return;
  if (!std::isfinite(x) || x < 0.0 || (strict && x == 0.0))
    throw InvalidArgument(field, std::string("must be a finite number ") + (strict ? "> 0" : ">= 0") + ", got " +
                                     format_number(x));
}

// Noise variance of the step, or NaN. Both forms given: the smaller variance, whose bound is larger.
double noise_variance(const StepStats& s) {
  double var = StepStats::missing;
  if (present(s.noise_std)) var = s.noise_std * s.noise_std;
  if (present(s.inverse_temperature)) {
    const double sgld = 2.0 * s.step_size / s.inverse_temperature;  // SGLD: sqrt(2 eta / beta) N(0, I)
    var = present(var) ? std::min(var, sgld) : sgld;
  }
  return present(var) ? round_down(var) : var;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

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
  if (info_.subgaussian) check_field(*info_.subgaussian, "subgaussian", true);
}

void TrajectoryAccumulator::add_step(const StepStats& s) {
  const std::string at = "step[" + std::to_string(steps_) + "].";
  if (!present(s.step_size)) fail((at + "step_size").c_str(), "is required");
  check_field(s.step_size, at + "step_size", true);
  check_field(s.noise_std, at + "noise_std", true);
  check_field(s.inverse_temperature, at + "inverse_temperature", true);
  check_field(s.gradient_bound, at + "gradient_bound", false);
  check_field(s.gradient_variance, at + "gradient_variance", false);
  check_field(s.incoherence_sq, at + "incoherence_sq", false);
  check_field(s.two_sample_incoherence, at + "two_sample_incoherence", false);
  if (s.batch_size < 0) fail((at + "batch_size").c_str(), "must be >= 0");

  const double var = noise_variance(s);
  if (present(var)) min_noise_var_ = std::min(min_noise_var_, var);
  const double eta2 = round_up(s.step_size * s.step_size);
  const double d = static_cast<double>(info_.dimension);

  // Pensia, Jog & Loh (2018), Theorem 1 / Lemma: I(S; W_t | W_{t-1}) <= (d/2) ln(1 + eta^2 L^2 / (d sigma^2)).
  pensia_.need("noise_std or inverse_temperature", present(var));
  pensia_.need("gradient_bound", present(s.gradient_bound));
  if (present(var) && present(s.gradient_bound)) {
    const double snr = round_up(round_up(eta2 * s.gradient_bound * s.gradient_bound) / (d * var));
    pensia_.sum = round_up(pensia_.sum + round_up(0.5 * d * round_up(std::log1p(snr))));
  }

  // Negrea et al. (2019), Lemma/Thm on SGLD: per-step KL of two Gaussians with equal covariance sigma^2 I and
  // means differing by eta (g - zeta): eta^2 ||g - zeta||^2 / (2 sigma^2)  (= beta eta ||xi||^2 / 4 for SGLD).
  negrea_.need("noise_std or inverse_temperature", present(var));
  negrea_.need("incoherence_sq", present(s.incoherence_sq));
  if (present(var) && present(s.incoherence_sq))
    negrea_.sum = round_up(negrea_.sum + round_up(round_up(eta2 * s.incoherence_sq) / (2.0 * var)));
  ++steps_;
}

const std::vector<std::string>& TrajectoryAccumulator::bound_names() {
  static const std::vector<std::string> names = {"pensia", "negrea"};
  return names;
}

std::vector<Certificate> TrajectoryAccumulator::certificates() const {
  const double range = info_.loss_max - info_.loss_min;
  const double s = info_.subgaussian ? *info_.subgaussian : round_up(0.5 * range);

  // Xu & Raginsky (2017), Theorem 1: |E gen| <= sqrt(2 s^2 I / n_eff) for s-sub-Gaussian losses.
  const auto make = [&](const std::string& name, const Term& term, std::int64_t n_eff, std::vector<std::string> needed) {
    Certificate c;
    c.name = name;
    c.inputs = {{"dimension", info_.dimension}, {"n", info_.n},         {"prior_examples", info_.prior_examples},
                {"steps", steps_},              {"loss_min", info_.loss_min}, {"loss_max", info_.loss_max},
                {"subgaussian", s},             {"gradient_bound_global", info_.gradient_bound_global}};
    c.details = {{"guarantee", std::string("bound on the expected generalization gap, not a high-probability bound")},
                 {"needed", join(needed)},
                 {"missing", join(term.missing)},
                 {"n_effective", n_eff}};
    if (steps_ == 0 || !term.missing.empty()) {
      c.valid = false;
      c.invalid_reason = steps_ == 0 ? "no steps" : "not applicable: missing " + join(term.missing);
      return c;
    }
    const double info_term = term.sum;
    const double raw = round_up(std::sqrt(round_up(round_up(2.0 * s * s * info_term) / static_cast<double>(n_eff))));
    c.set_value(raw, range);
    c.details.push_back({"information_nats", info_term});
    if (info_.subgaussian)
      c.add_assumption("subgaussian", "the loss is s-sub-Gaussian under the data distribution for every w",
                       Holds::unchecked, "s given by the producer of the trajectory");
    else
      c.add_assumption("subgaussian", "the loss lies in [loss_min, loss_max], so it is (b-a)/2-sub-Gaussian (Hoeffding)",
                       Holds::unchecked, "loss values are not part of the trajectory");
    c.add_assumption("gaussian_noise", "each step adds isotropic Gaussian noise independent of the data and the past",
                     Holds::unchecked, "noise draws are not part of the trajectory; smallest noise std given: " +
                                           format_number(std::sqrt(min_noise_var_)));
    return c;
  };

  std::vector<Certificate> out;
  Certificate p = make("pensia", pensia_, info_.n, {"step_size", "noise_std or inverse_temperature", "gradient_bound"});
  if (pensia_.missing.empty() && steps_ > 0)
    p.add_assumption("gradient_bound", "||g_t(w, batch)|| <= L_t for every w and every batch",
                     info_.gradient_bound_global ? Holds::yes : Holds::no,
                     info_.gradient_bound_global ? "declared a global bound (e.g. clipping)"
                                                 : "gradient_bound is only the maximum observed along the run");
  p.reference = {"Pensia, Jog & Loh (2018), Generalization error bounds for noisy, iterative algorithms, ISIT; "
                 "Xu & Raginsky (2017), NeurIPS",
                 "Pensia et al. Theorem 1 (Gaussian noise, bounded gradient); Xu & Raginsky Theorem 1"};
  out.push_back(std::move(p));

  Certificate q = make("negrea", negrea_, info_.n - info_.prior_examples,
                       {"step_size", "noise_std or inverse_temperature", "incoherence_sq", "prior_examples"});
  if (negrea_.missing.empty() && steps_ > 0) {
    q.add_assumption("forecast", "the forecast zeta_t depends only on S_J, past iterates and the shared minibatch indices",
                     Holds::unchecked, "cannot be checked from the trajectory");
    q.add_assumption("one_run_kl", "the summed KL is the expected KL given S; one run gives a plug-in estimate",
                     Holds::unchecked, "the gap bounded is E[risk - empirical risk on the n - m examples outside S_J]");
  }
  q.reference = {"Negrea, Haghifam, Dziugaite, Khisti & Roy (2019), Information-theoretic generalization bounds for "
                 "SGLD via data-dependent estimates, NeurIPS; Xu & Raginsky (2017)",
                 "Negrea et al. Sec. 4 (SGLD KL chain rule, incoherence); Xu & Raginsky Theorem 1 given S_J"};
  out.push_back(std::move(q));
  return out;
}

}  // namespace itbound
