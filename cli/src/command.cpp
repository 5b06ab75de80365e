#include "itbound/cli/command.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "itbound/error.hpp"

namespace itbound::cli {
namespace {

std::string normalise(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

std::string shown(const Json& v) { return data::brief(v); }

double to_real(const Param& p, const Json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return x;
  }
  throw InvalidArgument(p.name, "must be a number, got " + shown(v));
}

std::int64_t to_integer(const Param& p, const Json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  const double x = v.is_number_float() ? v.get<double>() : std::nan("");
  if (v.is_number_float() && x == std::floor(x) && std::abs(x) < 9.0e15) return static_cast<std::int64_t>(x);
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end == s.c_str() + s.size() && errno == 0) return n;
    // Accept integral values written as reals ("1e6").
    const double r = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && r == std::floor(r) && std::abs(r) < 9.0e15)
      return static_cast<std::int64_t>(r);
  }
  throw InvalidArgument(p.name, "must be an integer, got " + shown(v));
}

bool to_flag(const Param& p, const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
  }
  throw InvalidArgument(p.name, "must be true or false, got " + shown(v));
}

void check_range(const Param& p, double x) {
  if (std::isnan(x)) throw InvalidArgument(p.name, "must be a number, got NaN");
  if (!p.range) return;
  const Range& r = *p.range;
  const bool ok = (r.lo_open ? x > r.lo : x >= r.lo) && (r.hi_open ? x < r.hi : x <= r.hi);
  if (!ok) throw InvalidArgument(p.name, "must be in " + describe_range(p) + ", got " + format_number(x));
}

Json convert(const Param& p, const Json& v) {
  switch (p.kind) {
    case Kind::real: {
      const double x = to_real(p, v);
      check_range(p, x);
      return x;
    }
    case Kind::integer: {
      const std::int64_t n = to_integer(p, v);
      check_range(p, static_cast<double>(n));
      return n;
    }
    case Kind::flag: return to_flag(p, v);
    case Kind::text:
    case Kind::path: {
      if (p.inline_numbers && v.is_array()) {
        for (const Json& row : v)  // numbers, or rows of numbers (a matrix); the command checks the shape
          for (const Json& x : row.is_array() ? row : Json::array({row}))
            if (!x.is_number())
              throw InvalidArgument(p.name, "must be a path, an array of numbers or an array of rows of numbers, got " +
                                                shown(x));
        return v;
      }
      if (!v.is_string()) throw InvalidArgument(p.name, "must be a string, got " + shown(v));
      const std::string s = v.get<std::string>();
      if (!p.choices.empty() && std::find(p.choices.begin(), p.choices.end(), s) == p.choices.end())
        throw InvalidArgument(p.name, "must be " + describe_range(p) + ", got " + shown(v));
      return s;
    }
  }
  return v;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// Every letter of `short_one` in `long_one`, in order ("emprisk" in "empiricalrisk").
bool contained_in_order(const std::string& short_one, const std::string& long_one) {
  std::size_t at = 0;
  for (const char c : long_one)
    if (at < short_one.size() && c == short_one[at]) ++at;
  return at == short_one.size();
}

std::string letters(std::string_view name) {
  std::string s;
  for (const char c : name)
    if (c != '-' && c != '_') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string number_text(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return format_number(x);
}

}  // namespace

std::string describe_range(const Param& p) {
  if (!p.choices.empty()) {
    std::string s = "one of: ";
    for (std::size_t i = 0; i < p.choices.size(); ++i) s += (i ? ", " : "") + p.choices[i];
    return s;
  }
  if (!p.range) return "";
  const Range& r = *p.range;
  return std::string(r.lo_open ? "(" : "[") + number_text(r.lo) + ", " + number_text(r.hi) + (r.hi_open ? ")" : "]");
}

std::string describe(const Param& p) {
  std::string s = p.doc;
  const std::string range = describe_range(p);
  if (!range.empty()) s += " Allowed: " + range + ".";
  if (p.inline_numbers) s += " A batch job may give the numbers inline as an array (Python: a list or NumPy array).";
  if (p.default_value && p.default_value->is_null()) s += " Optional.";
  else if (p.default_value) s += " Default: " + shown(*p.default_value) + ".";
  else if (p.kind != Kind::flag) s += " Required.";
  return s;
}

std::string did_you_mean(std::string_view given, const std::vector<std::string>& candidates) {
  const std::string g = letters(given);
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const std::string& c : candidates) {
    const std::string l = letters(c);
    const std::size_t d = edit_distance(g, l);
    const bool near = (d <= std::max<std::size_t>(1, std::min(g.size(), l.size()) / 3) && d < std::min(g.size(), l.size())) ||
                      (std::min(g.size(), l.size()) >= 4 &&
                       (g.size() < l.size() ? contained_in_order(g, l) : contained_in_order(l, g)));
    if (near && (!best || d < best_distance)) best = &c, best_distance = d;
  }
  return best ? " (did you mean " + *best + "?)" : "";
}

Args parse_args(const Command& command, const Json& raw) {
  if (!raw.is_object()) throw InvalidArgument("args", "must be a JSON object of named arguments");
  Json given = Json::object();
  std::map<std::string, std::string> spelt;  // parameter -> the key it was given as
  for (auto it = raw.begin(); it != raw.end(); ++it) {
    const std::string key = normalise(it.key());
    const auto p = std::find_if(command.params.begin(), command.params.end(), [&](const Param& q) {
      return q.name == key || std::find(q.aliases.begin(), q.aliases.end(), key) != q.aliases.end();
    });
    if (p == command.params.end()) {
      std::vector<std::string> names;
      for (const Param& q : command.params) names.push_back(q.name);
      const std::string shown = data::brief_text(key);  // a key can be any length
      throw InvalidArgument(shown, "is not an argument of '" + command.name + "'" + did_you_mean(shown, names));
    }
    if (spelt.count(p->name))
      throw InvalidArgument(p->name, "given twice (as " + spelt[p->name] + " and " + key + ")");
    spelt[p->name] = key;
    given[p->name] = it.value();
  }
  Json values = Json::object();
  for (const Param& p : command.params) {
    if (given.contains(p.name) && !given[p.name].is_null()) values[p.name] = convert(p, given[p.name]);
    else if (p.default_value) {
      if (!p.default_value->is_null()) values[p.name] = *p.default_value;  // null default: optional, absent
    }
    else if (p.kind == Kind::flag) values[p.name] = false;
    else throw InvalidArgument(p.name, "is required");
  }
  return Args(std::move(values));
}

std::string python_name(std::string_view name) {
  std::string s(name);
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

Report run_command(const Command& command, const Json& raw) { return command.run(parse_args(command, raw)); }

const Command* find_command(std::string_view name) {
  for (const Command& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace itbound::cli
