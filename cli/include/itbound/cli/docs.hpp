#pragma once
// The command reference rendered from the Param declarations and the reports' field lists, so the docs cannot drift
// from the flags or the output.
#include <string>

#include "itbound/cli/command.hpp"

namespace itbound::cli {

// Markdown: one section per command with a table of its parameters (flag and aliases, Python keyword, type, allowed
// values, default, description) and of its output fields, the object types of the outputs, and the batch job format.
std::string markdown_reference();

// JSON Schema (draft 2020-12) of the command's JSON output, from its prototype report (data::json_schema).
Json output_schema(const Command& command);

}  // namespace itbound::cli
