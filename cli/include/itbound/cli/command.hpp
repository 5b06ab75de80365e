#pragma once
// One parameter vocabulary: each command's options are declared once (name, kind, default, range,
// doc) and that declaration drives the CLI flags, the JSON batch keys, the Python keyword arguments
// and the generated docs.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "itbound/data/json_text.hpp"
#include "itbound/report.hpp"

namespace itbound::cli {

using data::Json;

enum class Kind { real, integer, text, path, flag };

struct Range {
  double lo, hi;
  bool lo_open = false, hi_open = false;
};

struct Param {
  std::string name;  // --name on the command line, "name" in a batch job, name_with_underscores in Python
  Kind kind;
  std::string doc;
  std::optional<Json> default_value = std::nullopt;  // none: required (flags default to false); null: optional
  std::optional<Range> range = std::nullopt;
  std::vector<std::string> choices = {};  // for text parameters with a fixed set of values
  // For path parameters: a batch job may instead give the numbers inline as a JSON array (Python: a list or
  // NumPy array); the command then reads Args::json() instead of the file.
  bool inline_numbers = false;
  // The command's input file may also be given without its flag, as the one positional argument
  // (`itbound cmi RUNS` as well as `--runs RUNS`); batch jobs and Python always name it.
  bool positional = false;
  // Older spellings still accepted everywhere (flags, batch keys, Python keywords) and listed in the docs; only for
  // names already published in the README, each a name no other parameter of the command uses.
  std::vector<std::string> aliases = {};
};

// Arguments after validation against a command's parameters: every declared parameter that has a
// value (given or default) is present with the right type.
class Args {
public:
  explicit Args(Json values) : values_(std::move(values)) {}
  bool has(const std::string& name) const { return values_.contains(name); }
  double real(const std::string& name) const { return values_.at(name).get<double>(); }
  std::int64_t integer(const std::string& name) const { return values_.at(name).get<std::int64_t>(); }
  std::string text(const std::string& name) const { return values_.at(name).get<std::string>(); }
  bool flag(const std::string& name) const { return has(name) && values_.at(name).get<bool>(); }
  const Json& json() const { return values_; }

private:
  Json values_;
};

struct Command {
  std::string name;
  std::string summary;
  std::vector<Param> params;
  std::function<Report(const Args&)> run;  // throws InvalidArgument on bad input
  // A result of the command's type (default-constructed): the output schema is generated from it.
  std::function<Report()> prototype;
};

const std::vector<Command>& commands();
const Command* find_command(std::string_view name);

// Validates raw values (JSON numbers, booleans or strings as typed on a command line) against the
// command's parameters. Keys may use '-' or '_' and may be aliases (Args holds the parameters' names). Throws
// InvalidArgument naming the parameter; an unknown key's message suggests the nearest name.
Args parse_args(const Command& command, const Json& raw);

// " (did you mean X?)" for the candidate nearest `given` (edit distance with transpositions, or one name's letters
// contained in order in the other's), "" when none is near. Dashes and underscores are ignored in the comparison.
std::string did_you_mean(std::string_view given, const std::vector<std::string>& candidates);

// "[0, 1]", "(0, 1)", "one of: json, table", "" for the --help text and the docs.
std::string describe_range(const Param& p);
// The parameter's full help line: doc, allowed range, default (or Required / Optional).
std::string describe(const Param& p);

// The Python spelling of a command or parameter name: dashes become underscores.
std::string python_name(std::string_view name);

// Runs a command from raw arguments: parse_args then run.
Report run_command(const Command& command, const Json& raw);

}  // namespace itbound::cli
