#include "commands.hpp"

namespace itbound::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {kl_inverse_command(), test_set_command(), pac_bayes_command(),
                                           kl_divergence_command(),
                                           cmi_command(),        mi_bound_command(), prior_command(),
                                           self_certify_command(), trajectory_command(), loo_cmi_command(),
                                           measures_command(),
                                           compression_command(), dp_gibbs_prior_command(), rrm_command()};
  return all;
}

}  // namespace itbound::cli
