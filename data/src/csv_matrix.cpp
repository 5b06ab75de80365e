#include "itbound/data/csv_matrix.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "itbound/data/input_file.hpp"
#include "itbound/error.hpp"

namespace itbound::data {
namespace {

std::ifstream open(const std::string& path, const char* field) { return open_input_file(path, field); }

bool skipped(const std::string& line) {
  const auto first = line.find_first_not_of(" \t\r");
  return first == std::string::npos || line[first] == '#';
}

}  // namespace

Eigen::MatrixXd read_csv_matrix(const std::string& path, const char* field) {
  std::ifstream in = open(path, field);
  std::vector<double> values;
  Eigen::Index cols = -1, rows = 0;
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (skipped(line)) continue;
    std::stringstream cells(line);
    std::string cell;
    Eigen::Index count = 0;
    while (std::getline(cells, cell, ',')) {
      char* end = nullptr;
      errno = 0;
      const double v = std::strtod(cell.c_str(), &end);
      const auto rest = std::string(end).find_first_not_of(" \t\r");
      if (end == cell.c_str() || rest != std::string::npos || !std::isfinite(v))
        fail(field, path + " line " + std::to_string(line_no) + ": '" + cell + "' is not a finite number");
      values.push_back(v);
      ++count;
    }
    if (cols >= 0 && count != cols)
      fail(field, path + " line " + std::to_string(line_no) + ": " + std::to_string(count) + " values, expected " +
                      std::to_string(cols));
    cols = count;
    ++rows;
  }
  if (rows == 0) fail(field, path + " holds no rows");
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(values.data(), rows, cols);
}

Eigen::VectorXd read_csv_vector(const std::string& path, const char* field) {
  const Eigen::MatrixXd m = read_csv_matrix(path, field);
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = m;
  return Eigen::Map<const Eigen::VectorXd>(rows.data(), rows.size());
}

std::vector<std::int64_t> read_integer_list(const std::string& path, const char* field) {
  std::ifstream in = open(path, field);
  std::vector<std::int64_t> out;
  std::string token;
  while (in >> token) {
    std::stringstream parts(token);
    std::string part;
    while (std::getline(parts, part, ',')) {
      if (part.empty()) continue;
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(part.c_str(), &end, 10);
      if (end == part.c_str() || *end != '\0' || errno != 0) fail(field, path + ": '" + part + "' is not an integer");
      out.push_back(v);
    }
  }
  return out;
}

}  // namespace itbound::data
