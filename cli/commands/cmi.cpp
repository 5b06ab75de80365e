#include <algorithm>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"

namespace itbound::cli {
namespace {

using estimators::Correction;

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

std::string fixed(double x, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

std::string table(const Json& j) {
  std::string out = "train error " + fixed(j["train_error"].get<double>()) + "   held-out error " +
                    fixed(j["heldout_error"].get<double>()) + "   gap " + fixed(j["gap"].get<double>()) + "\n";
  out += "mean per-pair MI (nats):";
  for (const auto& [k, v] : j["estimates"].items()) {
    if (v.is_number()) out += " " + k + "=" + fixed(v.get<double>());
    else if (v.is_array()) out += " " + k + "=[" + fixed(v[0].get<double>()) + ", " + fixed(v[1].get<double>()) + "]";
  }
  out += "\n\nbound (on held-out error)   value    valid  spread   reference\n";
  for (const auto& b : j["bounds"]) {
    std::string name = b["name"].get<std::string>();
    name.resize(std::max<std::size_t>(name.size(), 27), ' ');
    out += name + " " + fixed(b["value"].get<double>()) + "   " + (b["valid"].get<bool>() ? "yes  " : "NO   ") + " " +
           fixed(b["spread"].get<double>()) + "   " + b["reference"]["paper"].get<std::string>() + "\n";
    if (!b["valid"].get<bool>()) out += "    invalid: " + b["invalid_reason"].get<std::string>() + "\n";
  }
  return out;
}

}  // namespace

Command cmi_command() {
  return {
      "cmi",
      "Supersample CMI: per-pair f-/e-/ld-CMI and ld-MI estimates from saved runs, and the bounds built on them.",
      {
          {.name = "runs", .kind = Kind::path, .doc = "Supersample runs file (.npz, .json or .csv; see data/SCHEMA.md)."},
          {.name = "loss-min", .kind = Kind::real, .doc = "Lower end of the declared loss range.", .default_value = 0.0},
          {.name = "loss-max", .kind = Kind::real, .doc = "Upper end of the declared loss range.", .default_value = 1.0},
          {.name = "correction", .kind = Kind::text, .doc = "Bias correction of the plug-in MI estimates.",
           .default_value = "none", .choices = {"none", "miller-madow", "jackknife"}},
          {.name = "bootstrap", .kind = Kind::integer,
           .doc = "Bootstrap replicates over runs for the 90% intervals of the mean estimates (0: none).",
           .default_value = 200, .range = Range{0, 100000}},
          {.name = "format", .kind = Kind::text, .doc = "Output: JSON object or a text table.", .default_value = "json",
           .choices = {"json", "table"}},
      },
      [](const Args& a) {
        const std::string c = a.text("correction");
        const Correction correction =
            c == "miller-madow" ? Correction::miller_madow : c == "jackknife" ? Correction::jackknife : Correction::none;
        const auto runs = data::read_supersample_runs(a.text("runs"), a.real("loss-min"), a.real("loss-max"));
        const auto est = estimators::estimate_cmi(runs, correction);
        Json out = Json::object();
        out["train_error"] = est.train_error;
        out["heldout_error"] = est.heldout_error;
        out["gap"] = mean(est.run_gap);
        out["shape"] = {{"k1", runs.k1}, {"k2", runs.k2}, {"n", runs.n}};
        out["correction"] = c;
        out["estimates"] = {{"fcmi_mean", est.fcmi.empty() ? Json() : Json(mean(est.fcmi))},
                            {"ecmi_mean", mean(est.ecmi)},
                            {"ldcmi_mean", mean(est.ldcmi)},
                            {"ldmi_mean", mean(est.ldmi)}};
        if (const auto reps = a.integer("bootstrap"); reps > 0) {
          // Fixed seed: the same file always gives the same intervals.
          const auto b = estimators::bootstrap_cmi(runs, correction, static_cast<int>(reps), 0.9, 20240601);
          const auto pair = [](estimators::Interval i) { return Json::array({i.lo, i.hi}); };
          if (!est.fcmi.empty()) out["estimates"]["fcmi_interval"] = pair(b.fcmi);
          out["estimates"]["ecmi_interval"] = pair(b.ecmi);
          out["estimates"]["ldcmi_interval"] = pair(b.ldcmi);
          out["estimates"]["ldmi_interval"] = pair(b.ldmi);
          out["estimates"]["interval"] = {{"method", "percentile bootstrap over runs"}, {"level", 0.9}, {"replicates", b.replicates}};
        }
        out["bounds"] = Json::array();
        for (const auto& cert : cmi_bounds({&runs, &est, correction})) out["bounds"].push_back(data::to_json(cert));
        if (a.text("format") == "table") return Json(table(out));
        return out;
      },
  };
}

}  // namespace itbound::cli
