#include "itbound/data/json_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "itbound/error.hpp"

namespace itbound::data {
namespace {

void write(const Json& v, int indent, int depth, std::string& out) {
  const auto newline = [&](int d) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * d), ' ');
  };
  switch (v.type()) {
    case Json::value_t::object: {
      if (v.empty()) { out += "{}"; return; }
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        out += Json(it.key()).dump(-1, ' ', false, Json::error_handler_t::replace);
        out += indent < 0 ? ":" : ": ";
        write(it.value(), indent, depth + 1, out);
      }
      newline(depth);
      out += '}';
      return;
    }
    case Json::value_t::array: {
      if (v.empty()) { out += "[]"; return; }
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        write(e, indent, depth + 1, out);
      }
      newline(depth);
      out += ']';
      return;
    }
    case Json::value_t::number_float: {
      const double x = v.get<double>();
      if (std::isnan(x)) { out += "\"nan\""; return; }
      if (std::isinf(x)) { out += x > 0 ? "\"inf\"" : "\"-inf\""; return; }
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", x);
      out += buf;
      return;
    }
    default:
      // Strings may carry a user's bytes (a message quoting a line that is not UTF-8): replaced by U+FFFD, not
      // thrown (the fuzzer's first find: an uncaught type_error 316 in a batch worker ended the process).
      out += v.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

}  // namespace

int json_nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

Json parse_json(std::string_view text, const std::string& field, const std::string& what) {
  if (json_nesting_depth(text) > kMaxJsonDepth)
    throw InvalidArgument(field, what + " nests arrays or objects deeper than " + std::to_string(kMaxJsonDepth) +
                                     " levels");
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    // A parse_error gives the byte offset and the last token read (a long token is cut); number overflow is an
    // out_of_range.
    throw InvalidArgument(field, what + " is not valid JSON: " + brief_text(e.what(), 200));
  }
}

std::string brief_text(std::string_view text, std::size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  return std::string(text.substr(0, max_chars)) + "... (" + std::to_string(text.size()) + " characters)";
}

std::string brief(const Json& value, std::size_t max_chars) {
  // Values reaching a message are at most kMaxJsonDepth deep (parse_json, the Python conversion), so dump's
  // recursion is bounded; strings are shown as they are.
  return brief_text(value.is_string() ? value.get_ref<const std::string&>()
                                       : value.dump(-1, ' ', false, Json::error_handler_t::replace),
                    max_chars);
}

std::string to_json_text(const Json& value, int indent) {
  std::string out;
  write(value, indent, 0, out);
  return out;
}

}  // namespace itbound::data
