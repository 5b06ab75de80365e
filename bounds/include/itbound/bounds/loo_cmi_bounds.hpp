#pragma once
// Leave-one-out CMI bounds on the expected risk of a learner trained on n points, from the per-supersample
// evaluated loo-CMI estimates of estimators::estimate_loo_cmi. Derivations: bounds/LOO-CMI.md.
#include <vector>

#include "itbound/bounds/certificate.hpp"
#include "itbound/estimators/loo.hpp"

namespace itbound {

struct LooBoundInput {
  const estimators::LooRuns* runs;
  const estimators::LooEstimates* estimates;
  estimators::Correction correction;
};

// loo-ecmi-sqrt (losses in [a, b]), then for interpolating 0-1 learners loo-interpolating-upper and
// loo-interpolating-lower (a lower bound on the risk: details "direction" says which way each bound goes).
// Every bound needs an exhaustive design (each index left out equally often in every supersample).
std::vector<Certificate> loo_cmi_bounds(const LooBoundInput& in);

}  // namespace itbound
