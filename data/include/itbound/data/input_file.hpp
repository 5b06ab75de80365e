#pragma once
// Opening a user's input file: the one place that says what is wrong with a path (missing, a directory, not
// readable), naming the parameter it came from, before any parser sees the bytes (a directory read as a trajectory
// file used to come back as a JSON syntax error).
#include <filesystem>
#include <fstream>
#include <string>

namespace itbound::data {

// Throws InvalidArgument(field, ...) unless `path` names an existing file that is not a directory.
void require_input_file(const std::filesystem::path& path, const std::string& field);

// The file opened for reading (binary: no newline translation), after require_input_file.
std::ifstream open_input_file(const std::filesystem::path& path, const std::string& field, bool binary = false);

// The whole file as text.
std::string read_text_file(const std::filesystem::path& path, const std::string& field);

}  // namespace itbound::data
