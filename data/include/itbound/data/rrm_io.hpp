#pragma once
// RRM runs (data/RRM-SCHEMA.md): named arrays in an .npz or a JSON object, as the core's RrmRuns. Errors name the member.
#include <map>
#include <string>

#include "itbound/bounds/rrm.hpp"
#include "itbound/data/ndarray.hpp"

namespace itbound::data {

RrmRuns read_rrm_runs(const std::string& path);
// From arrays already in memory (Python's NumPy arrays): the same members, shapes and checks.
RrmRuns rrm_runs_from_arrays(const std::map<std::string, NdArray>& arrays);

}  // namespace itbound::data
