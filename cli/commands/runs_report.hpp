#pragma once
// Shared by the commands that read saved runs and estimate information from them (cmi, loo-cmi): their
// common parameters, the bias correction they name, and the text table of --format table.
#include <string>
#include <vector>

#include "itbound/cli/command.hpp"
#include "itbound/estimators/discrete_mi.hpp"

namespace itbound::cli {

// runs (path, documented by runs_doc), loss-min, loss-max, correction, then `extra`, then format.
std::vector<Param> runs_params(std::string runs_doc, std::vector<Param> extra = {});

estimators::Correction correction_of(const Args& args);

double mean(const std::vector<double>& v);

// The command's JSON, or (--format table) a text table of its errors, estimates and bounds: `heldout` names
// the held-out error field ("heldout_error") and `heldout_label` how the table shows it.
Json runs_output(Json out, const Args& args, const std::string& heldout, const std::string& heldout_label,
                 const std::string& information_label);

}  // namespace itbound::cli
