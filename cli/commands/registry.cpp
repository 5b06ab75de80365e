#include "commands.hpp"

namespace itbound::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {kl_inverse_command(), test_set_command(), cmi_command()};
  return all;
}

}  // namespace itbound::cli
