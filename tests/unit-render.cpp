#include <doctest/doctest.h>

#include <string>

#include "itbound/bounds/certificate.hpp"
#include "itbound/data/render.hpp"
#include "itbound/data/report_json.hpp"

using itbound::Certificate;
using itbound::data::Format;
using itbound::data::Json;
using itbound::data::render;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The line of `text` that starts with `start`, its columns' padding collapsed to single spaces.
std::string line_of(const std::string& text, const std::string& start) {
  const std::size_t at = text.find("\n" + start);
  if (at == std::string::npos) return {};
  std::string line = text.substr(at + 1, text.find('\n', at + 1) - at - 1), out;
  for (const char c : line)
    if (c != ' ' || out.empty() || out.back() != ' ') out += c;
  return out;
}

Certificate bound(const std::string& name, double value, itbound::Direction direction, itbound::Guarantee guarantee) {
  Certificate c;
  c.name = name;
  c.set_value(value, 1.0);
  c.direction = direction;
  c.guarantee = guarantee;
  c.quantity = "the risk";
  if (guarantee == itbound::Guarantee::certificate) c.delta_ledger = {{"the bound", 0.05}};
  c.reference = {"Maurer (2004), A note on the PAC Bayesian theorem (arXiv cs/0411099); Seeger (2002), JMLR 3", "Thm 5"};
  return c;
}

Json certificate_json(const Certificate& c) { return itbound::data::to_json(c); }

}  // namespace

TEST_CASE("render: bound values rounded outward in every format, delta spent rounded up") {
  // 0.12341 shows as 0.1235 as an upper bound (never below itself) and 0.1234 as a lower bound.
  const Json up = certificate_json(bound("up", 0.12341, itbound::Direction::upper, itbound::Guarantee::certificate));
  const Json low = certificate_json(bound("low", 0.12349, itbound::Direction::lower, itbound::Guarantee::certificate));
  for (const Format f : {Format::table, Format::markdown, Format::latex}) {
    const std::string u = render(up, f), l = render(low, f);
    CHECK(has(u, "0.1235"));
    CHECK_FALSE(has(u, "0.1234"));
    CHECK(has(l, "0.1234"));
    CHECK_FALSE(has(l, "0.1235"));
  }
  Certificate split = bound("split", 0.2, itbound::Direction::upper, itbound::Guarantee::certificate);
  split.delta_ledger = {{"a", 0.025}, {"b", 0.024999999999999998}};  // sums to 0.049999999999999996
  const std::string t = render(certificate_json(split), Format::table);
  CHECK(has(t, "0.05"));
  CHECK_FALSE(has(t, "0.04999"));
  // An exact value prints as typed.
  CHECK(line_of(render(certificate_json(bound("exact", 0.05, itbound::Direction::upper, itbound::Guarantee::certificate)),
                       Format::table),
                "exact") == "exact 0.05 certificate valid 0.05 Maurer (2004); Seeger (2002)");
}

TEST_CASE("render: the answer first, then one row per bound with its short source, then the other fields") {
  Json r = {{"summary", "measured gap 0.1; tightest bound b = 0.2"},
            {"bounds", Json::array({certificate_json(bound("a", 0.3, itbound::Direction::upper, itbound::Guarantee::certificate)),
                                    certificate_json(bound("b", 0.2, itbound::Direction::upper,
                                                           itbound::Guarantee::estimated_bound))})},
            {"absent", nullptr},
            {"empty", ""},
            {"input", 0.05},
            {"long", 0.058641234123412341},
            {"few", Json::array({1.5, 2.5})},
            {"many", Json::array({0.5, 0.25, 0.125, 2.0, 1.0})},
            {"nested", {{"k", 3}}},
            {"best", {{"name", "a"}, {"value", 0.3}}}};
  const std::string t = render(r, Format::table);
  CHECK(t.rfind("measured gap 0.1; tightest bound b = 0.2\n", 0) == 0);
  CHECK(has(t, "Maurer (2004); Seeger (2002)\n"));
  CHECK_FALSE(has(t, "A note on"));
  CHECK(has(t, "valid"));
  CHECK(has(t, "applies"));
  CHECK_FALSE(has(t, "absent"));
  CHECK_FALSE(has(t, "empty"));
  CHECK(line_of(t, "input") == "input 0.05");
  CHECK(has(t, "0.05864\u2026"));  // truncated, never rounded: the digits are the value's own
  CHECK(has(t, "[1.5, 2.5]"));
  CHECK(has(t, "5 values in [0.125, 2]"));
  CHECK(line_of(t, "nested.k") == "nested.k 3");
  CHECK_FALSE(has(t, "best."));  // a pointer to a bound of the table is not repeated below it
  // The legend names only the guarantees shown.
  CHECK(has(t, "certificate: holds with probability >= 1 - delta; estimated-bound:"));
  CHECK_FALSE(has(t, "expectation-bound:"));
  // A bound table precedes the fields in every format.
  for (const Format f : {Format::table, Format::markdown, Format::latex}) {
    const std::string s = render(r, f);
    CHECK(s.find("0.3") < s.find("nested"));
  }
}

TEST_CASE("render: a bound that does not apply shows why, and no number") {
  Certificate c = bound("gone", 0.2, itbound::Direction::upper, itbound::Guarantee::expectation_bound);
  c.mark_not_applicable("missing incoherence_sq");
  c.set_value(std::nan(""), 1.0);
  const std::string t = render(certificate_json(c), Format::table);
  CHECK(t.rfind("gone: does not apply (missing incoherence_sq)", 0) == 0);
  CHECK(line_of(t, "gone") == "gone - expectation-bound does not apply - Maurer (2004); Seeger (2002)");
  CHECK(has(t, "gone does not apply: missing incoherence_sq"));
}

TEST_CASE("render: Markdown and LaTeX escape what their syntax would read") {
  Certificate c = bound("a_b", 0.5, itbound::Direction::upper, itbound::Guarantee::certificate);
  c.quantity = "kl(q||p) <= 50% & more: $x_{1}^2 ~ #3 \\ \u2265 \u03b4 \u2026 Hellstr\u00f6m \u2603";
  const Json j = certificate_json(c);
  const std::string md = render(j, Format::markdown);
  CHECK(has(md, "kl(q\\|\\|p) \\<= 50%"));
  const std::string tex = render(j, Format::latex);
  CHECK(has(tex, "a\\_b"));
  CHECK(has(tex, "kl(q\\textbar{}\\textbar{}p) \\ensuremath{<}= 50\\% \\& more: \\$x\\_\\{1\\}\\textasciicircum{}2 "
                 "\\textasciitilde{} \\#3 \\textbackslash{} \\ensuremath{\\geq} \\ensuremath{\\delta} \\ldots{} "
                 "Hellstr\u00f6m ?"));
  CHECK(has(tex, "\\begin{tabular}{lrllrl}"));
  CHECK(has(tex, "\\end{table}\n"));
}

TEST_CASE("render: formats by name") {
  CHECK(itbound::data::parse_format("latex") == Format::latex);
  CHECK_THROWS_WITH_AS(itbound::data::parse_format("html"), "format: must be one of: json, table, markdown, latex, got html",
                       itbound::InvalidArgument);
}
