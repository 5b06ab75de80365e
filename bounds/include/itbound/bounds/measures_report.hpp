#pragma once
// The result of `itbound measures` (and itbound.measures in Python): which generalization measures rank a grid of
// trained runs by their gap, and how robustly. Per measure: the distributionally robust sign-error of Dziugaite et
// al. (NeurIPS 2020) over all environments and per hyper-parameter varied, and the PGDL competition score
// (estimators/sign_error.hpp; rules and sources in bounds/MEASURES.md). These are statistics of the runs given,
// not bounds: nothing here holds with a stated probability.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "itbound/estimators/column_table.hpp"
#include "itbound/report.hpp"

namespace itbound {

struct MeasuresOptions {
  std::string gap;                    // column of the generalization gap (e.g. train accuracy - test accuracy)
  std::vector<std::string> hparams;   // hyper-parameter columns
  std::vector<std::string> measures;  // measure columns; empty: every other numeric column
  std::vector<std::string> negate;    // measures where a larger value should mean a smaller gap
  std::optional<std::string> seed;    // optional seed column: checked unique per combination, never a measure
  double test_size = 0;               // examples each gap was measured on (the noise filter's n)
  double min_ess = 12;                // environments with a smaller effective sample size are dropped
  bool noise_filter = true;
  double hparam_rtol = 1e-6;          // numeric hyper-parameter values this close (relative) are equal
  bool per_environment = false;       // list every kept environment's sign-errors
};

// Weighted mean sign-errors of the kept environments, each counted in both orders as in the authors' code.
struct SignErrorStats {
  std::optional<double> mean, p90, max;  // null when no environment was kept
  std::int64_t environments = 0;
};

struct HparamSignError {
  std::string hparam;
  SignErrorStats stats;
};

struct MeasureRanking {
  std::int64_t rank = 0;
  std::string name;
  SignErrorStats robust;
  std::optional<double> pgdl;  // 0-100; null when not computed (MeasuresReport::pgdl_status says why)
  bool negated = false;
  std::vector<HparamSignError> per_hparam;
  std::vector<std::string> pgdl_worst_pair;
};

struct EnvironmentCount {
  std::string hparam;
  std::int64_t levels = 0;
  std::int64_t kept = 0, dropped_low_ess = 0;  // environments, both orders
  std::int64_t missing = 0;  // (combination, other value) pairs without runs at the coupled combination: skipped
};

// Every kept environment once (it stands for both orders): for the CDF figures.
struct EnvironmentTable {
  std::vector<std::string> measures;  // columns of `loss`, in the order of MeasuresReport::measures
  std::vector<std::string> hparam, from, to;
  std::vector<double> ess;
  std::vector<double> loss;  // environments x measures
};

struct MeasuresReport {
  std::string summary;
  std::string gap;
  std::vector<std::string> hparams;
  std::int64_t runs = 0, combinations = 0, min_runs_per_combination = 0, max_runs_per_combination = 0;
  double test_size = 0, min_ess = 0, hparam_rtol = 0;
  bool noise_filter = true;
  std::optional<double> min_gap_difference;  // the smallest gap difference a pair needs to weigh (noise filter)
  std::int64_t environments_kept = 0, environments_dropped = 0, environments_missing = 0;
  std::string pgdl_status;
  std::vector<MeasureRanking> measures;  // ranked by robust sign-error: max, then p90, then mean
  std::vector<EnvironmentCount> environments;
  std::vector<std::string> notes;
  std::optional<EnvironmentTable> per_environment;
};

// Errors name the field: gap, hparams, measures, negate, seed, test-size, min-ess, hparam-rtol.
MeasuresReport evaluate_measures(const estimators::ColumnTable& table, const MeasuresOptions& options);

void visit(const SignErrorStats& s, FieldVisitor& v);
void visit(const HparamSignError& h, FieldVisitor& v);
void visit(const MeasureRanking& m, FieldVisitor& v);
void visit(const EnvironmentCount& e, FieldVisitor& v);
void visit(const EnvironmentTable& t, FieldVisitor& v);
void visit(const MeasuresReport& r, FieldVisitor& v);

}  // namespace itbound
