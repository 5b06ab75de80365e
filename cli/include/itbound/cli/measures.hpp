#pragma once
// The measures command's arguments for a table already in memory: Python's itbound.measures(dict or DataFrame)
// shares them with the CLI.
#include <vector>

#include "itbound/bounds/measures_report.hpp"
#include "itbound/cli/command.hpp"

namespace itbound::cli {

// The core options from validated measures arguments.
MeasuresOptions measures_options(const Args& args);
// The measures command's parameters without runs (the table comes as columns).
std::vector<Param> measures_table_params();

}  // namespace itbound::cli
