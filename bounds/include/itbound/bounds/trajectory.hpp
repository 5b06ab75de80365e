#pragma once
// Information-theoretic bounds on the EXPECTED generalization gap of noisy iterative training
// (SGLD, Langevin dynamics), accumulated step by step with O(1) memory in the number of steps.
// Derivations of every constant: bounds/TRAJECTORY.md.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"

namespace itbound {

// One step W_t = psi_t(W_{t-1}) - eta_t g_t + N(0, sigma_t^2 I_d): psi_t is any data-independent map
// (weight decay, projection), g_t the data-dependent drift (minibatch gradient). Absent fields are NaN
// (or 0 for batch_size); a bound that needs an absent field is reported as not applicable.
struct StepStats {
  static constexpr double missing = std::numeric_limits<double>::quiet_NaN();
  double step_size = missing;            // eta_t > 0
  double noise_std = missing;            // sigma_t > 0 per coordinate; or give inverse_temperature
  double inverse_temperature = missing;  // beta_t > 0: SGLD noise sigma_t^2 = 2 eta_t / beta_t
  std::int64_t batch_size = 0;           // echoed only
  double gradient_bound = missing;       // L_t >= ||g_t||: a bound over all w and data, or the step's observed max
  double gradient_variance = missing;    // minibatch-gradient variance (echoed; no verified bound uses it yet)
  double incoherence_sq = missing;       // ||g_t - zeta_t||^2, zeta_t the prior's forecast from S_J
  double two_sample_incoherence = missing;  // Haghifam et al. 2020 statistic (echoed; bound not implemented)
};

struct TrajectoryInfo {
  std::int64_t dimension = 0;       // d, number of parameters receiving noise
  std::int64_t n = 0;               // training examples
  std::int64_t prior_examples = 0;  // m = |S_J|: examples the data-dependent prior (forecast) saw
  double loss_min = 0.0;            // range [a, b] of the loss whose gap is bounded
  double loss_max = 1.0;
  std::optional<double> subgaussian;  // sub-Gaussian parameter s of the loss; default (b - a) / 2
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
  // One certificate per bound, in a fixed order ("pensia", "negrea"); a bound lacking inputs has
  // valid = false, value NaN and its missing fields in detail "missing".
  std::vector<Certificate> certificates() const;
  static const std::vector<std::string>& bound_names();

private:
  struct Term {
    double sum = 0.0;                   // accumulated information term (nats)
    std::vector<std::string> missing;   // field names absent in at least one step (first occurrence each)
    void need(const char* field, bool present);
  };
  TrajectoryInfo info_;
  std::int64_t steps_ = 0;
  double min_noise_var_ = std::numeric_limits<double>::infinity();  // echoed with the noise assumption
  Term pensia_, negrea_;
};

}  // namespace itbound
