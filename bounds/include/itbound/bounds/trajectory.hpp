#pragma once
// Information-theoretic bounds on the EXPECTED generalization gap of noisy iterative training
// (SGLD, Langevin dynamics) and of SGD (through virtual perturbations), accumulated step by step with O(1)
// memory in the number of steps. Derivations of every constant: bounds/TRAJECTORY.md.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"

namespace itbound {

// One step W_t = psi_t(W_{t-1}) - eta_t g_t + N(0, sigma_t^2 I_d): psi_t is any data-independent map
// (weight decay, projection), g_t the data-dependent drift (minibatch gradient). Absent fields are NaN;
// a bound that needs an absent field is reported as not applicable.
struct StepStats {
  static constexpr double missing = std::numeric_limits<double>::quiet_NaN();
  double step_size = missing;            // eta_t > 0
  double noise_std = missing;            // sigma_t > 0 per coordinate; or give inverse_temperature
  double inverse_temperature = missing;  // beta_t > 0: SGLD noise sigma_t^2 = 2 eta_t / beta_t
  double batch_size = missing;           // examples in the step's minibatch (an integer >= 1)
  double gradient_bound = missing;       // L_t >= ||g_t||: a bound over all w and data, or the step's observed max
  double gradient_sq_mean = missing;     // (1/n) sum_i ||h(W_{t-1}, z_i)||^2 over all n examples, h the per-example drift
  double gradient_variance = missing;    // V_t: ||g_t - g_bar(W_t)||^2, g_bar the population gradient (held-out estimate)
  double incoherence_sq = missing;       // ||g_t - zeta_t||^2, zeta_t the prior's forecast from S_J
  double two_sample_incoherence = missing;  // ||grad l(W_t, Z_J1) - grad l(W_t, Z_J2)||^2 (supersample pair J)
  double noise_alignment = missing;      // <grad l(W_t, unselected) - grad l(W_t, selected), eps_t>, eps_t ~ N(0, I)
  double perturbation_std = missing;     // sigma_t > 0 of the virtual perturbation (Neu et al.), declared before the run
  double gradient_sensitivity = missing;  // Gamma_t: E ||g_bar(W_t) - g_bar(W_t + xi)||^2, xi ~ N(0, sigma_{1:t}^2 I)
};

// The per-step vocabulary, declared once: it drives the file readers (JSON, JSON lines, NPZ), the Python
// add_step keywords and the validation messages. Field names are the keys of data/TRAJECTORY-SCHEMA.md.
struct StepField {
  enum class Kind { positive, nonnegative, count, real };  // > 0; >= 0; an integer >= 1; any finite number
  const char* name;
  double StepStats::*member;
  Kind kind;
  const char* doc;
};

inline constexpr std::array<StepField, 12> step_fields = {{
    {"step_size", &StepStats::step_size, StepField::Kind::positive, "eta_t > 0 (required)"},
    {"noise_std", &StepStats::noise_std, StepField::Kind::positive, "sigma_t > 0, per-coordinate Gaussian noise std"},
    {"inverse_temperature", &StepStats::inverse_temperature, StepField::Kind::positive,
     "beta_t > 0; SGLD noise variance 2 eta_t / beta_t"},
    {"batch_size", &StepStats::batch_size, StepField::Kind::count, "examples in the step's minibatch"},
    {"gradient_bound", &StepStats::gradient_bound, StepField::Kind::nonnegative,
     "L_t >= ||g_t||, the data-dependent drift (weight decay excluded)"},
    {"gradient_sq_mean", &StepStats::gradient_sq_mean, StepField::Kind::nonnegative,
     "mean over all n training examples of the squared norm of the per-example drift at W_{t-1}"},
    {"gradient_variance", &StepStats::gradient_variance, StepField::Kind::nonnegative,
     "V_t: squared distance of the step's gradient from the population gradient (estimated with held-out data)"},
    {"incoherence_sq", &StepStats::incoherence_sq, StepField::Kind::nonnegative,
     "||g_t - zeta_t||^2, zeta_t the forecast from the prior's examples S_J"},
    {"two_sample_incoherence", &StepStats::two_sample_incoherence, StepField::Kind::nonnegative,
     "||grad l(W_t, Z_J1) - grad l(W_t, Z_J2)||^2, the two candidates of the tracked supersample pair J"},
    {"noise_alignment", &StepStats::noise_alignment, StepField::Kind::real,
     "<grad l(W_t, unselected candidate) - grad l(W_t, selected candidate), eps_t>, eps_t the step's standard "
     "normal draw (noise added = sigma_t eps_t)"},
    {"perturbation_std", &StepStats::perturbation_std, StepField::Kind::positive,
     "sigma_t > 0 of the virtual perturbation (Neu et al. 2021), a schedule fixed before the run"},
    {"gradient_sensitivity", &StepStats::gradient_sensitivity, StepField::Kind::nonnegative,
     "Gamma_t: mean ||g_bar(W_t) - g_bar(W_t + xi)||^2 over xi ~ N(0, sigma_{1:t}^2 I), held-out gradients"},
}};

// Measured once at the end of the run, on the output W (the last iterate). All optional.
struct ValueSensitivity {
  double level = 0.0;  // sigma: per-coordinate std of the perturbation xi ~ N(0, sigma^2 I)
  double train = 0.0;  // Delta_sigma(W, S) = L(W, S) - E L(W + xi, S), estimated by Monte Carlo over xi
  double test = 0.0;   // Delta_sigma(W, S') on a held-out sample S'
};
struct FinalStats {
  static constexpr double missing = std::numeric_limits<double>::quiet_NaN();
  double train_loss = missing;  // the bounded loss of W averaged over the training set
  double test_loss = missing;   // ... over held-out data (the unselected supersample halves, or a test set)
  std::vector<ValueSensitivity> value_sensitivity = {};  // Neu et al.'s Delta terms, one entry per level measured
};

struct TrajectoryInfo {
  std::int64_t dimension = 0;       // d, number of parameters receiving noise
  std::int64_t n = 0;               // training examples
  std::int64_t prior_examples = 0;  // m = |S_J|: examples the data-dependent prior (forecast) saw
  double loss_min = 0.0;            // range [a, b] of the loss whose gap is bounded
  double loss_max = 1.0;
  std::optional<double> subgaussian = std::nullopt;  // sub-Gaussian parameter s of the loss; default (b - a) / 2
  // True when gradient_bound holds for every w and every example (e.g. clipping); false when it is only
  // the maximum observed along the run, which does not certify the Pensia et al. channel bound.
  bool gradient_bound_global = false;
  // Neu et al. (2021), declared before the run. smoothness mu: ||g(w, z) - g(w + u, z)|| <= mu ||u|| for all w, u, z
  // (then Gamma_sigma <= mu^2 sigma^2 d); loss_smoothness mu_l of the bounded loss (then |Delta_sigma| <= mu_l sigma^2 d / 2).
  std::optional<double> smoothness = std::nullopt;
  std::optional<double> loss_smoothness = std::nullopt;
  // The family of perturbation schedules sigma_t = scale * ratio^(t-1) (every scale with every ratio) over which
  // neu-sgd-smooth takes the smallest bound.
  std::vector<double> sigma_scales = {}, sigma_ratios = {};
};

// A perturbation level sigma_{1:T+1} = sqrt(sum_t sigma_t^2) reached at the end of the run by one schedule: where
// Neu et al.'s Delta terms are to be measured (FinalStats::value_sensitivity).
struct PerturbationLevel {
  std::string schedule;  // "perturbation_std" (the run's schedule) or "scale=...,ratio=..." (a family member)
  double level = 0.0;
};

// Streaming accumulator: add_step once per step, finish() once at the end (optional), certificates() at any time.
// Keeps running sums only: O(1) memory in the number of steps (O(K) for a declared family of K schedules).
class TrajectoryAccumulator {
public:
  explicit TrajectoryAccumulator(TrajectoryInfo info);  // throws InvalidArgument naming the field
  void add_step(const StepStats& step);                 // throws InvalidArgument("step[t].field", ...)
  void finish(FinalStats final_stats);                  // throws InvalidArgument("final.field", ...); no step after it
  std::int64_t steps() const { return steps_; }
  const TrajectoryInfo& info() const { return info_; }
  const FinalStats& final_stats() const { return final_; }
  bool finished() const { return finished_; }
  double measured_gap() const;  // final test_loss - train_loss (NaN if not recorded)
  // Levels at which the Delta terms would be used, so far (the run's schedule first, if it has perturbation_std).
  std::vector<PerturbationLevel> perturbation_levels() const;
  // One certificate per name in bound_names(), in that order; a bound lacking inputs has valid = false,
  // value NaN and its missing fields in detail "missing"; one whose theorem is not implemented says so.
  std::vector<Certificate> certificates() const;
  static const std::vector<std::string>& bound_names();

private:
  struct Term {
    double sum = 0.0;                   // accumulated information (or KL) term, nats
    std::vector<const char*> missing;   // field names absent in at least one step (first occurrence each)
    void need(const char* field, bool present);
  };
  // One member of the declared family of perturbation schedules (neu-sgd-smooth).
  struct Schedule {
    double scale = 0.0, ratio = 0.0;
    double variance = 0.0;   // sigma_t^2 of the coming step
    double level_sq = 0.0;   // sigma_{1:t}^2, the perturbation accumulated before the coming step
    double sum = 0.0;        // sum_t eta_t^2 / sigma_t^2 (mu^2 sigma_{1:t}^2 d + V_t)
  };
  double bounded(double sum) const;  // a running sum, rounded up past its exact value
  bool frame(Certificate& c, const std::string& name, const Term& term, std::vector<std::string> needed,
             std::int64_t n_eff, bool noisy, double information_per_sum) const;
  void add_haghifam(const StepStats& s, long double var);  // var: the step's noise variance (NaN: none)
  void add_neu(const StepStats& s, long double var);
  Certificate haghifam_certificate() const;
  Certificate neu_sgd_certificate() const;
  Certificate neu_sgd_smooth_certificate() const;
  Certificate neu_sgld_certificate() const;

  TrajectoryInfo info_;
  std::int64_t steps_ = 0;
  long double min_noise_var_ = std::numeric_limits<long double>::infinity();  // echoed with the noise assumption
  Term pensia_, negrea_, li_;
  std::int64_t minibatch_steps_ = 0;  // steps with batch_size < n: Li et al. Theorem 9 is full-batch only
  // Haghifam et al. (2020): sum of KL_t (theta = 1), sum of theta_t^2 KL_t for the posterior forecaster, and the
  // running log-likelihood ratio (unselected : selected) of the path so far that the forecaster is a function of.
  Term haghifam_;
  double forecast_sum_ = 0.0, log_likelihood_ratio_ = 0.0;
  bool forecaster_complete_ = true;  // noise_alignment given at every step
  // Neu et al. (2021): Theorem 1 for the run's schedule, Proposition 3, and the declared family.
  Term neu_sgd_, neu_sgld_, neu_family_;
  double perturbation_level_sq_ = 0.0;          // sigma_{1:t}^2 of the run's schedule
  std::int64_t gamma_measured_ = 0, gamma_bounded_ = 0, noisy_steps_ = 0;
  std::vector<Schedule> family_;
  FinalStats final_;
  bool finished_ = false;
};

// The result of `itbound trajectory` and of the Python accumulator: the run's header, the measured gap (when the
// final losses were recorded) and the bounds (all, or the one named `which`).
struct TrajectoryReport {
  std::string summary;
  std::string format;  // "json", "jsonl", "npz" or "python"
  std::int64_t steps = 0;
  TrajectoryInfo header;
  double train_loss = FinalStats::missing, test_loss = FinalStats::missing, gap = FinalStats::missing;
  std::vector<Certificate> bounds;
};
TrajectoryReport trajectory_report(const TrajectoryAccumulator& accumulator, const std::string& format,
                                   const std::string& which = "all");
void visit(const TrajectoryInfo& info, FieldVisitor& v);
void visit(const TrajectoryReport& r, FieldVisitor& v);

}  // namespace itbound
