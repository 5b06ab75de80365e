#pragma once
// Plain numeric CSV: one row per line, comma-separated, '#' lines and blank lines skipped.
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace itbound::data {

// Every row must have the same number of finite values; errors name `field` (the parameter the path came from).
Eigen::MatrixXd read_csv_matrix(const std::string& path, const char* field);
// All values of the file in reading order (one row or one column are both fine).
Eigen::VectorXd read_csv_vector(const std::string& path, const char* field);
// Integers separated by commas, spaces or newlines (e.g. example indices).
std::vector<std::int64_t> read_integer_list(const std::string& path, const char* field);

}  // namespace itbound::data
