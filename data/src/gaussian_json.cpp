#include "itbound/data/gaussian_json.hpp"

#include <fstream>

#include "itbound/error.hpp"
#include "itbound/estimators/kl_divergence.hpp"

namespace itbound::data {
namespace {

Eigen::ArrayXd numbers(const Json& j, const std::string& what, Eigen::Index size) {
  if (j.is_number()) {
    if (size <= 0) fail(what.c_str(), "must be an array here (a single number only broadcasts in the prior)");
    return Eigen::ArrayXd::Constant(size, j.get<double>());
  }
  if (!j.is_array()) fail(what.c_str(), "must be an array of numbers");
  Eigen::ArrayXd a(static_cast<Eigen::Index>(j.size()));
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_number()) fail(what.c_str(), "entry " + std::to_string(i) + " is not a number");
    a[static_cast<Eigen::Index>(i)] = j[i].get<double>();
  }
  return a;
}

}  // namespace

DiagGaussianParams read_diag_gaussian_json(const std::string& path, const char* field, Eigen::Index size) {
  std::ifstream in(path);
  if (!in) fail(field, "cannot open " + path);
  Json j;
  try {
    j = Json::parse(in);
  } catch (const std::exception& e) {
    fail(field, path + " is not valid JSON: " + e.what());
  }
  const std::string f = field;
  if (!j.is_object() || !j.contains("mean")) fail(field, path + " needs a key \"mean\"");
  if (j.contains("std") == j.contains("log_var")) fail(field, path + " needs exactly one of \"std\", \"log_var\"");
  DiagGaussianParams g;
  g.mean = numbers(j["mean"], f + ".mean", size);
  const Eigen::Index d = size > 0 ? size : g.mean.size();
  if (g.mean.size() != d) fail(field, "mean has " + std::to_string(g.mean.size()) + " entries, expected " + std::to_string(d));
  g.std = j.contains("std") ? numbers(j["std"], f + ".std", d) : std_from_log_var(numbers(j["log_var"], f + ".log_var", d));
  if (g.std.size() != d) fail(field, "std has " + std::to_string(g.std.size()) + " entries, expected " + std::to_string(d));
  return g;
}

}  // namespace itbound::data
