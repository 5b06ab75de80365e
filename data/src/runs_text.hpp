#pragma once
// Internal to data/: the parsing pieces the runs readers share (supersample_io.cpp, loo_io.cpp).
#include <cstdint>
#include <initializer_list>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "itbound/data/json_text.hpp"
#include "itbound/data/ndarray.hpp"
#include "itbound/data/runs_format.hpp"
#include "itbound/error.hpp"
#include "csv_table.hpp"

namespace itbound::data::detail {

// Throws InvalidArgument(key, "missing from <what>") for the first required member absent (of decoded
// arrays, or of an archive's undecoded members).
template <class Member>
void require_members(const std::map<std::string, Member>& members, std::initializer_list<const char*> keys,
                     const std::string& what) {
  for (const char* key : keys)
    if (!members.count(key)) fail(key, "missing from " + what);
}

// A JSON object with the required keys (errors: "path: malformed JSON ...", "<key>: missing from <what>").
Json parse_runs_json(const std::string& text, const std::string& what, std::initializer_list<const char*> keys);

// A regular nested JSON array of numbers (booleans count as 0/1) under doc[field], as an NdArray.
NdArray json_array(const Json& doc, const char* field);

// Long-form CSV: a header naming `columns` (the first `required` of them must be present) in any order, other
// columns ignored, a pandas index column dropped; every row's cells returned in the order of `columns` ("" for an
// absent optional column) and which columns the header has. Errors: "header: found '...', missing ..." and
// "csv: line N: ...".
struct LongCsv {
  std::vector<CsvRow> rows;
  std::vector<bool> present;
};
LongCsv parse_long_csv(const std::string& text, const std::vector<std::string>& columns, std::size_t required);

// One cell as a number / a non-negative integer index; errors name the field and the line.
double parse_number(const std::string& cell, const char* field, std::size_t line);
std::int64_t parse_index(const std::string& cell, const char* field, std::size_t line);

// Fails ("csv: shape mismatch ...") unless there are as many rows as cells of the table the largest indices
// span (`cells`, a product computed in floating point so that huge indices cannot overflow). `what` names a
// cell, e.g. "(supersample, run, pair)". Duplicate rows are the caller's check.
void require_full_table(double cells, std::size_t rows, const std::string& what);

// The common frame of the runs readers: parse the bytes with the reader of their format, then set the
// declared loss range and validate (estimators::validate of the runs type).
template <class Runs, class FromNpz, class FromJson, class FromCsv>
Runs parse_runs(std::span<const unsigned char> bytes, RunsFormat format, const std::string& what, double loss_min,
                double loss_max, FromNpz from_npz, FromJson from_json, FromCsv from_csv) {
  Runs r;
  switch (format) {
    case RunsFormat::npz: r = from_npz(parse_npz(bytes, what), what); break;
    case RunsFormat::json: r = from_json(std::string(bytes.begin(), bytes.end()), what); break;
    case RunsFormat::csv: r = from_csv(std::string(bytes.begin(), bytes.end())); break;
  }
  r.loss_min = loss_min;
  r.loss_max = loss_max;
  validate(r);
  return r;
}

}  // namespace itbound::data::detail
