#pragma once
// Supersample CMI bounds on the expected held-out error, from the per-pair estimates of
// estimators::estimate_cmi. Each bound is reported as train error + bound on the expected gap.
#include <vector>

#include "itbound/bounds/certificate.hpp"
#include "itbound/estimators/supersample.hpp"

namespace itbound {

struct CmiBoundInput {
  const estimators::SupersampleRuns* runs;  // shape and declared loss range (the arrays may be empty)
  const estimators::CmiEstimates* estimates;
  estimators::Correction correction;
};

// Square-root forms: fcmi-sqrt (if predictions given), ecmi-sqrt, ldcmi-sqrt, ldmi-sqrt;
// then ldmi-interpolating (valid only for 0-1 losses with zero training error on every run).
std::vector<Certificate> cmi_bounds(const CmiBoundInput& in);

}  // namespace itbound
