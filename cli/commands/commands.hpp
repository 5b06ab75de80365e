#pragma once
// One function per command file; registry.cpp lists them in the order --help shows them.
#include "itbound/cli/command.hpp"
#include "itbound/estimators/supersample_stats.hpp"

namespace itbound::cli {

Command kl_inverse_command();
Command test_set_command();
Command pac_bayes_command();
Command prior_command();
Command self_certify_command();
Command trajectory_command();
Command mi_bound_command();
Command cmi_command();
// The cmi command on runs already in memory, or on merged shard statistics (no bootstrap: it resamples
// runs); the Python array entry points. Their parameters: cmi's without runs (and, for statistics, without
// the loss range and bootstrap, which the statistics fix); a shard's: the loss range and its offsets.
Json cmi_result(const estimators::SupersampleView& runs, const Args& args);
Json cmi_result(const estimators::SupersampleStats& stats, const Args& args);
std::vector<Param> cmi_array_params();
std::vector<Param> cmi_stats_params();
std::vector<Param> cmi_shard_params();

// The prior-std grid top * exp(-j / b), j = 0..count-1 (Dziugaite & Roy 2017), shared by prior and self-certify.
std::vector<Param> with_prior_scale_grid(std::vector<Param> params);  // appends scale-top, scale-b, scale-count
std::vector<double> prior_scale_grid(const Args& args);

}  // namespace itbound::cli
