#include "itbound/data/trajectory.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "itbound/data/input_file.hpp"
#include "itbound/error.hpp"

namespace itbound::data {

namespace {

const std::set<std::string> header_keys = {"format",     "dimension",       "n",            "prior_examples",
                                           "prior",      "loss_min",        "loss_max",     "subgaussian",
                                           "gradient_bound_global",         "smoothness",   "loss_smoothness",
                                           "sigma_scales", "sigma_ratios",  "steps",        "final"};
// NPZ members of the final record (data/TRAJECTORY-SCHEMA.md): 0-d losses and a (K, 3) table [level, train, test].
const std::set<std::string> final_members = {"train_loss", "test_loss", "value_sensitivity"};

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

std::vector<double> reals(const Json& j, const std::string& key) {
  if (!j.contains(key) || j.at(key).is_null()) return {};
  if (!j.at(key).is_array()) throw InvalidArgument(key, "must be an array of numbers");
  std::vector<double> out;
  for (std::size_t i = 0; i < j.at(key).size(); ++i) {
    const Json& x = j.at(key).at(i);
    if (!x.is_number()) throw InvalidArgument(key + "[" + std::to_string(i) + "]", "must be a number");
    out.push_back(x.get<double>());
  }
  return out;
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
  for (const char* key : {"smoothness", "loss_smoothness"}) {
    const double mu = real_or_missing(h, key, key);
    if (!std::isnan(mu)) (key[0] == 's' ? info.smoothness : info.loss_smoothness) = mu;
  }
  info.sigma_scales = reals(h, "sigma_scales");
  info.sigma_ratios = reals(h, "sigma_ratios");
  for (const char* key : {"prior", "format"})
    if (h.contains(key) && !h.at(key).is_string()) fail(key, "must be a string");
  return info;
}

FinalStats final_from_json(const Json& j) {
  if (!j.is_object()) fail("final", "must be a JSON object");
  for (const auto& item : j.items())
    if (!final_members.count(item.key())) throw InvalidArgument("final." + item.key(), "unknown key");
  FinalStats f;
  f.train_loss = real_or_missing(j, "train_loss", "final.train_loss");
  f.test_loss = real_or_missing(j, "test_loss", "final.test_loss");
  if (j.contains("value_sensitivity") && !j.at("value_sensitivity").is_null()) {
    const Json& list = j.at("value_sensitivity");
    if (!list.is_array()) fail("final.value_sensitivity", "must be an array of {level, train, test} objects");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = "final.value_sensitivity[" + std::to_string(i) + "]";
      const Json& e = list.at(i);
      if (!e.is_object()) throw InvalidArgument(at, "must be an object {level, train, test}");
      for (const auto& item : e.items())
        if (item.key() != "level" && item.key() != "train" && item.key() != "test")
          throw InvalidArgument(at + "." + item.key(), "unknown key");
      ValueSensitivity v;
      for (const auto& [member, key] : {std::pair{&v.level, "level"}, {&v.train, "train"}, {&v.test, "test"}}) {
        *member = real_or_missing(e, key, at + "." + key);
        if (std::isnan(*member)) throw InvalidArgument(at + "." + key, "is required");
      }
      f.value_sensitivity.push_back(v);
    }
  }
  return f;
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

// End of the JSON number starting at line[i] (RFC 8259 grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), or i.
std::size_t json_number_end(std::string_view line, std::size_t i) {
  const std::size_t start = i, n = line.size();
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < n && line[i] >= '0' && line[i] <= '9') ++i;
    return i > from;
  };
  if (i < n && line[i] == '-') ++i;
  if (i < n && line[i] == '0') ++i;
  else if (!digits()) return start;
  if (i < n && line[i] == '.' && (++i, !digits())) return start;
  if (i < n && (line[i] == 'e' || line[i] == 'E')) {
    ++i;
    if (i < n && (line[i] == '+' || line[i] == '-')) ++i;
    if (!digits()) return start;
  }
  return i;
}

// The common step line of JSON lines, read without building a JSON value: a flat object whose keys are distinct step
// fields and whose values are JSON numbers or null. Anything else returns false, and the line goes through the JSON
// parser, which gives the same step or the error naming the field (so the two paths cannot disagree).
const auto step_names = [] {
  std::array<std::string_view, step_fields.size()> names;
  for (std::size_t f = 0; f < names.size(); ++f) names[f] = step_fields[f].name;
  return names;
}();

bool parse_flat_step(std::string_view line, StepStats& out) {
  std::size_t i = 0;
  const std::size_t n = line.size();
  const auto space = [&] {
    while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
  };
  space();
  if (i == n || line[i++] != '{') return false;
  space();
  if (i < n && line[i] == '}') return ++i, space(), i == n;
  unsigned seen = 0;
  for (;;) {
    if (i == n || line[i++] != '"') return false;
    const std::size_t key_start = i;
    while (i < n && line[i] != '"' && line[i] != '\\') ++i;
    if (i == n || line[i] != '"') return false;
    const std::string_view key = line.substr(key_start, i++ - key_start);
    std::size_t f = 0;
    while (f < step_names.size() && key != step_names[f]) ++f;
    if (f == step_names.size() || (seen >> f & 1u)) return false;
    seen |= 1u << f;
    space();
    if (i == n || line[i++] != ':') return false;
    space();
    double& value = out.*step_fields[f].member;
    if (line.substr(i, 4) == "null") {
      value = StepStats::missing;
      i += 4;
    } else {
      const std::size_t end = json_number_end(line, i);
      const auto [ptr, ec] = std::from_chars(line.data() + i, line.data() + end, value);
      if (end == i || ec != std::errc() || ptr != line.data() + end) return false;
      i = end;
    }
    space();
    if (i == n) return false;
    const char c = line[i++];
    if (c == '}') return space(), i == n;
    if (c != ',') return false;
    space();
  }
}

// JSON form: "steps" maps each step field to an array (one entry per step, null = absent) or to one
// number used for every step.
TrajectoryRead from_document(const Json& doc) {
  TrajectoryRead r{TrajectoryAccumulator(trajectory_info_from_json(doc)), "json"};
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
  if (doc.contains("final")) r.accumulator.finish(final_from_json(doc.at("final")));
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
  if (head.contains("final")) fail("final", "in JSON lines the final record is a line of its own, the last one");
  TrajectoryRead r{TrajectoryAccumulator(trajectory_info_from_json(head)), "jsonl"};
  std::string line;  // one line at a time: O(1) memory in the number of steps
  for (std::int64_t t = 0; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (StepStats s; parse_flat_step(line, s)) {
      r.accumulator.add_step(s);
      ++t;
      continue;
    }
    const Json j = parse_json(line, "step[" + std::to_string(t) + "]", "the line");
    if (j.is_object() && j.contains("final")) {  // the final record: {"final": {...}}, the last line
      if (j.size() != 1) fail("final", "the final line holds only the key \"final\"");
      r.accumulator.finish(final_from_json(j.at("final")));
      continue;
    }
    r.accumulator.add_step(step_from_json(j, t));
    ++t;
  }
  return r;
}

TrajectoryRead read_trajectory_npz(const std::map<std::string, NdArray>& members, const std::string& what) {
  Json header = Json::object();
  Json final_record = Json::object();
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
    } else if (name == "sigma_scales" || name == "sigma_ratios") {
      if (a.shape.size() > 1) throw InvalidArgument(field, "must be a 1-D array");
      header[name] = a.values;
    } else if (name == "value_sensitivity") {
      if (a.shape.size() != 2 || a.shape[1] != 3) throw InvalidArgument(field, "must be a (K, 3) array of [level, train, test] rows");
      Json rows = Json::array();
      for (std::size_t i = 0; i < a.values.size(); i += 3)
        rows.push_back({{"level", a.values[i]}, {"train", a.values[i + 1]}, {"test", a.values[i + 2]}});
      final_record[name] = rows;
    } else if (final_members.count(name)) {
      if (a.size() != 1) throw InvalidArgument(field, "must be a scalar (one value)");
      final_record[name] = a.values[0];
    } else if (header_keys.count(name) && name != "steps" && name != "prior" && name != "format" && name != "final") {
      if (a.size() != 1) throw InvalidArgument(field, "must be a scalar (one value)");
      const double v = a.values[0];
      if (a.dtype == DType::boolean) header[name] = v != 0.0;
      else if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0 &&
               (a.is_integer() || name == "dimension" || name == "n" || name == "prior_examples"))
        header[name] = static_cast<std::int64_t>(v);
      else header[name] = v;
    } else {
      throw InvalidArgument(field, "unknown member (step fields, numeric header keys and final-record keys only; see "
                                   "data/TRAJECTORY-SCHEMA.md)");
    }
  }
  if (count < 0) fail((what + ":steps").c_str(), "needs at least one 1-D per-step array");
  TrajectoryRead r{TrajectoryAccumulator(trajectory_info_from_json(header)), "npz"};
  for (std::int64_t t = 0; t < count; ++t) {
    StepStats s;
    for (const auto& [f, a] : steps) s.*f->member = a->values[a->shape.empty() ? 0 : static_cast<std::size_t>(t)];
    r.accumulator.add_step(s);
  }
  if (!final_record.empty()) r.accumulator.finish(final_from_json(final_record));
  return r;
}

TrajectoryRead read_trajectory_file(const std::string& path) {
  std::ifstream in = open_input_file(path, "file", true);
  char magic[4] = {};
  in.read(magic, 4);
  if (in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
    return read_trajectory_npz(parse_npz(FileBytes(path).bytes(), path), path);  // mapped, not copied first
  in.clear();
  in.seekg(0);
  return read_trajectory(in);
}

}  // namespace itbound::data
