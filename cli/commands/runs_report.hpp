#pragma once
// Shared by the commands that read saved runs and estimate information from them (cmi, loo-cmi): their
// common parameters (the bias correction they name: correction_of in itbound/cli/cmi.hpp).
#include <string>
#include <vector>

#include "itbound/cli/command.hpp"
#include "itbound/cli/cmi.hpp"

namespace itbound::cli {

// runs (path, documented by runs_doc), loss-min, loss-max, correction, then `extra`, then delta (the confidence of
// the certified upper limit on the expected error).
std::vector<Param> runs_params(std::string runs_doc, std::vector<Param> extra = {});

}  // namespace itbound::cli
