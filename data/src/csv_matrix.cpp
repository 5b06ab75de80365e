#include "itbound/data/csv_matrix.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "csv_table.hpp"
#include "itbound/data/input_file.hpp"
#include "itbound/error.hpp"

namespace itbound::data {
namespace {

std::string file_text(const std::string& path, const char* field) { return read_text_file(path, field); }

detail::CsvTable table_of(const std::string& path, const char* field) {
  detail::CsvTable t = detail::parse_csv(file_text(path, field), detail::Header::detect, std::string(field));
  detail::drop_index_column(t);
  if (t.rows.empty()) fail(field, path + " holds no rows");
  return t;
}

std::int64_t integer_of(const std::string& part, const char* field, const std::string& path) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(part.c_str(), &end, 10);
  if (part.empty() || end != part.c_str() + part.size() || errno != 0)
    fail(field, path + ": '" + part + "' is not an integer");
  return v;
}

// Whether the first line that is neither blank nor a comment is a header row, by the CSV tables' rule
// (detail::looks_like_header), its tokens split at commas and blanks (integer lists may be written either way).
bool has_header(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (line[first] == ',' || line[first] == '"') return true;  // an empty first name, or quoted names
    for (char& c : line)
      if (c == ',') c = ' ';
    std::istringstream tokens(line);
    std::vector<std::string> cells;
    for (std::string token; tokens >> token;) cells.push_back(token);
    return detail::looks_like_header(cells);
  }
  return false;
}

}  // namespace

CsvMatrix read_csv_table(const std::string& path, const char* field) {
  const detail::CsvTable t = table_of(path, field);
  const auto cols = static_cast<Eigen::Index>(t.rows.front().cells.size());
  CsvMatrix m{Eigen::MatrixXd(static_cast<Eigen::Index>(t.rows.size()), cols), t.header};
  for (std::size_t r = 0; r < t.rows.size(); ++r)
    for (Eigen::Index c = 0; c < cols; ++c)
      m.values(static_cast<Eigen::Index>(r), c) =
          detail::csv_number(t.rows[r].cells[static_cast<std::size_t>(c)], field, t.rows[r].line);
  return m;
}

Eigen::MatrixXd read_csv_matrix(const std::string& path, const char* field) { return read_csv_table(path, field).values; }

Eigen::VectorXd read_csv_vector(const std::string& path, const char* field, const std::string& key) {
  return csv_vector(read_csv_table(path, field), path, field, key);
}

Eigen::VectorXd csv_vector(const CsvMatrix& m, const std::string& path, const char* field, const std::string& key) {
  if (m.names.size() > 1) {
    detail::CsvTable header{m.names, {}};
    if (key.empty())
      fail(field, path + ": found header " + detail::header_text(header) + "; expected one column of numbers");
    return m.values.col(static_cast<Eigen::Index>(detail::columns_by_name(header, {key}, 1, field).front()));
  }
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = m.values;
  return Eigen::Map<const Eigen::VectorXd>(rows.data(), rows.size());
}

std::vector<std::int64_t> read_integer_list(const std::string& path, const char* field) {
  const std::string text = file_text(path, field);
  std::vector<std::int64_t> out;
  if (has_header(text)) {
    detail::CsvTable t = detail::parse_csv(text, detail::Header::required, field);
    detail::drop_index_column(t);
    if (t.header.size() != 1)
      fail(field, path + ": found header " + detail::header_text(t) + "; expected one column of integers");
    for (const auto& row : t.rows) out.push_back(integer_of(row.cells.front(), field, path));
    return out;
  }
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    std::stringstream parts(token);
    std::string part;
    while (std::getline(parts, part, ','))
      if (!part.empty()) out.push_back(integer_of(part, field, path));
  }
  return out;
}

}  // namespace itbound::data
