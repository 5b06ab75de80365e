#include "itbound/data/trajectory.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "itbound/data/certificate_json.hpp"
#include "itbound/data/input_file.hpp"
#include "itbound/error.hpp"

namespace itbound::data {

namespace {

const std::set<std::string> header_keys = {"format",   "dimension", "n",           "prior_examples",
                                           "prior",    "loss_min",  "loss_max",    "subgaussian",
                                           "gradient_bound_global", "steps"};

const StepField* find_step_field(const std::string& key) {
  for (const StepField& f : step_fields)
    if (key == f.name) return &f;
  return nullptr;
}

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

void reject_unknown_header(const Json& j) {
  if (!j.is_object()) fail("header", "must be a JSON object");
  for (const auto& item : j.items())
    if (!header_keys.count(item.key())) throw InvalidArgument(item.key(), "unknown key");
}

}  // namespace

TrajectoryInfo trajectory_info_from_json(const Json& h) {
  reject_unknown_header(h);
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
  for (const char* key : {"prior", "format"})
    if (h.contains(key) && !h.at(key).is_string()) fail(key, "must be a string");
  return info;
}

StepStats step_from_json(const Json& j, std::int64_t index) {
  const std::string at = "step[" + std::to_string(index) + "].";
  if (!j.is_object()) throw InvalidArgument("step[" + std::to_string(index) + "]", "must be a JSON object");
  for (const auto& item : j.items())
    if (!find_step_field(item.key())) throw InvalidArgument(at + item.key(), "unknown key");
  StepStats s;
  for (const StepField& f : step_fields) s.*f.member = real_or_missing(j, f.name, at + f.name);
  return s;
}

namespace {

// JSON form: "steps" maps each step field to an array (one entry per step, null = absent) or to one
// number used for every step.
TrajectoryRead from_document(const Json& doc) {
  TrajectoryRead r{TrajectoryAccumulator(trajectory_info_from_json(doc)), "json", doc};
  r.header.erase("steps");
  if (!doc.contains("steps") || !doc.at("steps").is_object()) fail("steps", "must be an object of per-step arrays");
  const Json& steps = doc.at("steps");
  std::int64_t count = -1;
  for (const auto& item : steps.items()) {
    if (!find_step_field(item.key())) throw InvalidArgument("steps." + item.key(), "unknown key");
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
  if (json_nesting_depth(first) > kMaxJsonDepth)  // before the sniffing parse below copies the value
    fail("trajectory", "the first line nests arrays or objects deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  const Json head = Json::parse(first, nullptr, false);
  if (head.is_discarded() || !head.is_object() || head.contains("steps")) {
    std::stringstream rest;
    rest << in.rdbuf();
    return from_document(parse_json(first + "\n" + rest.str(), "trajectory", "the file"));
  }
  TrajectoryRead r{TrajectoryAccumulator(trajectory_info_from_json(head)), "jsonl", head};
  std::string line;
  for (std::int64_t t = 0; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    r.accumulator.add_step(step_from_json(parse_json(line, "step[" + std::to_string(t) + "]", "the line"), t));
    ++t;
  }
  return r;
}

TrajectoryRead read_trajectory_npz(const std::map<std::string, NdArray>& members, const std::string& what) {
  Json header = Json::object();
  std::vector<std::pair<const StepField*, const NdArray*>> steps;
  std::int64_t count = -1;
  for (const auto& [name, a] : members) {
    const std::string field = what + ":" + name;
    if (const StepField* f = find_step_field(name)) {
      steps.emplace_back(f, &a);
      if (a.shape.empty()) continue;  // 0-d: one value for every step
      if (a.shape.size() != 1) throw InvalidArgument(field, "must be a 1-D per-step array or a 0-d scalar");
      if (count >= 0 && a.shape[0] != count)
        throw InvalidArgument(field, "has " + std::to_string(a.shape[0]) + " entries, others have " +
                                         std::to_string(count));
      count = a.shape[0];
    } else if (header_keys.count(name) && name != "steps" && name != "prior" && name != "format") {
      if (a.size() != 1) throw InvalidArgument(field, "must be a scalar (one value)");
      const double v = a.values[0];
      if (a.dtype == DType::boolean) header[name] = v != 0.0;
      else if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0 &&
               (a.is_integer() || name == "dimension" || name == "n" || name == "prior_examples"))
        header[name] = static_cast<std::int64_t>(v);
      else header[name] = v;
    } else {
      throw InvalidArgument(field, "unknown member (step fields and numeric header keys only; see data/TRAJECTORY-SCHEMA.md)");
    }
  }
  if (count < 0) fail((what + ":steps").c_str(), "needs at least one 1-D per-step array");
  TrajectoryRead r{TrajectoryAccumulator(trajectory_info_from_json(header)), "npz", header};
  for (std::int64_t t = 0; t < count; ++t) {
    StepStats s;
    for (const auto& [f, a] : steps) s.*f->member = a->values[a->shape.empty() ? 0 : static_cast<std::size_t>(t)];
    r.accumulator.add_step(s);
  }
  return r;
}

TrajectoryRead read_trajectory_file(const std::string& path) {
  std::ifstream in = open_input_file(path, "file", true);
  char magic[4] = {};
  in.read(magic, 4);
  if (in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
    return read_trajectory_npz(read_npz(path), path);
  in.clear();
  in.seekg(0);
  return read_trajectory(in);
}

Json trajectory_result(const TrajectoryRead& r, const std::string& which) {
  Json out = {{"format", r.format}, {"steps", r.accumulator.steps()}, {"header", r.header}};
  Json& certs = out["certificates"] = Json::array();
  for (const Certificate& c : r.accumulator.certificates())
    if (which == "all" || which == c.name) certs.push_back(to_json(c));
  return out;
}

}  // namespace itbound::data
