#include "itbound/data/json_text.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <cstdio>

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
    default: out += v.dump();
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

// Whether any of the 8 bytes of x is a control character, '"' or a backslash (the bytes JSON escapes); exact for
// bytes below 0x80 and may report a byte >= 0x80 too (the caller then checks byte by byte).
bool may_need_escape(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const auto has_zero = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
  return ((x - ones * 0x20) & ~x & highs) | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\'));
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

std::string to_json_text(const Json& value, int indent) {
  std::string out;
  write(value, indent, 0, out);
  return out;
}

}  // namespace itbound::data
