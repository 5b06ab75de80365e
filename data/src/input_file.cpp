#include "itbound/data/input_file.hpp"

#include <sstream>
#include <system_error>

#include "itbound/error.hpp"

namespace itbound::data {

void require_input_file(const std::filesystem::path& path, const std::string& field) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InvalidArgument(field, "'" + path.string() + "' does not exist");
  if (std::filesystem::is_directory(status))
    throw InvalidArgument(field, "'" + path.string() + "' is a directory, not a file");
}

std::ifstream open_input_file(const std::filesystem::path& path, const std::string& field, bool binary) {
  require_input_file(path, field);
  std::ifstream in(path, binary ? std::ios::in | std::ios::binary : std::ios::in);
  if (!in) throw InvalidArgument(field, "cannot open '" + path.string() + "' for reading");
  return in;
}

std::string read_text_file(const std::filesystem::path& path, const std::string& field) {
  std::ifstream in = open_input_file(path, field, true);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InvalidArgument(field, "cannot read '" + path.string() + "'");
  return text.str();
}

}  // namespace itbound::data
