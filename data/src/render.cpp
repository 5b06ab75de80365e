#include "itbound/data/render.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "itbound/error.hpp"

namespace itbound::data {
namespace {

// The fields of a Certificate (bounds/certificate.hpp): a result that is one certificate shows them in its bound
// row and its summary; the rest of such a result (a command's own additions) goes to the field rows.
const std::set<std::string> kCertificateKeys = {"name",       "value",  "raw_value", "direction",    "guarantee",
                                                "statement",  "quantity", "valid",   "applicable",   "reason",
                                                "delta",      "status", "inputs",    "delta_ledger", "assumptions",
                                                "details",    "reference"};

bool is_certificate(const Json& j) {
  return j.is_object() && j.contains("name") && j.contains("value") && j.contains("guarantee") && j.contains("reference");
}

bool is_certificate_list(const Json& j) {
  return j.is_array() && !j.empty() && std::all_of(j.begin(), j.end(), is_certificate);
}

double number_of(const Json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "nan") return std::nan("");
    if (s == "inf") return HUGE_VAL;
    if (s == "-inf") return -HUGE_VAL;
  }
  return std::nan("");
}

std::string text_of(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// End of the first "(YYYY)" or "(YYYYa)" with a year from 1800 to 2099 in part, or npos.
std::size_t end_of_year(const std::string& part) {
  const auto digit = [&](std::size_t i) { return i < part.size() && part[i] >= '0' && part[i] <= '9'; };
  for (std::size_t i = part.find('('); i != std::string::npos; i = part.find('(', i + 1)) {
    const std::string century = part.substr(i + 1, 2);
    if (century != "18" && century != "19" && century != "20") continue;
    if (!digit(i + 3) || !digit(i + 4)) continue;
    std::size_t close = i + 5;
    if (close < part.size() && part[close] >= 'a' && part[close] <= 'z') ++close;
    if (close < part.size() && part[close] == ')') return close + 1;
  }
  return std::string::npos;
}

// "Maurer (2004), A note on ... ; Seeger (2002), JMLR 3" -> "Maurer (2004); Seeger (2002)": authors and year of each
// source; a source without a year keeps its text up to the first comma.
std::string short_source(const std::string& paper) {
  std::string out;
  std::size_t start = 0;
  while (start <= paper.size()) {
    std::size_t end = paper.find("; ", start);
    if (end == std::string::npos) end = paper.size();
    std::string part = paper.substr(start, end - start);
    if (const auto year_end = end_of_year(part); year_end != std::string::npos) part = part.substr(0, year_end);
    else if (const auto comma = part.find(", "); comma != std::string::npos) part = part.substr(0, comma);
    if (!part.empty() && out.find(part) == std::string::npos) out += (out.empty() ? "" : "; ") + part;
    start = end + 2;
  }
  return out;
}

// The leading significant digits of |x| (exact: glibc prints the binary value's own decimal expansion) and the
// decimal exponent, truncated toward zero, in %g's layout ("0.05864", "1.234e+07"); zeros kept: they are digits.
std::string truncated(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", 24, std::fabs(x));
  std::string mantissa = std::string(1, buf[0]) + std::string(buf + 2, buf + 1 + digits);
  const int exponent = std::atoi(std::strchr(buf, 'e') + 1);
  std::string s;
  if (exponent < -5 || exponent >= digits) {
    s = mantissa.substr(0, 1) + (mantissa.size() > 1 ? "." + mantissa.substr(1) : "");
    std::snprintf(buf, sizeof buf, "e%+03d", exponent);
    s += buf;
  } else if (exponent < 0) {
    s = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + mantissa;
  } else {
    const auto point = static_cast<std::size_t>(exponent + 1);
    if (mantissa.size() <= point) s = mantissa + std::string(point - mantissa.size(), '0');
    else s = mantissa.substr(0, point) + "." + mantissa.substr(point);
  }
  return (x < 0 ? "-" : "") + s;
}

int significant_digits(const std::string& shortest) {
  int count = 0;
  bool leading = true;
  for (const char c : shortest) {
    if (c == 'e' || c == 'E') break;
    if (c < '0' || c > '9') continue;
    if (leading && c == '0') continue;
    leading = false;
    ++count;
  }
  return count;
}

// A number outside the bound table (an input, an estimate, a side result): as typed when it is short, else its
// first four significant digits and an ellipsis. Truncated, never rounded: the digits shown are the value's own, so
// no field reads as a bound it is not (the direction of a bound is known only in the bound table).
std::string field_number(double x) {
  const std::string exact = format_number(x);
  if (!std::isfinite(x) || significant_digits(exact) <= 6) return exact;
  return truncated(x, 4) + "\u2026";
}

std::string scalar_text(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return field_number(v.get<double>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    return s == "nan" || s == "inf" || s == "-inf" ? field_number(number_of(v)) : s;
  }
  return v.dump();
}

// Long texts in field rows are cut (the JSON output has them whole).
constexpr std::size_t kFieldTextLimit = 100;

std::string clipped(std::string s) {
  if (s.size() <= kFieldTextLimit) return s;
  std::size_t cut = kFieldTextLimit;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  const std::size_t space = s.rfind(' ', cut);
  s.resize(space != std::string::npos && space > kFieldTextLimit / 2 ? space : cut);
  return s + "\u2026";
}

// Numbers of an array (any nesting), for its summary.
void numbers_in(const Json& v, std::vector<double>& out, bool& numeric) {
  for (const Json& e : v) {
    if (e.is_array()) numbers_in(e, out, numeric);
    else if (e.is_number() || (e.is_string() && !std::isnan(number_of(e)))) out.push_back(number_of(e));
    else numeric = false;
  }
}

std::string array_text(const Json& v) {
  const bool flat = std::all_of(v.begin(), v.end(), [](const Json& e) { return !e.is_structured(); });
  if (flat && v.size() <= 4) {
    std::string s;
    for (const Json& e : v) s += (s.empty() ? "" : ", ") + scalar_text(e);
    return "[" + s + "]";
  }
  if (std::any_of(v.begin(), v.end(), [](const Json& e) { return e.is_object(); }))
    return std::to_string(v.size()) + (v.size() == 1 ? " entry" : " entries");
  std::vector<double> x;
  bool numeric = true;
  numbers_in(v, x, numeric);
  std::string shape = std::to_string(v.size());
  if (!flat && v.front().is_array()) shape += " x " + std::to_string(v.front().size());
  std::string s = shape + " values";
  if (numeric && !x.empty()) {
    const auto [lo, hi] = std::minmax_element(x.begin(), x.end(), [](double a, double b) { return a < b; });
    s += " in [" + field_number(*lo) + ", " + field_number(*hi) + "]";
  }
  return s;
}

// What a person reads, in the same order in every format.
struct BoundRow {
  std::string name, value, guarantee, status, delta, source;
  std::string reason;  // why it does not apply
};

struct BoundTable {
  std::string title;  // "bound", or the field holding the list when there are several
  std::vector<BoundRow> rows;
};

// A list of records that are not bounds (measures' per-measure rows): one column per scalar field, a nested object's
// scalars as "parent.key"; lists inside a record are left to the JSON output.
struct RecordTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct Layout {
  std::string summary;
  std::vector<BoundTable> tables;
  std::vector<RecordTable> records;
  std::vector<std::pair<std::string, std::string>> fields;
  std::set<std::string> guarantees;  // kinds present
};

BoundRow bound_row(const Json& b) {
  const std::string direction = b.value("direction", "upper");
  const bool applies = b.value("applicable", false);
  const bool valid = b.contains("valid") && b["valid"].is_boolean() && b["valid"].get<bool>();
  const double value = number_of(b["value"]);
  const double delta = number_of(b.value("delta", Json(0.0)));
  BoundRow row;
  row.name = b["name"].get<std::string>() + (direction == "lower" ? " (>=)" : "");
  row.value = std::isnan(value) ? "-" : shown_number(value, direction);
  row.guarantee = text_of(b, "guarantee");
  row.status = !applies ? "does not apply" : valid ? "valid" : "applies";
  if (text_of(b, "status") == "not_converged") row.status += " (not converged)";
  row.delta = delta > 0 ? format_delta(delta) : "-";
  row.source = b.contains("reference") ? short_source(text_of(b["reference"], "paper")) : "";
  if (!applies) row.reason = text_of(b, "reason");
  return row;
}

bool is_record_list(const Json& j) {
  return j.is_array() && !j.empty() &&
         std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_object() && !is_certificate(e); });
}

RecordTable record_table(const std::string& title, const Json& list) {
  std::vector<std::vector<std::string>> paths;
  for (auto it = list.front().begin(); it != list.front().end(); ++it) {
    if (it.value().is_object()) {
      for (auto sub = it.value().begin(); sub != it.value().end(); ++sub)
        if (!sub.value().is_structured()) paths.push_back({it.key(), sub.key()});
    } else if (!it.value().is_structured()) {
      paths.push_back({it.key()});
    }
  }
  RecordTable t{title, {}, {}};
  for (const auto& p : paths) t.header.push_back(p.size() == 1 ? p[0] : p[0] + "." + p[1]);
  for (const Json& record : list) {
    std::vector<std::string> row;
    for (const auto& p : paths) {
      const Json* v = &record;
      for (const auto& key : p) v = v->is_object() && v->contains(key) ? &(*v)[key] : nullptr;
      row.push_back(v && !v->is_null() ? scalar_text(*v) : "-");
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// An object that only names a bound of the tables and repeats its value (pac-bayes' best): already shown there.
bool names_a_bound(const Json& v, const std::set<std::string>& bounds) {
  return v.is_object() && v.size() == 2 && v.contains("name") && v.contains("value") && v["name"].is_string() &&
         bounds.count(v["name"].get<std::string>());
}

// Scalars of `j` as (key, text) rows; nested objects give "parent.key"; nulls, empty texts, empty arrays and pointers
// to bounds of the tables skipped.
void collect_fields(const Json& j, const std::string& prefix, const std::set<std::string>& bounds,
                    std::vector<std::pair<std::string, std::string>>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix + it.key();
    const Json& v = it.value();
    if (it.key() == "summary" || is_certificate_list(v) || is_certificate(v) || v.is_null() || names_a_bound(v, bounds) ||
        (prefix.empty() && is_record_list(v)))
      continue;
    if (v.is_object()) collect_fields(v, key + ".", bounds, out);
    else if (v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_string(); })) {
      // Texts (notes): one row each, the key on the first.
      for (std::size_t i = 0; i < v.size(); ++i) out.emplace_back(i ? "" : key, clipped(v[i].get<std::string>()));
    } else if (v.is_array()) {
      if (!v.empty()) out.emplace_back(key, array_text(v));
    } else if (!(v.is_string() && v.get_ref<const std::string&>().empty())) {
      out.emplace_back(key, clipped(scalar_text(v)));
    }
  }
}

// One line for a result that is a single bound.
std::string certificate_summary(const Json& c) {
  const std::string name = c["name"].get<std::string>();
  if (!c.value("applicable", false)) return name + ": does not apply (" + text_of(c, "reason") + ")";
  const std::string direction = c.value("direction", "upper");
  const std::string value = shown_number(number_of(c["value"]), direction);
  const std::string quantity = text_of(c, "quantity").empty() ? name : text_of(c, "quantity");
  const std::string relation = (direction == "lower" ? " >= " : " <= ") + value;
  const std::string guarantee = text_of(c, "guarantee");
  if (guarantee == "certificate")
    return name + " = " + value + ": with probability >= 1 - " + format_delta(number_of(c["delta"])) + ", " +
           quantity + relation;
  if (guarantee == "expectation-bound") return name + " = " + value + ": " + quantity + relation + " (in expectation)";
  if (guarantee == "estimated-bound")
    return name + " = " + value + ": " + quantity + relation + " at estimated information terms (not a guarantee)";
  return name + " = " + value + ": an estimate of " + quantity;
}

Layout layout_of(const Json& result) {
  Layout out;
  const bool single = is_certificate(result);
  if (result.contains("summary") && result["summary"].is_string()) out.summary = result["summary"].get<std::string>();
  else if (single) out.summary = certificate_summary(result);
  const auto add_table = [&](const std::string& title, const Json& list) {
    BoundTable t{title, {}};
    for (const Json& b : list) {
      t.rows.push_back(bound_row(b));
      out.guarantees.insert(text_of(b, "guarantee"));
    }
    out.tables.push_back(std::move(t));
  };
  if (single) add_table("bound", Json::array({result}));
  for (auto it = result.begin(); it != result.end(); ++it) {
    if (single && kCertificateKeys.count(it.key())) continue;
    if (is_certificate_list(it.value())) add_table(it.key(), it.value());
    else if (is_certificate(it.value())) add_table(it.key(), Json::array({it.value()}));
    else if (!single && is_record_list(it.value())) out.records.push_back(record_table(it.key(), it.value()));
  }
  if (out.tables.size() == 1 || (!out.tables.empty() && out.tables.front().title == "bounds"))
    out.tables.front().title = "bound";
  std::set<std::string> bounds;
  for (const BoundTable& t : out.tables)
    for (const BoundRow& r : t.rows) bounds.insert(r.name);
  if (single) {
    Json own = Json::object();
    for (auto it = result.begin(); it != result.end(); ++it)
      if (!kCertificateKeys.count(it.key())) own[it.key()] = it.value();
    if (result.contains("inputs")) collect_fields(result["inputs"], "inputs.", bounds, out.fields);
    if (result.contains("details")) collect_fields(result["details"], "", bounds, out.fields);
    collect_fields(own, "", bounds, out.fields);
  } else {
    collect_fields(result, "", bounds, out.fields);
  }
  return out;
}

// One short line on what each guarantee shown means.
std::string legend(const std::set<std::string>& present) {
  static const std::pair<const char*, const char*> meanings[] = {
      {"certificate", "holds with probability >= 1 - delta"},
      {"expectation-bound", "bounds an expectation, no delta spent"},
      {"estimated-bound", "an expectation bound at estimated terms, not a guarantee"},
      {"estimate", "an estimate, not a bound"}};
  std::string s;
  for (const auto& [kind, meaning] : meanings)
    if (present.count(kind)) s += (s.empty() ? "" : "; ") + std::string(kind) + ": " + meaning;
  return s.empty() ? s : s + ".";
}

// ---- text ----

std::size_t width_of(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // UTF-8 lead bytes
  return n;
}

std::string pad(std::string s, std::size_t width) {
  if (const std::size_t w = width_of(s); w < width) s.append(width - w, ' ');
  return s;
}

std::vector<std::string> cells_of(const BoundRow& r) { return {r.name, r.value, r.guarantee, r.status, r.delta, r.source}; }

std::vector<std::string> header_of(const BoundTable& t) { return {t.title, "value", "guarantee", "status", "delta", "source"}; }

// Columns padded to their widest cell; the first line is the header.
std::string text_columns(const std::vector<std::vector<std::string>>& lines) {
  std::vector<std::size_t> width(lines.front().size(), 0);
  for (const auto& cells : lines)
    for (std::size_t c = 0; c < cells.size(); ++c) width[c] = std::max(width[c], width_of(cells[c]));
  std::string out;
  for (const auto& cells : lines) {
    std::string s;
    for (std::size_t c = 0; c < cells.size(); ++c) s += (c ? "  " : "") + (c + 1 < cells.size() ? pad(cells[c], width[c]) : cells[c]);
    out += s + "\n";
  }
  return out;
}

std::string render_text(const Layout& l) {
  std::string out;
  if (!l.summary.empty()) out += l.summary + "\n\n";
  for (const BoundTable& t : l.tables) {
    std::vector<std::vector<std::string>> lines = {header_of(t)};
    for (const BoundRow& r : t.rows) lines.push_back(cells_of(r));
    out += text_columns(lines);
    for (const BoundRow& r : t.rows)
      if (!r.reason.empty()) out += "  " + r.name + " does not apply: " + r.reason + "\n";
    out += "\n";
  }
  for (const RecordTable& t : l.records) {
    std::vector<std::vector<std::string>> lines = {t.header};
    lines.insert(lines.end(), t.rows.begin(), t.rows.end());
    out += t.title + "\n" + text_columns(lines) + "\n";
  }
  std::size_t key_width = 0;
  for (const auto& f : l.fields) key_width = std::max(key_width, width_of(f.first));
  for (const auto& [k, v] : l.fields) out += pad(k, key_width) + "  " + v + "\n";
  if (const std::string g = legend(l.guarantees); !g.empty()) out += (l.fields.empty() ? "" : "\n") + g + "\n";
  return out;
}

// ---- Markdown ----

std::string markdown_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '|' || c == '*' || c == '<' || c == '`' || c == '\\') (out += '\\') += c;
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string markdown_row(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const auto& c : cells) {
    line += ' ';
    line += markdown_escape(c);
    line += " |";
  }
  return line + "\n";
}

std::string render_markdown(const Layout& l) {
  std::string out;
  if (!l.summary.empty()) out += "**" + markdown_escape(l.summary) + "**\n\n";
  for (const BoundTable& t : l.tables) {
    out += markdown_row(header_of(t)) + "|---|---:|---|---|---:|---|\n";
    for (const BoundRow& r : t.rows) out += markdown_row(cells_of(r));
    out += "\n";
    bool notes = false;
    for (const BoundRow& r : t.rows)
      if (!r.reason.empty()) out += "- " + markdown_escape(r.name) + " does not apply: " + markdown_escape(r.reason) + "\n", notes = true;
    if (notes) out += "\n";
  }
  for (const RecordTable& t : l.records) {
    out += "**" + markdown_escape(t.title) + "**\n\n" + markdown_row(t.header) + "|";
    for (std::size_t c = 0; c < t.header.size(); ++c) out += "---|";
    out += "\n";
    for (const auto& row : t.rows) out += markdown_row(row);
    out += "\n";
  }
  if (!l.fields.empty()) {
    out += "| field | value |\n|---|---|\n";
    for (const auto& [k, v] : l.fields) out += markdown_row({k, v});
    out += "\n";
  }
  if (const std::string g = legend(l.guarantees); !g.empty()) out += "*" + markdown_escape(g) + "*\n";
  return out;
}

// ---- LaTeX ----

// Text for LaTeX's text mode, compilable by pdflatex with its default UTF-8 input: specials escaped, the symbols
// itbound's texts use as math, Latin-1 letters kept (the default input encoding maps them), anything else '?'.
std::string latex_escape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '&': case '%': case '$': case '#': case '_': case '{': case '}': out += '\\'; out += static_cast<char>(c); break;
        case '~': out += "\\textasciitilde{}"; break;
        case '^': out += "\\textasciicircum{}"; break;
        case '\\': out += "\\textbackslash{}"; break;
        case '<': out += "\\ensuremath{<}"; break;
        case '>': out += "\\ensuremath{>}"; break;
        case '|': out += "\\textbar{}"; break;
        case '\n': out += ' '; break;
        default: out += static_cast<char>(c);
      }
      continue;
    }
    // Decode one UTF-8 sequence (a malformed byte counts as one unknown character).
    const int length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    char32_t cp = length == 1 ? 0xFFFD : c & (0x7F >> length);
    for (int k = 1; k < length; ++k)
      cp = i + k < s.size() ? (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F) : 0xFFFD;
    const std::string bytes = s.substr(i, static_cast<std::size_t>(length));
    i += static_cast<std::size_t>(length);
    switch (cp) {
      case U'\u2026': out += "\\ldots{}"; break;
      case U'\u2264': out += "\\ensuremath{\\leq}"; break;
      case U'\u2265': out += "\\ensuremath{\\geq}"; break;
      case U'\u2212': out += "\\ensuremath{-}"; break;
      case U'\u00d7': out += "\\ensuremath{\\times}"; break;
      case U'\u2013': out += "--"; break;
      case U'\u2014': out += "---"; break;
      case U'\u2016': out += "\\ensuremath{\\|}"; break;
      case U'\u03b4': out += "\\ensuremath{\\delta}"; break;
      case U'\u03b5': out += "\\ensuremath{\\varepsilon}"; break;
      case U'\u03bb': out += "\\ensuremath{\\lambda}"; break;
      case U'\u03be': out += "\\ensuremath{\\xi}"; break;
      case U'\u03c0': out += "\\ensuremath{\\pi}"; break;
      case U'\u03c3': out += "\\ensuremath{\\sigma}"; break;
      default: out += cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7 ? bytes : "?";
    }
  }
  return out;
}

std::string latex_row(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t c = 0; c < cells.size(); ++c) line += (c ? " & " : "") + latex_escape(cells[c]);
  return line + " \\\\\n";
}

// A table float (booktabs rules) with the summary as its caption: paste into a paper, or \input it.
std::string render_latex(const Layout& l) {
  std::string out = "\\begin{table}[htbp]\n\\centering\n";
  if (!l.summary.empty()) out += "\\caption{" + latex_escape(l.summary) + "}\n";
  for (const BoundTable& t : l.tables) {
    out += "\\begin{tabular}{lrllrl}\n\\toprule\n";
    out += latex_escape(t.title == "bound" ? "Bound" : t.title) + " & Value & Guarantee & Status & $\\delta$ & Source \\\\\n";
    out += "\\midrule\n";
    for (const BoundRow& r : t.rows) out += latex_row(cells_of(r));
    out += "\\bottomrule\n\\end{tabular}\n\\par\\medskip\n";
  }
  for (const RecordTable& t : l.records) {
    out += "% " + t.title + "\n\\begin{tabular}{" + std::string(t.header.size(), 'l') + "}\n\\toprule\n" + latex_row(t.header) +
           "\\midrule\n";
    for (const auto& row : t.rows) out += latex_row(row);
    out += "\\bottomrule\n\\end{tabular}\n\\par\\medskip\n";
  }
  if (!l.fields.empty()) {
    out += "\\begin{tabular}{lp{0.6\\linewidth}}\n\\toprule\nField & Value \\\\\n\\midrule\n";
    for (const auto& [k, v] : l.fields) out += latex_row({k, v});
    out += "\\bottomrule\n\\end{tabular}\n\\par\\medskip\n";
  }
  std::string notes;
  for (const BoundTable& t : l.tables)
    for (const BoundRow& r : t.rows)
      if (!r.reason.empty()) notes += latex_escape(r.name + " does not apply: " + r.reason) + ".\\\\\n";
  if (const std::string g = legend(l.guarantees); !g.empty()) notes += latex_escape(g) + "\n";
  if (!notes.empty()) out += "{\\footnotesize\n" + notes + "}\n";
  out += "\\end{table}\n";
  return out;
}

}  // namespace

Format parse_format(std::string_view name, const char* field) {
  if (name == "json") return Format::json;
  if (name == "table") return Format::table;
  if (name == "markdown") return Format::markdown;
  if (name == "latex") return Format::latex;
  fail(field, "must be one of: json, table, markdown, latex, got " + std::string(name));
}

std::string shown_number(double x, std::string_view direction, int digits) {
  return format_rounded(x, direction == "upper" ? 1 : direction == "lower" ? -1 : 0, digits);
}

std::string render(const Json& result, Format format) {
  if (format == Format::json) return to_json_text(result) + "\n";
  if (!result.is_object()) fail("result", "must be a JSON object to render as a table");
  const Layout l = layout_of(result);
  switch (format) {
    case Format::table: return render_text(l);
    case Format::markdown: return render_markdown(l);
    case Format::latex: return render_latex(l);
    case Format::json: break;
  }
  return {};
}

}  // namespace itbound::data
