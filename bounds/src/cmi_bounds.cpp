#include "itbound/bounds/cmi_bounds.hpp"

#include <cmath>
#include <numbers>
#include <string>

namespace itbound {
namespace {

using estimators::CmiEstimates;
using estimators::SupersampleRuns;

const char* correction_name(estimators::Correction c) {
  return c == estimators::Correction::none ? "none" : c == estimators::Correction::miller_madow ? "miller-madow" : "jackknife";
}

Certificate base(const std::string& name, const CmiBoundInput& in, Reference ref) {
  const auto& r = *in.runs;
  Certificate c;
  c.name = name;
  c.reference = std::move(ref);
  c.inputs = {{"k1", r.k1}, {"k2", r.k2}, {"n", r.n}, {"loss_min", r.loss_min}, {"loss_max", r.loss_max},
              {"correction", std::string(correction_name(in.correction))}, {"train_error", in.estimates->train_error}};
  c.add_assumption("estimated_information",
                   "the bound holds for the true (conditional) mutual information; the value uses its estimate from "
                   "the finite runs (plug-in estimates are biased upward for independent pairs)",
                   Holds::unchecked);
  c.add_assumption("expectation", "bounds the expected held-out error over supersamples, selectors and training "
                   "randomness, not the error of one trained model", Holds::unchecked);
  return c;
}

// (1/n) sum_i E_s[(b - a) sqrt(2 I_{s,i})]: per supersample s the pair average, then mean and spread over s.
// (b - a) rescales a loss in [a, b]: the loss difference of a pair is then (b - a)-sub-Gaussian given U.
Certificate sqrt_bound(const std::string& name, const std::vector<double>& per, std::size_t groups,
                       const CmiBoundInput& in, Reference ref) {
  const auto& r = *in.runs;
  const double width = r.loss_max - r.loss_min;
  const std::size_t n = static_cast<std::size_t>(r.n);
  std::vector<double> group_value(groups, 0.0);
  double info = 0;
  for (std::size_t s = 0; s < groups; ++s) {
    for (std::size_t i = 0; i < n; ++i) {
      group_value[s] += width * std::sqrt(2 * per[s * n + i]) / static_cast<double>(n);
      info += per[s * n + i] / static_cast<double>(n * groups);
    }
  }
  double mean = 0, var = 0;
  for (double v : group_value) mean += v / static_cast<double>(groups);
  for (double v : group_value) var += (v - mean) * (v - mean);
  const double spread = groups > 1 ? std::sqrt(var / static_cast<double>(groups - 1)) : 0.0;
  Certificate c = base(name, in, std::move(ref));
  c.set_value(in.estimates->train_error + mean, r.loss_max);
  c.details = {{"gap_bound", mean}, {"mean_information", info}, {"spread", spread},
               {"spread_over", std::string(groups > 1 ? "supersamples (sample std of the gap bound)" : "none")}};
  return c;
}

}  // namespace

std::vector<Certificate> cmi_bounds(const CmiBoundInput& in) {
  const auto& e = *in.estimates;
  const auto k1 = static_cast<std::size_t>(in.runs->k1);
  std::vector<Certificate> out;
  if (!e.fcmi.empty())
    out.push_back(sqrt_bound("fcmi-sqrt", e.fcmi, k1, in,
                             {"Harutyunyan, Raginsky, Ver Steeg & Galstyan (2021), NeurIPS",
                              "f-CMI per-sample square-root bound (theorem number to verify)"}));
  out.push_back(sqrt_bound("ecmi-sqrt", e.ecmi, k1, in,
                           {"Hellstrom & Durisi (2022), NeurIPS", "samplewise e-CMI square-root bound (theorem number to verify)"}));
  out.push_back(sqrt_bound("ldcmi-sqrt", e.ldcmi, k1, in,
                           {"Wang & Mao (2023), ICLR", "loss-difference CMI square-root bound (theorem number to verify)"}));
  out.push_back(sqrt_bound("ldmi-sqrt", e.ldmi, 1, in,
                           {"Wang & Mao (2023), ICLR", "unconditional ld-MI square-root bound (theorem number to verify)"}));

  // Interpolating 0-1 learners: held-out error = (1/n) sum_i I(Delta_i; U_i) / ln 2 (Wang & Mao 2023).
  const auto& r = *in.runs;
  const bool zero_one = r.loss_min == 0.0 && r.loss_max == 1.0 && e.zero_one;
  double info = 0;
  for (double v : e.ldmi) info += v / static_cast<double>(e.ldmi.size());
  Certificate c = base("ldmi-interpolating", in,
                       {"Wang & Mao (2023), ICLR", "interpolating-algorithm identity for ld-MI (theorem number to verify)"});
  c.add_assumption("zero_one_loss", "losses take values in {0, 1}", zero_one ? Holds::yes : Holds::no,
                   zero_one ? "" : "a loss value other than 0 or 1 was found (or the declared range is not [0, 1])");
  c.add_assumption("interpolating", "training error is 0 on every run", e.interpolating ? Holds::yes : Holds::no,
                   e.interpolating ? "" : "some run has a nonzero training loss");
  c.set_value(info / std::numbers::ln2, 1.0);
  c.details = {{"mean_information", info}, {"spread", 0.0}};
  out.push_back(std::move(c));
  return out;
}

}  // namespace itbound
