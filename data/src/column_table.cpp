#include "itbound/data/column_table.hpp"

#include <deque>
#include <filesystem>
#include <optional>
#include <string_view>

#include "itbound/data/json_text.hpp"
#include "itbound/data/ndarray.hpp"
#include "itbound/error.hpp"

namespace itbound::data {
namespace {

using estimators::Column;
using estimators::ColumnTable;

// Cells as read become a numeric column when every one is a number.
Column typed_column(std::string name, const std::vector<std::string_view>& cells) {
  Column c;
  c.name = std::move(name);
  c.numbers.reserve(cells.size());
  for (const auto cell : cells) {
    const auto x = estimators::cell_number(cell);
    if (!x) {
      c.text = true;
      c.numbers.clear();
      c.texts.assign(cells.begin(), cells.end());
      return c;
    }
    c.numbers.push_back(*x);
  }
  return c;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// One CSV line into its fields (a quoted field may hold commas and "" for a quote, not line breaks). Fields are views
// into the line, or into `unquoted` (stable addresses) for a quoted field.
std::vector<std::string_view> csv_fields(std::string_view line, std::deque<std::string>& unquoted,
                                         const std::string& where, const char* field) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      std::string& cell = unquoted.emplace_back();
      for (++i;; ++i) {
        if (i >= line.size()) fail(field, where + ": a quoted field is not closed on its line");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') cell += '"', ++i;
          else break;
        } else {
          cell += line[i];
        }
      }
      ++i;
      const std::size_t comma = line.find(',', i);
      if (!trimmed(line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i)).empty())
        fail(field, where + ": text after a closing quote");
      out.push_back(cell);
      i = comma;
    } else {
      const std::size_t comma = line.find(',', i);
      out.push_back(trimmed(line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i)));
      i = comma;
    }
    if (i == std::string_view::npos) return out;
    ++i;
  }
}

ColumnTable parse_csv(std::string_view text, const std::string& what, const char* field) {
  std::vector<std::string> names;
  std::vector<std::vector<std::string_view>> cells;
  std::deque<std::string> unquoted;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const std::string_view t = trimmed(line);
    if (t.empty() || t.front() == '#') continue;
    const auto where = [&] { return what + " line " + std::to_string(line_no); };
    auto fields = csv_fields(line, unquoted, where(), field);
    if (names.empty()) {
      names.assign(fields.begin(), fields.end());
      for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (names[i] == names[j]) fail(field, where() + ": column '" + names[i] + "' appears twice in the header");
      cells.resize(names.size());
      continue;
    }
    if (fields.size() != names.size())
      fail(field, where() + ": " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(names.size()));
    for (std::size_t c = 0; c < fields.size(); ++c) cells[c].push_back(fields[c]);
  }
  if (names.empty()) fail(field, what + ": no header line");
  ColumnTable table;
  for (std::size_t c = 0; c < names.size(); ++c) table.columns.push_back(typed_column(names[c], cells[c]));
  return table;
}

// A JSON cell: a number (null as NaN), or text.
struct Cell {
  std::optional<double> number;
  std::string text;
};

Cell json_cell(const Json& v, const std::string& where, const char* field) {
  if (v.is_number()) return {v.get<double>(), format_number(v.get<double>())};
  if (v.is_null()) return {std::nan(""), "null"};
  if (v.is_string()) return {std::nullopt, v.get<std::string>()};
  if (v.is_boolean()) return {std::nullopt, v.get<bool>() ? "true" : "false"};
  fail(field, where + ": a cell must be a number, a string or a boolean, got " + v.dump());
}

Column json_column(std::string name, const std::vector<Cell>& cells) {
  Column c;
  c.name = std::move(name);
  bool numeric = true;
  for (const Cell& x : cells) numeric = numeric && x.number;
  c.text = !numeric;
  for (const Cell& x : cells) {
    if (numeric) c.numbers.push_back(*x.number);
    else c.texts.push_back(x.text);
  }
  return c;
}

ColumnTable parse_json(std::string_view text, const std::string& what, const char* field) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const std::exception& e) {
    fail(field, what + " is not valid JSON: " + e.what());
  }
  ColumnTable table;
  if (j.is_object()) {  // columns
    std::size_t rows = 0;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string where = what + " column '" + it.key() + "'";
      if (!it.value().is_array()) fail(field, where + " must be an array of cells");
      if (it != j.begin() && it.value().size() != rows)
        fail(field, where + " has " + std::to_string(it.value().size()) + " cells, the first column " + std::to_string(rows));
      rows = it.value().size();
      std::vector<Cell> cells;
      for (const Json& v : it.value()) cells.push_back(json_cell(v, where, field));
      table.columns.push_back(json_column(it.key(), cells));
    }
    return table;
  }
  if (!j.is_array()) fail(field, what + " must hold an object of columns or an array of records");
  std::vector<std::string> names;
  std::vector<std::vector<Cell>> cells;
  for (std::size_t r = 0; r < j.size(); ++r) {
    const std::string where = what + " record " + std::to_string(r + 1);
    const Json& rec = j[r];
    if (!rec.is_object()) fail(field, where + " is not an object");
    if (r == 0) {
      for (auto it = rec.begin(); it != rec.end(); ++it) names.push_back(it.key());
      cells.resize(names.size());
    }
    if (rec.size() != names.size()) fail(field, where + " has " + std::to_string(rec.size()) + " keys, record 1 " +
                                                    std::to_string(names.size()));
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (!rec.contains(names[c])) fail(field, where + " has no '" + names[c] + "'");
      cells[c].push_back(json_cell(rec[names[c]], where, field));
    }
  }
  for (std::size_t c = 0; c < names.size(); ++c) table.columns.push_back(json_column(names[c], cells[c]));
  return table;
}

ColumnTable parse_npz_table(std::span<const unsigned char> bytes, const std::string& what, const char* field) {
  std::map<std::string, NdArray> arrays;
  try {
    arrays = parse_npz(bytes, what);
  } catch (const InvalidArgument& e) {
    fail(field, e.what());
  }
  ColumnTable table;
  for (auto& [name, a] : arrays) {
    if (a.shape.size() != 1) fail(field, what + ":" + name + " must be a 1-d array (one value per run)");
    if (!table.columns.empty() && a.size() != table.rows())
      fail(field, what + ":" + name + " has " + std::to_string(a.size()) + " values, " + table.columns.front().name +
                      " " + std::to_string(table.rows()));
    table.columns.push_back({name, false, std::move(a.values), {}});
  }
  return table;
}

}  // namespace

ColumnTable parse_column_table(std::span<const unsigned char> bytes, TableFormat format, const std::string& what,
                               const char* field) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  switch (format) {
    case TableFormat::csv: return parse_csv(text, what, field);
    case TableFormat::json: return parse_json(text, what, field);
    case TableFormat::npz: return parse_npz_table(bytes, what, field);
  }
  return {};
}

ColumnTable read_column_table(const std::string& path, const char* field) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const TableFormat format = ext == ".csv"    ? TableFormat::csv
                             : ext == ".json" ? TableFormat::json
                             : ext == ".npz"  ? TableFormat::npz
                                              : (fail(field, path + ": a table of runs is a .csv, .json or .npz file"),
                                                 TableFormat::csv);
  std::vector<unsigned char> bytes;
  try {
    bytes = read_file_bytes(path);
  } catch (const InvalidArgument& e) {
    fail(field, e.what());
  }
  return parse_column_table(bytes, format, path, field);
}

}  // namespace itbound::data
