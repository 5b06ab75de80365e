#pragma once
// Information-theoretic bounds on the EXPECTED generalization gap of noisy iterative training
// (SGLD, Langevin dynamics), accumulated step by step with O(1) memory in the number of steps.
// Derivations of every constant: bounds/TRAJECTORY.md.
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
  double gradient_variance = missing;    // minibatch-gradient variance (validated; no verified bound uses it)
  double incoherence_sq = missing;       // ||g_t - zeta_t||^2, zeta_t the prior's forecast from S_J
  double two_sample_incoherence = missing;  // Haghifam et al. 2020 statistic (validated; bound not implemented)
};

// The per-step vocabulary, declared once: it drives the file readers (JSON, JSON lines, NPZ), the Python
// add_step keywords and the validation messages. Field names are the keys of data/TRAJECTORY-SCHEMA.md.
struct StepField {
  enum class Kind { positive, nonnegative, count };  // > 0; >= 0; an integer >= 1
  const char* name;
  double StepStats::*member;
  Kind kind;
  const char* doc;
};

inline constexpr std::array<StepField, 9> step_fields = {{
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
     "minibatch-gradient variance (no verified bound uses it yet)"},
    {"incoherence_sq", &StepStats::incoherence_sq, StepField::Kind::nonnegative,
     "||g_t - zeta_t||^2, zeta_t the forecast from the prior's examples S_J"},
    {"two_sample_incoherence", &StepStats::two_sample_incoherence, StepField::Kind::nonnegative,
     "Langevin-CMI statistic of Haghifam et al. (2020) (no bound implemented)"},
}};

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
};

// Streaming accumulator: add_step once per step, certificates() at any time. Keeps running sums only.
class TrajectoryAccumulator {
public:
  explicit TrajectoryAccumulator(TrajectoryInfo info);  // throws InvalidArgument naming the field
  void add_step(const StepStats& step);                 // throws InvalidArgument("step[t].field", ...)
  std::int64_t steps() const { return steps_; }
  const TrajectoryInfo& info() const { return info_; }
  // One certificate per name in bound_names(), in that order; a bound lacking inputs has valid = false,
  // value NaN and its missing fields in detail "missing"; one whose theorem is not implemented says so.
  std::vector<Certificate> certificates() const;
  static const std::vector<std::string>& bound_names();

private:
  struct Term {
    double sum = 0.0;                   // accumulated information (or KL) term, nats
    std::vector<std::string> missing;   // field names absent in at least one step (first occurrence each)
    void need(const char* field, bool present);
  };
  TrajectoryInfo info_;
  std::int64_t steps_ = 0;
  long double min_noise_var_ = std::numeric_limits<long double>::infinity();  // echoed with the noise assumption
  Term pensia_, negrea_, li_;
  std::int64_t minibatch_steps_ = 0;  // steps with batch_size < n: Li et al. Theorem 9 is full-batch only
};

}  // namespace itbound
