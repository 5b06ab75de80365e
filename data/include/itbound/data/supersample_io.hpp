#pragma once
// Readers for supersample runs (format: data/SCHEMA.md). The file type is chosen by extension:
// .npz (arrays mask, loss, optional pred), .json (the same names as nested arrays), .csv (long form).
#include <filesystem>
#include <span>
#include <string>

#include "itbound/data/runs_format.hpp"
#include "itbound/estimators/supersample.hpp"

namespace itbound::data {

// Reads and validates; loss_min/loss_max declare the loss range the checks and bounds use.
// The same from bytes already in memory (`what` names the source in errors); used by the fuzz harness.
estimators::SupersampleRuns parse_supersample_runs(std::span<const unsigned char> bytes, RunsFormat format,
                                                   const std::string& what, double loss_min = 0.0, double loss_max = 1.0);

estimators::SupersampleRuns read_supersample_runs(const std::filesystem::path& path, double loss_min = 0.0,
                                                  double loss_max = 1.0);

}  // namespace itbound::data
