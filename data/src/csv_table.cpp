#include "csv_table.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "itbound/error.hpp"

namespace itbound::data::detail {
namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::string lowered(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The fields of one line; a quoted field may hold commas and doubled quotes.
std::vector<std::string> split(const std::string& line, const std::string& field, std::size_t number) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') cell += c;
      else if (i + 1 < line.size() && line[i + 1] == '"') cell += '"', ++i;
      else quoted = false;
    } else if (c == '"' && trimmed(cell).empty()) {
      quoted = was_quoted = true;
      cell.clear();
    } else if (c == ',') {
      cells.push_back(was_quoted ? cell : trimmed(cell));
      cell.clear();
      was_quoted = false;
    } else {
      cell += c;
    }
  }
  if (quoted) fail(field.c_str(), "line " + std::to_string(number) + ": a quoted field is not closed");
  cells.push_back(was_quoted ? cell : trimmed(cell));
  if (cells.size() > 1 && !was_quoted && cells.back().empty()) cells.pop_back();  // "1,2,3," as written by some tools
  return cells;
}

bool is_number(const std::string& cell) {
  if (cell.empty()) return false;
  char* end = nullptr;
  std::strtod(cell.c_str(), &end);
  return end == cell.c_str() + cell.size();
}

}  // namespace

bool looks_like_header(const std::vector<std::string>& cells) {
  if (!cells.empty() && cells.front().empty()) return true;  // pandas' index column has an empty name
  return std::none_of(cells.begin(), cells.end(), [](const std::string& c) { return is_number(c); });
}

CsvTable parse_csv(const std::string& text, Header header, const std::string& field) {
  CsvTable table;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  std::size_t width = 0;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string t = trimmed(line);
    if (t.empty() || t[0] == '#') continue;
    std::vector<std::string> cells = split(line, field, number);
    if (first) {
      first = false;
      width = cells.size();
      if (header == Header::required || looks_like_header(cells)) {
        table.header = std::move(cells);
        continue;
      }
    }
    if (cells.size() != width)
      fail(field.c_str(), "line " + std::to_string(number) + ": " + std::to_string(cells.size()) + " fields, expected " +
                              std::to_string(width) + (table.header.empty() ? "" : " (header " + header_text(table) + ")"));
    table.rows.push_back({number, std::move(cells)});
  }
  if (first) fail(field.c_str(), "the CSV file holds no rows");
  return table;
}

void drop_index_column(CsvTable& table) {
  if (table.header.empty() || table.header.size() < 2) return;
  const std::string first = table.header.front();
  if (!first.empty() && first != "Unnamed: 0") return;
  table.header.erase(table.header.begin());
  for (auto& row : table.rows) row.cells.erase(row.cells.begin());
}

std::string header_text(const CsvTable& table) {
  std::string s;
  for (std::size_t i = 0; i < table.header.size(); ++i) s += (i ? "," : "") + table.header[i];
  return "'" + s + "'";
}

std::vector<std::size_t> columns_by_name(const CsvTable& table, const std::vector<std::string>& wanted,
                                         std::size_t required, const std::string& field) {
  const auto expected = [&] {
    std::string s;
    for (std::size_t i = 0; i < wanted.size(); ++i)
      s += (i == 0 ? "" : i == required ? " (optional: " : ", ") + wanted[i];
    return s + (wanted.size() > required ? ")" : "") + ", in any order";
  };
  std::vector<std::size_t> at(wanted.size(), std::string::npos);
  std::string missing;
  for (std::size_t w = 0; w < wanted.size(); ++w) {
    for (std::size_t c = 0; c < table.header.size(); ++c) {
      if (lowered(table.header[c]) != lowered(wanted[w])) continue;
      if (at[w] != std::string::npos)
        fail(field.c_str(), "found " + header_text(table) + ": two columns named " + wanted[w] +
                                ", which is ambiguous (expected " + expected() + ")");
      at[w] = c;
    }
    if (w < required && at[w] == std::string::npos) missing += (missing.empty() ? "" : ", ") + wanted[w];
  }
  if (!missing.empty())
    fail(field.c_str(), "found " + header_text(table) + ", missing " + missing + " (expected " + expected() + ")");
  return at;
}

double csv_number(const std::string& cell, const std::string& field, std::size_t line) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(cell.c_str(), &end);
  if (cell.empty() || end != cell.c_str() + cell.size() || !std::isfinite(v))
    fail(field.c_str(), "line " + std::to_string(line) + ": '" + cell + "' is not a finite number");
  return v;
}

}  // namespace itbound::data::detail
