#pragma once
// The cmi command's arguments for runs already in memory or merged shard statistics: the Python array entry points
// (itbound.cmi(mask=..., loss=...), itbound.supersample_stats, itbound.cmi_from_stats) share them with the CLI.
#include <vector>

#include "itbound/bounds/cmi_report.hpp"
#include "itbound/cli/command.hpp"

namespace itbound::cli {

// The core options from validated cmi arguments.
CmiOptions cmi_options(const Args& args);
// The `correction` argument of cmi and loo-cmi.
estimators::Correction correction_of(const Args& args);

// Derived from the cmi command's one parameter list.
std::vector<Param> cmi_array_params();  // cmi's parameters without runs
std::vector<Param> cmi_stats_params();  // ... without runs, loss-min, loss-max, interval, bootstrap
std::vector<Param> cmi_shard_params();  // loss-min, loss-max and the shard's supersample/run/pair offsets

}  // namespace itbound::cli
