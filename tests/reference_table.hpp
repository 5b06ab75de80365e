#pragma once
// Reads the committed high-precision reference tables in data/reference/ (CSV with a header row).
#include <map>
#include <string>
#include <vector>

namespace itbound::test {

using Row = std::map<std::string, std::string>;

// Rows of data/reference/<name>; lines starting with '#' are comments. Fails the test if missing.
std::vector<Row> read_reference(const std::string& name);

double number(const Row& row, const std::string& column);

}  // namespace itbound::test
