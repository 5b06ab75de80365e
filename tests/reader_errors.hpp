#pragma once
// Shared by the tests: a temporary file holding some text, and the message a call (a reader on a file) throws.
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
