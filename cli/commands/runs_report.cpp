#include "runs_report.hpp"

namespace itbound::cli {

std::vector<Param> runs_params(std::string runs_doc, std::vector<Param> extra) {
  std::vector<Param> params{
      {.name = "runs", .kind = Kind::path, .doc = std::move(runs_doc), .positional = true},
      {.name = "loss-min", .kind = Kind::real, .doc = "Lower end of the declared loss range.", .default_value = 0.0},
      {.name = "loss-max", .kind = Kind::real, .doc = "Upper end of the declared loss range.", .default_value = 1.0},
      {.name = "correction", .kind = Kind::text, .doc = "Bias correction of the plug-in MI estimates.",
       .default_value = "none", .choices = {"none", "miller-madow", "jackknife"}},
  };
  for (auto& p : extra) params.push_back(std::move(p));
  params.push_back({.name = "delta", .kind = Kind::real,
                    .doc = "Confidence of the certified upper limit on the expected error from the supersamples' "
                           "measured errors (the only result that holds with a stated probability).",
                    .default_value = 0.05, .range = Range{0, 1, true, true}});
  return params;
}

estimators::Correction correction_of(const Args& args) {
  using estimators::Correction;
  const std::string c = args.text("correction");
  for (const Correction k : {Correction::none, Correction::miller_madow, Correction::jackknife})
    if (c == estimators::to_string(k)) return k;
  return Correction::none;  // unreachable: parse_args checked the choices
}

}  // namespace itbound::cli
