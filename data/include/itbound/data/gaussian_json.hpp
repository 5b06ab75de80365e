#pragma once
// Gaussian parameters stored as JSON (until the NPY/NPZ readers land): {"mean": [...], "std": [...]} or
// {"mean": [...], "log_var": [...]}; a prior may give "mean" and "std" as single numbers (isotropic).
#include <string>

#include <Eigen/Core>

#include "itbound/data/json_text.hpp"

namespace itbound::data {

struct DiagGaussianParams {
  Eigen::ArrayXd mean;
  Eigen::ArrayXd std;
};

// Reads and checks one file; `field` (e.g. "posterior") names it in errors. `size` > 0 broadcasts scalars.
DiagGaussianParams read_diag_gaussian_json(const std::string& path, const char* field, Eigen::Index size = 0);

}  // namespace itbound::data
