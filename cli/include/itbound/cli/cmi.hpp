#pragma once
// The cmi command on runs already in memory or on merged shard statistics: the Python array entry points
// (itbound.cmi(mask=..., loss=...), itbound.supersample_stats, itbound.cmi_from_stats) share it with the CLI.
#include <vector>

#include "itbound/cli/command.hpp"
#include "itbound/estimators/supersample_stats.hpp"

namespace itbound::cli {

// `args` holds the cmi command's arguments without runs (cmi_array_params); the result is the command's.
Json cmi_result(const estimators::SupersampleView& runs, const Args& args);
// The same from statistics (cmi_stats_params): no interval (it leaves out or resamples runs), no k-NN estimator (it reads
// raw losses: an InvalidArgument naming estimator), the loss range fixed by the statistics.
Json cmi_result(const estimators::SupersampleStats& stats, const Args& args);
// The statistics' per-pair estimates under the correction argument.
estimators::CmiEstimates cmi_estimates(const estimators::SupersampleStats& stats, const Args& args);

// Derived from the cmi command's one parameter list.
std::vector<Param> cmi_array_params();  // cmi's parameters without runs
std::vector<Param> cmi_stats_params();  // ... without runs, loss-min, loss-max, interval, bootstrap
std::vector<Param> cmi_shard_params();  // loss-min, loss-max and the shard's supersample/run/pair offsets

}  // namespace itbound::cli
