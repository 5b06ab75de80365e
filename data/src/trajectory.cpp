#include "itbound/data/trajectory.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "itbound/error.hpp"

namespace itbound::data {

namespace {

const std::set<std::string> header_keys = {"format",   "dimension", "n",           "prior_examples",
                                           "prior",    "loss_min",  "loss_max",    "subgaussian",
                                           "gradient_bound_global", "steps"};
const std::set<std::string> step_keys = {"step_size",      "noise_std",         "inverse_temperature",
                                         "batch_size",     "gradient_bound",    "gradient_variance",
                                         "incoherence_sq", "two_sample_incoherence"};

double real_or_missing(const Json& j, const std::string& key, const std::string& field) {
  if (!j.contains(key) || j.at(key).is_null()) return StepStats::missing;
  if (!j.at(key).is_number()) throw InvalidArgument(field, "must be a number or null");
  return j.at(key).get<double>();
}

std::int64_t integer(const Json& j, const std::string& key, std::int64_t fallback, const std::string& field) {
  if (!j.contains(key) || j.at(key).is_null()) return fallback;
  if (!j.at(key).is_number_integer()) throw InvalidArgument(field, "must be an integer");
  return j.at(key).get<std::int64_t>();
}

void reject_unknown(const Json& j, const std::set<std::string>& known, const std::string& prefix) {
  if (!j.is_object()) throw InvalidArgument(prefix.empty() ? "header" : prefix, "must be a JSON object");
  for (const auto& item : j.items())
    if (!known.count(item.key())) throw InvalidArgument(prefix + item.key(), "unknown key");
}

}  // namespace

TrajectoryInfo trajectory_info_from_json(const Json& h) {
  reject_unknown(h, header_keys, "");
  TrajectoryInfo info;
  if (!h.contains("dimension")) fail("dimension", "is required");
  if (!h.contains("n")) fail("n", "is required");
  info.dimension = integer(h, "dimension", 0, "dimension");
  info.n = integer(h, "n", 0, "n");
  info.prior_examples = integer(h, "prior_examples", 0, "prior_examples");
  const double lo = real_or_missing(h, "loss_min", "loss_min"), hi = real_or_missing(h, "loss_max", "loss_max");
  if (!std::isnan(lo)) info.loss_min = lo;
  if (!std::isnan(hi)) info.loss_max = hi;
  const double s = real_or_missing(h, "subgaussian", "subgaussian");
  if (!std::isnan(s)) info.subgaussian = s;
  if (h.contains("gradient_bound_global")) {
    if (!h.at("gradient_bound_global").is_boolean()) fail("gradient_bound_global", "must be true or false");
    info.gradient_bound_global = h.at("gradient_bound_global").get<bool>();
  }
  return info;
}

StepStats step_from_json(const Json& j, std::int64_t index) {
  const std::string at = "step[" + std::to_string(index) + "].";
  reject_unknown(j, step_keys, at);
  StepStats s;
  s.step_size = real_or_missing(j, "step_size", at + "step_size");
  s.noise_std = real_or_missing(j, "noise_std", at + "noise_std");
  s.inverse_temperature = real_or_missing(j, "inverse_temperature", at + "inverse_temperature");
  s.batch_size = integer(j, "batch_size", 0, at + "batch_size");
  s.gradient_bound = real_or_missing(j, "gradient_bound", at + "gradient_bound");
  s.gradient_variance = real_or_missing(j, "gradient_variance", at + "gradient_variance");
  s.incoherence_sq = real_or_missing(j, "incoherence_sq", at + "incoherence_sq");
  s.two_sample_incoherence = real_or_missing(j, "two_sample_incoherence", at + "two_sample_incoherence");
  return s;
}

namespace {

Json parse(const std::string& text, const std::string& where) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InvalidArgument(where, std::string("is not valid JSON: ") + e.what());
  }
}

// JSON form: "steps" maps each step field to an array (one entry per step, null = absent) or to one
// number used for every step.
TrajectoryRead from_document(const Json& doc) {
  TrajectoryRead r{TrajectoryAccumulator(trajectory_info_from_json(doc)), "json", doc};
  r.header.erase("steps");
  if (!doc.contains("steps") || !doc.at("steps").is_object()) fail("steps", "must be an object of per-step arrays");
  const Json& steps = doc.at("steps");
  std::int64_t count = -1;
  for (const auto& item : steps.items()) {
    if (!step_keys.count(item.key())) throw InvalidArgument("steps." + item.key(), "unknown key");
    if (!item.value().is_array()) continue;
    const auto len = static_cast<std::int64_t>(item.value().size());
    if (count >= 0 && len != count)
      throw InvalidArgument("steps." + item.key(), "has " + std::to_string(len) + " entries, others have " +
                                                        std::to_string(count));
    count = len;
  }
  if (count < 0) fail("steps", "needs at least one per-step array");
  for (std::int64_t t = 0; t < count; ++t) {
    Json step = Json::object();
    for (const auto& item : steps.items())
      step[item.key()] = item.value().is_array() ? item.value().at(static_cast<std::size_t>(t)) : item.value();
    r.accumulator.add_step(step_from_json(step, t));
  }
  return r;
}

}  // namespace

TrajectoryRead read_trajectory(std::istream& in) {
  std::string first;
  while (first.find_first_not_of(" \t\r") == std::string::npos && std::getline(in, first)) {}
  const Json head = Json::parse(first, nullptr, false);
  if (head.is_discarded() || !head.is_object() || head.contains("steps")) {
    std::stringstream rest;
    rest << in.rdbuf();
    return from_document(parse(first + "\n" + rest.str(), "trajectory"));
  }
  TrajectoryRead r{TrajectoryAccumulator(trajectory_info_from_json(head)), "jsonl", head};
  std::string line;
  for (std::int64_t t = 0; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    r.accumulator.add_step(step_from_json(parse(line, "step[" + std::to_string(t) + "]"), t));
    ++t;
  }
  return r;
}

TrajectoryRead read_trajectory_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("file", "cannot open '" + path + "'");
  return read_trajectory(in);
}

}  // namespace itbound::data
