#pragma once
// Plain numeric CSV: one row per line, comma-separated, '#' lines and blank lines skipped. A header row of names is
// allowed (any cell of the first row that is not a number makes it one), and a pandas index column after it (an
// empty first name or "Unnamed: 0") is dropped.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace itbound::data {

// The numbers and the column names (empty without a header row). Every row must have the same number of finite
// values; errors name `field` (the parameter the path came from).
struct CsvMatrix {
  Eigen::MatrixXd values;
  std::vector<std::string> names;
};
CsvMatrix read_csv_table(const std::string& path, const char* field);
Eigen::MatrixXd read_csv_matrix(const std::string& path, const char* field);

// All values of the file in reading order (one row or one column are both fine). With a header of several columns:
// the column named `key` (case ignored), else an error showing the header.
Eigen::VectorXd read_csv_vector(const std::string& path, const char* field, const std::string& key = {});
// The same from a table already read (path for messages only).
Eigen::VectorXd csv_vector(const CsvMatrix& table, const std::string& path, const char* field, const std::string& key);

// Integers separated by commas, spaces or newlines (e.g. example indices); with a header row (names), the one column
// of integers it names.
std::vector<std::int64_t> read_integer_list(const std::string& path, const char* field);

}  // namespace itbound::data
