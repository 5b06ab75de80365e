#include "itbound/data/json_text.hpp"

#include <cmath>
#include <cstdio>

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
        out += Json(it.key()).dump();
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
      out += v.dump();
  }
}

}  // namespace

std::string to_json_text(const Json& value, int indent) {
  std::string out;
  write(value, indent, 0, out);
  return out;
}

}  // namespace itbound::data
