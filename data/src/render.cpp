#include "itbound/data/render.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "itbound/error.hpp"

namespace itbound::data {
namespace {

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

std::string scalar_text(const Json& v) {
  if (v.is_null()) return "-";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return shown_number(v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// One row per bound: name, value, guarantee, status, delta, source.
struct Row {
  std::vector<std::string> cells;
  std::string note;  // why it does not apply
};

std::vector<Row> bound_rows(const Json& list) {
  std::vector<Row> rows;
  for (const Json& b : list) {
    const std::string direction = b.value("direction", "upper");
    const bool applies = b.value("applicable", false);
    const Json& valid = b.contains("valid") ? b["valid"] : Json();
    const std::string status = !applies ? "does not apply" : valid.is_boolean() ? "valid" : "applies";
    std::string name = b["name"].get<std::string>() + (direction == "lower" ? " (>=)" : "");
    const double delta = number_of(b.value("delta", Json(0.0)));
    rows.push_back({{name, shown_number(number_of(b["value"]), direction), b.value("guarantee", ""), status,
                     delta > 0 ? shown_number(delta) : "-", b["reference"].value("paper", "")},
                    applies ? "" : b.value("reason", "")});
  }
  return rows;
}

const std::vector<std::string> kHeader = {"bound", "value", "guarantee", "status", "delta", "source"};

const char* kLegend =
    "certificate: holds with probability >= 1 - delta; expectation-bound: bounds an expectation given exact inputs; "
    "estimated-bound: an expectation bound at estimates from finitely many runs (not a guarantee); estimate: an "
    "estimate, not a bound.";

bool is_record_list(const Json& j) {
  return j.is_array() && !j.empty() &&
         std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_object() && !is_certificate(e); });
}

// A list of records (not bounds) as a table: one column per scalar field, a nested object's scalars as
// "parent.key"; lists inside a record are left to the JSON output.
std::pair<std::vector<std::string>, std::vector<Row>> record_table(const Json& list) {
  std::vector<std::vector<std::string>> paths;
  for (auto it = list.front().begin(); it != list.front().end(); ++it) {
    if (it.value().is_object()) {
      for (auto sub = it.value().begin(); sub != it.value().end(); ++sub)
        if (!sub.value().is_structured()) paths.push_back({it.key(), sub.key()});
    } else if (!it.value().is_structured()) {
      paths.push_back({it.key()});
    }
  }
  std::vector<std::string> header;
  for (const auto& p : paths) header.push_back(p.size() == 1 ? p[0] : p[0] + "." + p[1]);
  std::vector<Row> rows;
  for (const Json& record : list) {
    Row row;
    for (const auto& p : paths) {
      const Json* v = &record;
      for (const auto& key : p) v = v->is_object() && v->contains(key) ? &(*v)[key] : nullptr;
      row.cells.push_back(v ? scalar_text(*v) : "-");
    }
    rows.push_back(std::move(row));
  }
  return {header, rows};
}

std::vector<std::pair<std::string, Json>> record_lists(const Json& result) {
  std::vector<std::pair<std::string, Json>> lists;
  if (!is_certificate(result))
    for (auto it = result.begin(); it != result.end(); ++it)
      if (is_record_list(it.value())) lists.emplace_back(it.key(), it.value());
  return lists;
}

// The scalar fields outside the bound lists, as (key, text) pairs; nested objects give "parent.key"; arrays are
// summarised by their length.
void collect_fields(const Json& j, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix + it.key();
    const Json& v = it.value();
    if (it.key() == "summary" || is_certificate_list(v) || is_certificate(v) || v.is_null() ||
        (prefix.empty() && is_record_list(v)))
      continue;
    if (v.is_object()) collect_fields(v, key + ".", out);
    else if (v.is_array()) {
      if (v.empty()) continue;
      if (v.size() <= 4 && std::all_of(v.begin(), v.end(), [](const Json& e) { return !e.is_structured(); })) {
        std::string s;
        for (const Json& e : v) s += (s.empty() ? "" : ", ") + scalar_text(e);
        out.emplace_back(key, "[" + s + "]");
      } else {
        out.emplace_back(key, "(" + std::to_string(v.size()) + " values)");
      }
    } else if (!v.is_null()) {
      out.emplace_back(key, scalar_text(v));
    }
  }
}

std::string pad(std::string s, std::size_t width) {
  // Width in characters: count UTF-8 lead bytes only.
  std::size_t shown = 0;
  for (const char c : s) shown += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (shown < width) s.append(width - shown, ' ');
  return s;
}

std::string text_table(const std::vector<std::string>& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const Row& r : rows)
    for (std::size_t c = 0; c < r.cells.size(); ++c) width[c] = std::max(width[c], r.cells[c].size());
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t c = 0; c < cells.size(); ++c) s += (c ? "  " : "") + (c + 1 < cells.size() ? pad(cells[c], width[c]) : cells[c]);
    return s + "\n";
  };
  std::string out = line(header);
  for (const Row& r : rows) {
    out += line(r.cells);
    if (!r.note.empty()) out += "    does not apply: " + r.note + "\n";
  }
  return out;
}

std::string markdown_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string latex_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': case '%': case '$': case '#': case '_': case '{': case '}': out += '\\'; out += c; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '\\': out += "\\textbackslash{}"; break;
      case '<': out += "$<$"; break;
      case '>': out += "$>$"; break;
      default: out += c;
    }
  }
  return out;
}

// The bound lists of the result (the result itself when it is one certificate), with their field names.
std::vector<std::pair<std::string, Json>> bound_lists(const Json& result) {
  std::vector<std::pair<std::string, Json>> lists;
  if (is_certificate(result)) lists.emplace_back("bound", Json::array({result}));
  for (auto it = result.begin(); it != result.end(); ++it) {
    if (is_certificate_list(it.value())) lists.emplace_back(it.key(), it.value());
    else if (is_certificate(it.value())) lists.emplace_back(it.key(), Json::array({it.value()}));
  }
  return lists;
}

std::string summary_of(const Json& result) {
  if (result.contains("summary") && result["summary"].is_string()) return result["summary"].get<std::string>();
  if (is_certificate(result))
    return result["name"].get<std::string>() + ": " +
           shown_number(number_of(result["value"]), result.value("direction", "upper")) + " (" +
           result.value("statement", "") + ")";
  return {};
}

std::string render_text(const Json& result) {
  std::string out;
  if (const std::string s = summary_of(result); !s.empty()) out += s + "\n\n";
  bool any = false;
  for (const auto& [name, list] : bound_lists(result)) {
    out += text_table({name == "bounds" || name == "bound" ? "bound" : name, "value", "guarantee", "status", "delta", "source"},
                      bound_rows(list)) + "\n";
    any = true;
  }
  for (const auto& [name, list] : record_lists(result)) {
    const auto [header, rows] = record_table(list);
    out += name + "\n" + text_table(header, rows) + "\n";
  }
  std::vector<std::pair<std::string, std::string>> fields;
  collect_fields(is_certificate(result) ? Json::object() : result, "", fields);
  if (is_certificate(result)) collect_fields(result["details"], "", fields);
  std::size_t width = 0;
  for (const auto& f : fields) width = std::max(width, f.first.size());
  for (const auto& [k, v] : fields) out += pad(k, width) + "  " + v + "\n";
  if (any) out += (fields.empty() ? "" : "\n") + std::string(kLegend) + "\n";
  return out;
}

std::string render_markdown(const Json& result) {
  std::string out;
  if (const std::string s = summary_of(result); !s.empty()) out += "**" + markdown_escape(s) + "**\n\n";
  bool any = false;
  for (const auto& [name, list] : bound_lists(result)) {
    out += "| " + std::string(name == "bounds" || name == "bound" ? "bound" : name) +
           " | value | guarantee | status | delta | source |\n|---|---:|---|---|---:|---|\n";
    for (const Row& r : bound_rows(list)) {
      std::string line = "|";
      for (const auto& c : r.cells) {
        line += ' ';
        line += markdown_escape(c);
        line += " |";
      }
      out += line + "\n";
    }
    out += "\n";
    for (const Row& r : bound_rows(list))
      if (!r.note.empty()) out += "- `" + r.cells[0] + "` does not apply: " + markdown_escape(r.note) + "\n";
    any = true;
  }
  for (const auto& [name, list] : record_lists(result)) {
    const auto [header, rows] = record_table(list);
    // Cells appended piece by piece: GCC 12 warns falsely (-Wrestrict) on " " + std::string + " |".
    const auto line = [](const std::vector<std::string>& cells) {
      std::string s = "|";
      for (const auto& c : cells) {
        s += ' ';
        s += markdown_escape(c);
        s += " |";
      }
      return s + "\n";
    };
    out += "**" + markdown_escape(name) + "**\n\n" + line(header) + "|";
    for (std::size_t c = 0; c < header.size(); ++c) out += "---|";
    out += "\n";
    for (const Row& r : rows) out += line(r.cells);
    out += "\n";
  }
  std::vector<std::pair<std::string, std::string>> fields;
  collect_fields(is_certificate(result) ? Json::object() : result, "", fields);
  if (is_certificate(result)) collect_fields(result["details"], "", fields);
  if (!fields.empty()) {
    out += "| field | value |\n|---|---|\n";
    for (const auto& [k, v] : fields) out += "| " + markdown_escape(k) + " | " + markdown_escape(v) + " |\n";
    out += "\n";
  }
  if (any) out += "*" + std::string(kLegend) + "*\n";
  return out;
}

std::string render_latex(const Json& result) {
  std::string out = "% itbound output (booktabs)\n";
  if (const std::string s = summary_of(result); !s.empty()) out += "% " + s + "\n";
  for (const auto& [name, list] : bound_lists(result)) {
    out += "\\begin{tabular}{lrllrl}\n\\toprule\nBound & Value & Guarantee & Status & $\\delta$ & Source \\\\\n\\midrule\n";
    for (const Row& r : bound_rows(list)) {
      std::string line;
      for (std::size_t c = 0; c < r.cells.size(); ++c) line += (c ? " & " : "") + latex_escape(r.cells[c]);
      out += line + " \\\\\n";
    }
    out += "\\bottomrule\n\\end{tabular}\n";
  }
  for (const auto& [name, list] : record_lists(result)) {
    const auto [header, rows] = record_table(list);
    out += "% " + name + "\n\\begin{tabular}{" + std::string(header.size(), 'l') + "}\n\\toprule\n";
    for (std::size_t c = 0; c < header.size(); ++c) out += (c ? " & " : "") + latex_escape(header[c]);
    out += " \\\\\n\\midrule\n";
    for (const Row& r : rows) {
      for (std::size_t c = 0; c < r.cells.size(); ++c) out += (c ? " & " : "") + latex_escape(r.cells[c]);
      out += " \\\\\n";
    }
    out += "\\bottomrule\n\\end{tabular}\n";
  }
  std::vector<std::pair<std::string, std::string>> fields;
  collect_fields(is_certificate(result) ? Json::object() : result, "", fields);
  if (is_certificate(result)) collect_fields(result["details"], "", fields);
  if (!fields.empty()) {
    out += "\\begin{tabular}{ll}\n\\toprule\nField & Value \\\\\n\\midrule\n";
    for (const auto& [k, v] : fields) out += latex_escape(k) + " & " + latex_escape(v) + " \\\\\n";
    out += "\\bottomrule\n\\end{tabular}\n";
  }
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
  switch (format) {
    case Format::json: return to_json_text(result) + "\n";
    case Format::table: return render_text(result);
    case Format::markdown: return render_markdown(result);
    case Format::latex: return render_latex(result);
  }
  return {};
}

}  // namespace itbound::data
