#pragma once
// Leave-one-out CMI bounds on the expected risk of a learner trained on n points, from the per-supersample
// evaluated loo-CMI estimates of estimators::estimate_loo_cmi. Derivations: bounds/LOO-CMI.md.
#include <string>
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

struct LooShape {
  std::int64_t k1 = 0, k2 = 0, n = 0, points = 0;
};
struct LooDesignReport {
  bool exhaustive = false;
  std::int64_t repeats = 0;
  std::string learner;
  bool exact = false;
  std::string note;
};
struct LooCmiMeans {
  double loo_cmi = 0, loo_cmi_spread = 0, loo_cmi_max = 0;
};
struct LooPerSupersample {
  std::vector<double> loo_cmi, loo_error;
};

// The result of `itbound loo-cmi`: the estimates, every bound and the certified upper limit on the expected risk
// from the k1 supersamples' leave-one-out errors.
struct LooCmiReport {
  std::string summary;
  double train_error = 0, loo_error = 0, gap = 0;
  LooShape shape;
  std::string correction;
  LooDesignReport design;
  LooCmiMeans estimates;
  LooPerSupersample per_supersample;
  std::vector<Certificate> bounds;
};

// Validates the runs (InvalidArgument naming the field); delta is the upper limit's confidence.
LooCmiReport evaluate_loo_cmi(const estimators::LooRuns& runs, estimators::Correction correction, double delta = 0.05);

void visit(const LooShape& s, FieldVisitor& v);
void visit(const LooDesignReport& d, FieldVisitor& v);
void visit(const LooCmiMeans& m, FieldVisitor& v);
void visit(const LooPerSupersample& p, FieldVisitor& v);
void visit(const LooCmiReport& r, FieldVisitor& v);

}  // namespace itbound
