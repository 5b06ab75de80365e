#pragma once
// JSON text as itbound writes it: every double in the shortest form that reads back to the same double
// (std::to_chars), with ".0" on integral values so a real stays a real; non-finite numbers, which JSON cannot
// hold, become the strings "inf", "-inf", "nan". Arrays of numbers stay on one line when indenting.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace itbound::data {

using Json = nlohmann::ordered_json;

std::string to_json_text(const Json& value, int indent = 2);

// The pieces, for writers that stream (data/report_json.hpp).
void append_number(std::string& out, double x);
void append_string(std::string& out, std::string_view s);

}  // namespace itbound::data
