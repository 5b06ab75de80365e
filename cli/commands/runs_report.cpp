#include "runs_report.hpp"

#include <algorithm>
#include <cstdio>

namespace itbound::cli {
namespace {

std::string fixed(double x, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

std::string table(const Json& j, const std::string& heldout, const std::string& heldout_label,
                  const std::string& information_label) {
  std::string out = "train error " + fixed(j["train_error"].get<double>()) + "   " + heldout_label + " " +
                    fixed(j[heldout].get<double>()) + "   gap " + fixed(j["gap"].get<double>()) + "\n";
  out += information_label + ":";
  for (const auto& [k, v] : j["estimates"].items()) {
    if (v.is_number()) out += " " + k + "=" + fixed(v.get<double>());
    else if (v.is_array()) out += " " + k + "=[" + fixed(v[0].get<double>()) + ", " + fixed(v[1].get<double>()) + "]";
  }
  out += "\n\nbound (on " + heldout_label + ")   value    valid  spread   reference\n";
  for (const auto& b : j["bounds"]) {
    // A lower bound is marked where it is printed among the upper ones.
    std::string name = b["name"].get<std::string>() + (b.value("direction", "upper") == "lower" ? " (>=)" : "");
    name.resize(std::max<std::size_t>(name.size(), 27), ' ');
    out += name + " " + fixed(b["value"].get<double>()) + "   " + (b["valid"].get<bool>() ? "yes  " : "NO   ") + " " +
           fixed(b["spread"].get<double>()) + "   " + b["reference"]["paper"].get<std::string>() + "\n";
    if (!b["valid"].get<bool>()) out += "    invalid: " + b["invalid_reason"].get<std::string>() + "\n";
  }
  return out;
}

}  // namespace

std::vector<Param> runs_params(std::string runs_doc, std::vector<Param> extra) {
  std::vector<Param> params{
      {.name = "runs", .kind = Kind::path, .doc = std::move(runs_doc), .positional = true},
      {.name = "loss-min", .kind = Kind::real, .doc = "Lower end of the declared loss range.", .default_value = 0.0},
      {.name = "loss-max", .kind = Kind::real, .doc = "Upper end of the declared loss range.", .default_value = 1.0},
      {.name = "correction", .kind = Kind::text, .doc = "Bias correction of the plug-in MI estimates.",
       .default_value = "none", .choices = {"none", "miller-madow", "jackknife"}},
  };
  for (auto& p : extra) params.push_back(std::move(p));
  params.push_back({.name = "format", .kind = Kind::text, .doc = "Output: JSON object or a text table.",
                    .default_value = "json", .choices = {"json", "table"}});
  return params;
}

estimators::Correction correction_of(const Args& args) {
  using estimators::Correction;
  const std::string c = args.text("correction");
  for (const Correction k : {Correction::none, Correction::miller_madow, Correction::jackknife})
    if (c == estimators::to_string(k)) return k;
  return Correction::none;  // unreachable: parse_args checked the choices
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

Json runs_output(Json out, const Args& args, const std::string& heldout, const std::string& heldout_label,
                 const std::string& information_label) {
  if (args.text("format") == "table") return Json(table(out, heldout, heldout_label, information_label));
  return out;
}

}  // namespace itbound::cli
