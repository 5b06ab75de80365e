#pragma once
// JSON text as itbound writes it: every double in the shortest form that reads back to the same double
// (std::to_chars), with ".0" on integral values so a real stays a real; non-finite numbers, which JSON cannot
// hold, become the strings "inf", "-inf", "nan". Arrays of numbers stay on one line when indenting.
#include <nlohmann/json.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace itbound::data {

using Json = nlohmann::ordered_json;

std::string to_json_text(const Json& value, int indent = 2);

// The pieces, for writers that stream (data/report_json.hpp).
void append_number(std::string& out, double x);
void append_string(std::string& out, std::string_view s);

// Deepest nesting of arrays and objects accepted anywhere (files, batch jobs, Python arguments). itbound's formats
// need a handful of levels; tens of thousands overflowed the stack in the recursive code that copies, prints or
// converts a value (a segfault at ~60,000 levels).
inline constexpr int kMaxJsonDepth = 128;

// The one JSON parser entry point: text nested deeper than kMaxJsonDepth, or not JSON, throws
// InvalidArgument(field, what + ...) saying where (byte offset), with any quoted input shortened.
Json parse_json(std::string_view text, const std::string& field, const std::string& what);

// Nesting depth of JSON text (strings skipped), found without parsing it; stops counting past `limit`.
int json_nesting_depth(std::string_view text, int limit = kMaxJsonDepth);

// A value or text for an error message, cut to about max_chars ("... (N characters)" after the cut): a message
// must never echo a whole input (a posterior= dict once gave a 3.3-million-character one).
std::string brief(const Json& value, std::size_t max_chars = 80);
std::string brief_text(std::string_view text, std::size_t max_chars = 80);

}  // namespace itbound::data
