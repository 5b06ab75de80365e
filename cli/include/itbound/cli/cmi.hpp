#pragma once
// The cmi command on runs already in memory or on merged shard statistics: the Python array entry points
// (itbound.cmi(mask=..., loss=...), itbound.supersample_stats, itbound.cmi_from_stats) share it with the CLI.
#include <vector>

#include "itbound/cli/command.hpp"
#include "itbound/estimators/supersample_stats.hpp"

namespace itbound::cli {

// `args` holds the cmi command's arguments without runs (cmi_array_params); the result is the command's.
Json cmi_result(const estimators::SupersampleView& runs, const Args& args);
// The same from statistics, without bootstrap (it resamples runs) and loss range (fixed by the statistics).
Json cmi_result(const estimators::SupersampleStats& stats, const Args& args);

// The bias correction named by the correction argument.
estimators::Correction correction_of(const Args& args);

std::vector<Param> cmi_array_params();  // cmi's parameters without runs
std::vector<Param> cmi_stats_params();  // ... without runs, loss-min, loss-max, bootstrap
std::vector<Param> cmi_shard_params();  // loss-min, loss-max and the shard's supersample/run/pair offsets

}  // namespace itbound::cli
