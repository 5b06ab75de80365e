#pragma once
// Internal to data/: CSV as people write it, for every CSV reader (runs, leave-one-out runs, matrices, number lists).
// Columns are found by name in any order, extra columns are ignored, a pandas index column (an empty first header
// cell or "Unnamed: 0") is dropped, and errors show the header found beside the names expected.
#include <cstddef>
#include <string>
#include <vector>

namespace itbound::data::detail {

struct CsvRow {
  std::size_t line;  // 1-based line of the file
  std::vector<std::string> cells;
};

struct CsvTable {
  std::vector<std::string> header;  // names as found, trimmed; empty when the file has no header row
  std::vector<CsvRow> rows;         // every row has header.size() cells (or the first row's count, without header)
};

enum class Header { required, detect };

// Comma-separated fields, double quotes around a field allowed ("" inside is a quote), cells trimmed; blank lines and
// lines starting with '#' skipped. With Header::detect the first row is a header when looks_like_header: a first row
// that mixes numbers and other text is data, so a typo or "NA" there is an error naming the cell, never a row silently
// taken for a header. Errors name `field` and the line.
CsvTable parse_csv(const std::string& text, Header header, const std::string& field);

// A header row: no cell is a number, or the first cell is empty (pandas' index column, e.g. ",0,1,2").
bool looks_like_header(const std::vector<std::string>& cells);

// Drops a pandas index column: the first column when its header cell is empty or "Unnamed: 0".
void drop_index_column(CsvTable& table);

// For each name of `wanted` (the first `required` of them must be present, the rest may be absent: npos), the column
// whose header matches it (case and surrounding spaces ignored); other columns are ignored. A wanted name that two
// columns match is ambiguous. Errors show the header found and the names expected.
std::vector<std::size_t> columns_by_name(const CsvTable& table, const std::vector<std::string>& wanted,
                                         std::size_t required, const std::string& field);

// "'a,b,c'": the header as found, for messages.
std::string header_text(const CsvTable& table);

// One cell as a finite number; errors name the field and the line.
double csv_number(const std::string& cell, const std::string& field, std::size_t line);

}  // namespace itbound::data::detail
