#pragma once
// Reports (itbound/report.hpp) as JSON: streamed straight to text (the CLI's and the batch runner's path), built as
// a Json value (the renderers, tests), and described by a JSON Schema generated from the same visit() and docs.
#include <string>

#include "itbound/bounds/certificate.hpp"
#include "itbound/report.hpp"
#include "itbound/data/json_text.hpp"

namespace itbound::data {

// Brief JSON leaves out the fields meant for a person (FieldVisitor::verbose: statements, explanations, where in a
// paper): what scripts and batch jobs get by default; full has every field.
enum class Detail { brief, full };

// indent < 0: one line (batch records).
std::string to_json_text(const Report& report, int indent = 2, Detail detail = Detail::brief);
void append_json(std::string& out, const Report& report, int indent = -1, Detail detail = Detail::brief);

// Every field (the renderers read the statements).
Json to_json(const Report& report);
Json to_json(const Certificate& certificate);

// JSON Schema (draft 2020-12) of a command's output: field names, types, nullability and docs, from a report of the
// command's type (any instance: lists are described by a default element, absent objects by a default object).
// Verbose fields are described but not required, so brief and full output both validate.
Json json_schema(const Report& prototype, const std::string& title);

}  // namespace itbound::data
