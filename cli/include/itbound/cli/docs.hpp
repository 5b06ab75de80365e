#pragma once
// The command reference rendered from the Param declarations, so the docs cannot drift from the flags.
#include <string>

namespace itbound::cli {

// Markdown: one section per command with a table of its parameters (flag, batch key, Python keyword,
// type, allowed values, default, description) and the batch job format.
std::string markdown_reference();

}  // namespace itbound::cli
