#pragma once
// A command's JSON result rendered for a person: a text table, Markdown (a notebook, a README) or LaTeX (a paper).
// The same layout in every format: the summary line first (the answer), then one row per bound with its value,
// what it guarantees, whether it applies and its source, then the other fields. Bound values are rounded outward
// to the digits shown (an upper bound up, a lower bound down), so a printed certificate is never below the exact one.
#include <string>
#include <string_view>

#include "itbound/data/json_text.hpp"

namespace itbound::data {

enum class Format { json, table, markdown, latex };

// "json", "table", "markdown", "latex"; throws InvalidArgument naming `field` otherwise.
Format parse_format(std::string_view name, const char* field = "format");

// `result` as one command prints it (an object); json gives to_json_text(result).
std::string render(const Json& result, Format format);

// x with `digits` significant digits, rounded up (direction "upper"), down ("lower") or to nearest ("").
std::string shown_number(double x, std::string_view direction = "", int digits = 4);

}  // namespace itbound::data
