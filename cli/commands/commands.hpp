#pragma once
// One function per command file; registry.cpp lists them in the order --help shows them.
#include "itbound/cli/command.hpp"

namespace itbound::cli {

Command kl_inverse_command();
Command test_set_command();
Command cmi_command();

}  // namespace itbound::cli
