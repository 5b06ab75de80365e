#pragma once
// One function per command file; registry.cpp lists them in the order --help shows them.
#include <optional>

#include "itbound/cli/command.hpp"
#include "itbound/estimators/kl_divergence.hpp"

namespace itbound::cli {

Command kl_inverse_command();
Command test_set_command();
Command pac_bayes_command();
Command prior_command();
Command self_certify_command();
Command trajectory_command();
Command mi_bound_command();
Command cmi_command();
Command kl_divergence_command();
Command loo_cmi_command();
Command measures_command();
Command compression_command();
Command dp_gibbs_prior_command();
Command rrm_command();

// The prior-std grid top * exp(-j / b), j = 0..count-1 (Dziugaite & Roy 2017), shared by prior and self-certify.
std::vector<Param> with_prior_scale_grid(std::vector<Param> params);  // appends scale-top, scale-b, scale-count
std::vector<double> prior_scale_grid(const Args& args);

// The KL term from --kl, --posterior/--prior (+ --family, --prior-variance grid) or --code-length-bits
// (kl_source.cpp), shared by kl-divergence and pac-bayes; both also declare --delta.
std::vector<Param> with_kl_source(std::vector<Param> params);
KlTerm kl_from_args(const Args& args);

}  // namespace itbound::cli
