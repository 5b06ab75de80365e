#include "runs_text.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "itbound/data/runs_format.hpp"
#include "itbound/data/input_file.hpp"
#include "itbound/error.hpp"

namespace itbound::data {

RunsFormat runs_format(const std::filesystem::path& path) {
  require_input_file(path, "path");  // a directory or a missing file: that, before its name's extension
  const auto ext = path.extension().string();
  if (ext == ".npz") return RunsFormat::npz;
  if (ext == ".json") return RunsFormat::json;
  if (ext == ".csv") return RunsFormat::csv;
  fail("path", "unknown runs file type '" + ext + "' (expected .npz, .json or .csv)");
}

namespace detail {
namespace {

void flatten(const Json& j, std::size_t depth, NdArray& out, const char* field) {
  if (j.is_array()) {
    if (depth == out.shape.size()) {
      if (!out.values.empty()) fail(field, "ragged nested array (shape mismatch)");
      out.shape.push_back(static_cast<std::int64_t>(j.size()));
      if (out.shape.size() > 8) fail(field, "more than 8 nested levels");
    } else if (depth > out.shape.size() || out.shape[depth] != static_cast<std::int64_t>(j.size())) {
      fail(field, "ragged nested array (shape mismatch)");
    }
    for (const auto& e : j) flatten(e, depth + 1, out, field);
    return;
  }
  if (depth != out.shape.size()) fail(field, "ragged nested array (shape mismatch)");
  if (j.is_boolean()) out.values.push_back(j.get<bool>() ? 1.0 : 0.0);
  else if (j.is_number()) out.values.push_back(j.get<double>());
  else fail(field, "entries must be numbers");
}

std::string join(std::initializer_list<const char*> keys) {
  std::string out;
  for (const char* k : keys) out += std::string(out.empty() ? "'" : " and '") + k + "'";
  return out;
}

}  // namespace

Json parse_runs_json(const std::string& text, const std::string& what, std::initializer_list<const char*> keys) {
  const Json doc = parse_json(text, "path", "'" + what + "'");
  if (!doc.is_object()) fail("path", "JSON runs must be an object with " + join(keys));
  for (const char* key : keys)
    if (!doc.contains(key)) fail(key, "missing from " + what);
  return doc;
}

NdArray json_array(const Json& doc, const char* field) {
  NdArray a;
  flatten(doc.at(field), 0, a, field);
  return a;
}

LongCsv parse_long_csv(const std::string& text, const std::vector<std::string>& columns, std::size_t required) {
  CsvTable table = parse_csv(text, Header::required, "csv");
  drop_index_column(table);
  const std::vector<std::size_t> at = columns_by_name(table, columns, required, "header");
  LongCsv out;
  for (const std::size_t c : at) out.present.push_back(c != std::string::npos);
  out.rows.reserve(table.rows.size());
  for (auto& row : table.rows) {
    CsvRow picked{row.line, std::vector<std::string>(columns.size())};
    for (std::size_t c = 0; c < columns.size(); ++c)
      if (out.present[c]) picked.cells[c] = std::move(row.cells[at[c]]);
    out.rows.push_back(std::move(picked));
  }
  return out;
}

double parse_number(const std::string& cell, const char* field, std::size_t line) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(cell, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != cell.size())
    fail(field, "line " + std::to_string(line) + ": '" + cell + "' is not a number");
  return v;
}

std::int64_t parse_index(const std::string& cell, const char* field, std::size_t line) {
  const double v = parse_number(cell, field, line);
  if (!(v >= 0 && v < 1e9 && v == std::floor(v)))
    fail(field, "line " + std::to_string(line) + ": must be a non-negative integer index");
  return static_cast<std::int64_t>(v);
}

void require_full_table(double cells, std::size_t rows, const std::string& what) {
  if (cells > static_cast<double>(rows)) fail("csv", "shape mismatch: missing rows for some " + what);
  if (static_cast<double>(rows) != cells)
    fail("csv", "shape mismatch: " + std::to_string(rows) + " rows, expected one per " + what + " = " +
                    std::to_string(static_cast<std::size_t>(cells)));
}

}  // namespace detail
}  // namespace itbound::data
