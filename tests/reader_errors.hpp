#pragma once
// Shared by the tests: a temporary file holding some text, and the message a call (a reader on a file) throws.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "itbound/error.hpp"

namespace itbound::testing {

inline std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("itbound-test-" + name);
  std::ofstream(path) << text;
  return path.string();
}

// A long-form CSV as pandas might write it: columns in the order `order` (indices into the header), a column "note"
// the readers must ignore, and a leading index column with an empty name.
inline std::string rearranged(const std::string& csv, const std::vector<std::size_t>& order) {
  std::istringstream in(csv);
  std::string out, line;
  for (std::size_t row = 0; std::getline(in, line); ++row) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    out += row == 0 ? "" : std::to_string(row - 1);
    for (const std::size_t i : order) out += "," + cells.at(i);
    out += row == 0 ? ",note\n" : ",x\n";
  }
  return out;
}

inline std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The InvalidArgument message of f(), or "" when it does not throw.
template <class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "";
}

// The InvalidArgument message of read(path, lo, hi), or "" when it reads the file.
template <class Read>
std::string reader_error(Read read, const std::string& path, double lo, double hi) {
  return error_message([&] { read(path, lo, hi); });
}

}  // namespace itbound::testing
