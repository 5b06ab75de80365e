#pragma once
// Shared by the reader tests: a temporary file holding some text, and the message a reader throws for a file.
#include <filesystem>
#include <fstream>
#include <string>

#include "itbound/error.hpp"

namespace itbound::testing {

inline std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("itbound-test-" + name);
  std::ofstream(path) << text;
  return path.string();
}

// The InvalidArgument message of read(path, lo, hi), or "" when it reads the file.
template <class Read>
std::string reader_error(Read read, const std::string& path, double lo, double hi) {
  try {
    read(path, lo, hi);
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "";
}

}  // namespace itbound::testing
