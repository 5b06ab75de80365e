#pragma once
// Readers for leave-one-out runs (format: data/SCHEMA.md, "Leave-one-out runs"). The file type is chosen by
// extension: .npz (arrays loss, left_out), .json (the same names as nested arrays), .csv (long form).
#include <filesystem>
#include <span>
#include <string>

#include "itbound/data/runs_format.hpp"
#include "itbound/estimators/loo.hpp"

namespace itbound::data {

// Reads and validates; loss_min/loss_max declare the loss range the checks and bounds use.
// From bytes already in memory (`what` names the source in errors); used by the fuzz harness.
estimators::LooRuns parse_loo_runs(std::span<const unsigned char> bytes, RunsFormat format, const std::string& what,
                                   double loss_min = 0.0, double loss_max = 1.0);

estimators::LooRuns read_loo_runs(const std::filesystem::path& path, double loss_min = 0.0, double loss_max = 1.0);

}  // namespace itbound::data
