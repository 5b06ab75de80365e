#pragma once
// The result of `itbound cmi` (and of itbound.cmi / cmi_from_stats in Python): from supersample runs or their
// merged statistics, chooses the estimator, estimates every information term with its spread and interval,
// evaluates every bound of bounds/cmi_bounds.hpp, and adds the one sound finite-run statement the runs allow:
// an upper confidence limit on the expected held-out error from the k1 independent supersamples.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "itbound/bounds/certificate.hpp"
#include "itbound/bounds/test_set.hpp"
#include "itbound/estimators/supersample_stats.hpp"
#include "itbound/report.hpp"

namespace itbound {

struct CmiOptions {
  estimators::Correction correction = estimators::Correction::none;
  std::string estimator = "plug-in";  // "plug-in" or "knn" (Ross's k-NN estimator for continuous losses)
  int k = 1;                          // neighbours of the k-NN estimator
  std::optional<double> total_cmi;    // I(W; U | Z~) in nats, known from elsewhere: adds cmi-total-sqrt
  std::optional<std::int64_t> compression_size;  // a compression size k of the learner: adds cmi-compression-*
  bool compression_unordered = false;            // the k points form a set of exactly k (ln C(2n, k))
  // Intervals of the mean estimates over redraws of the runs (plug-in only, with the runs at hand).
  estimators::IntervalMethod interval = estimators::IntervalMethod::jackknife;
  int bootstrap = 200;                // replicates of the bootstrap interval (0: no interval, whichever the method)
  std::function<void(double)> progress = nullptr;  // the bootstrap reports how far it is
  bool per_pair = false;              // report each pair's estimates
  double delta = 0.05;                // confidence of the held-out upper confidence limit
};

struct CmiShape {
  std::int64_t k1 = 0, k2 = 0, n = 0;
};

struct CmiMeans {
  std::optional<double> fcmi_mean;  // null without predictions
  double ecmi_mean = 0, ldcmi_mean = 0, ldmi_mean = 0, slmi_mean = 0;
  std::optional<double> emi_mean;  // the loss pair's MI pooled over all runs; null for k-NN
  // Intervals [lo, hi] of the means over run resampling (empty: not computed).
  std::vector<double> fcmi_interval, ecmi_interval, ldcmi_interval, ldmi_interval;
};

struct IntervalInfo {
  std::string method;
  double level = 0;
  std::string covers;                     // what the intervals are intervals of
  std::optional<std::int64_t> replicates;  // bootstrap
  // jackknife: standard errors of the means
  std::optional<double> fcmi_se, ecmi_se, ldcmi_se, ldmi_se;
};

struct KnnTermSummary {
  double negative_fraction = 0, pair_sd = 0, tied_fraction = 0, undetermined_fraction = 0;
};

struct KnnInfo {
  std::int64_t k = 0;
  KnnTermSummary ecmi, ldcmi, ldmi, slmi;
};

// Per pair i: f-, e- and ld-CMI averaged over the supersamples, ld-MI and single-loss MI as they are (pooled).
struct CmiPerPair {
  std::vector<double> fcmi, ecmi, ldcmi, ldmi, slmi, emi;
};

struct CmiReport {
  std::string summary;
  double train_error = 0, heldout_error = 0, gap = 0;
  CmiShape shape;
  std::string correction, estimator;
  CmiMeans estimates;
  std::optional<IntervalInfo> interval;
  std::optional<KnnInfo> knn;
  std::vector<Certificate> bounds;
  std::optional<CmiPerPair> per_pair;
};

// From statistics alone (`runs` null) there is no bootstrap (it resamples runs) and no k-NN estimator (it reads the
// raw losses: InvalidArgument naming estimator).
CmiReport evaluate_cmi(const estimators::SupersampleStats& stats, const estimators::SupersampleView* runs,
                       const CmiOptions& options);
CmiReport evaluate_cmi(const estimators::SupersampleView& runs, const CmiOptions& options);

void visit(const CmiShape& s, FieldVisitor& v);
void visit(const CmiMeans& m, FieldVisitor& v);
void visit(const IntervalInfo& m, FieldVisitor& v);
void visit(const KnnTermSummary& s, FieldVisitor& v);
void visit(const KnnInfo& k, FieldVisitor& v);
void visit(const CmiPerPair& p, FieldVisitor& v);
void visit(const CmiReport& r, FieldVisitor& v);

}  // namespace itbound
