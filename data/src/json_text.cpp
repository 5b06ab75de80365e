#include "itbound/data/json_text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <cstdio>

#include "itbound/error.hpp"

namespace itbound::data {
namespace {

bool is_number_array(const Json& v) {
  for (const auto& e : v)
    if (!e.is_number()) return false;
  return true;
}

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
        append_string(out, it.key());
        out += indent < 0 ? ":" : ": ";
        write(it.value(), indent, depth + 1, out);
      }
      newline(depth);
      out += '}';
      return;
    }
    case Json::value_t::array: {
      if (v.empty()) { out += "[]"; return; }
      const bool inline_numbers = is_number_array(v);
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += inline_numbers && indent >= 0 ? ", " : ",";
        first = false;
        if (!inline_numbers) newline(depth + 1);
        write(e, indent, depth + 1, out);
      }
      if (!inline_numbers) newline(depth);
      out += ']';
      return;
    }
    case Json::value_t::number_float: append_number(out, v.get<double>()); return;
    case Json::value_t::string: append_string(out, v.get_ref<const std::string&>()); return;
    default:
      // Not reached for the types above; a replaced byte is never thrown (fuzzer find: an uncaught type_error 316
      // in a batch worker ended the process).
      out += v.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

}  // namespace

void append_number(std::string& out, double x) {
  if (std::isnan(x)) { out += "\"nan\""; return; }
  if (std::isinf(x)) { out += x > 0 ? "\"inf\"" : "\"-inf\""; return; }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

namespace {

// Whether any of the 8 bytes of x is a control character, '"', a backslash (the bytes JSON escapes) or >= 0x80 (a
// UTF-8 sequence, checked byte by byte).
bool may_need_escape(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const auto has_zero = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
  return (x & highs) | ((x - ones * 0x20) & ~x & highs) | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\'));
}

// Length of the well-formed UTF-8 sequence at s[i] (lead byte >= 0x80), or 0 if it is not one (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  const unsigned c = at(i);
  std::size_t length = 0;
  unsigned low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) length = 2;
  else if (c >= 0xE0 && c <= 0xEF) length = 3, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) length = 4, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
  else return 0;
  if (at(i + 1) < low || at(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  return length;
}

}  // namespace

void append_string(std::string& out, std::string_view s) {
  out += '"';
  // Runs of characters that need no escape are appended whole; eight bytes are checked at a time.
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 8 <= s.size() && (i & 7) == 0) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (!may_need_escape(word)) {
        i += 7;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (const std::size_t length = utf8_length(s, i)) {
        i += length - 1;
        continue;
      }
      // A byte that is not UTF-8 (a message quoting a user's line) becomes U+FFFD: the output stays valid JSON.
      out.append(s.substr(start, i - start));
      start = i + 1;
      out += "\xEF\xBF\xBD";
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(start, i - start));
    start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.substr(start));
  out += '"';
}

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
