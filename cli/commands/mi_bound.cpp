#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "itbound/bounds/mi_bounds.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/number_arrays.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/discrete_mi.hpp"
#include "itbound/estimators/knn_mi.hpp"

namespace itbound::cli {

namespace {

// "0.1,0.2, 0.3" -> {0.1, 0.2, 0.3}; anything unparsable is an error on the field.
std::vector<double> parse_list(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      fail("mi", "is not a comma-separated list of numbers: '" + item + "'");
    }
    if (item.find_first_not_of(" \t", used) != std::string::npos)
      fail("mi", "is not a comma-separated list of numbers: '" + item + "'");
    out.push_back(v);
  }
  if (out.empty()) fail("mi", "is empty");
  return out;
}

// Whether some value occurs twice: KSG's digamma counts assume continuous data, and on repeated values its estimate
// collapses far below the MI (e.g. about -2 nats for discrete z), which the clamp at 0 would turn into a bound of 0.
bool has_repeats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

// Equal values get equal symbols (the plug-in estimator sees only equality).
std::vector<std::int64_t> symbols(const std::vector<double>& v) {
  std::map<double, std::int64_t> id;
  std::vector<std::int64_t> out;
  out.reserve(v.size());
  for (double x : v) out.push_back(id.emplace(x, static_cast<std::int64_t>(id.size())).first->second);
  return out;
}

// I(W; Z_i) per example from m paired samples: `w` (m) the learner's output, `z` (m, n) or (m) the examples, by
// KSG (Kraskov et al. 2004, continuous data only), Gao et al.'s mixed estimator (ties allowed; on discrete data
// biased low by about the number of occupied (w, z) cells / m) or the plug-in estimator (discrete w and z; biased
// high); raw values echoed with how many came out negative, clamped at 0 for the bound.
struct EstimatedMi {
  std::vector<double> clamped;
  Json echo;
};

EstimatedMi estimate_individual_mi(const std::string& path, int k, const std::string& estimator) {
  const bool mixed = estimator == "mixed", plug_in = estimator == "plug-in";
  const auto arrays = data::read_named_arrays(path, "samples");
  const auto member = [&](const char* name) -> const data::NdArray& {
    const auto it = arrays.find(name);
    if (it == arrays.end()) fail("samples", std::string("needs an array '") + name + "'");
    return it->second;
  };
  const data::NdArray& w = member("w");
  const data::NdArray& z = member("z");
  if (w.shape.size() != 1) fail("samples", "w must have shape (m): one scalar output per training run");
  const auto m = static_cast<std::size_t>(w.shape[0]);
  if (z.shape.empty() || z.shape.size() > 2 || static_cast<std::size_t>(z.shape[0]) != m)
    fail("samples", "z must have shape (m) or (m, n) with m = " + std::to_string(m) + " runs like w");
  const std::size_t columns = z.shape.size() == 2 ? static_cast<std::size_t>(z.shape[1]) : 1;
  const auto refuse_ties = [&](const std::vector<double>& v, const std::string& what) {
    if (estimator == "ksg" && has_repeats(v))
      fail("estimator", "ksg assumes continuous data, and " + what + " has repeated values (its estimate would be far "
                        "too small): use --estimator plug-in for discrete w and z, or mixed");
  };
  refuse_ties(w.values, "w");
  const std::vector<std::int64_t> w_symbols = plug_in ? symbols(w.values) : std::vector<std::int64_t>{};
  std::vector<estimators::DiscreteSample> pairs;
  EstimatedMi out;
  Json raw = Json::array();
  std::vector<double> column(m);
  std::size_t negative = 0;
  for (std::size_t i = 0; i < columns; ++i) {
    for (std::size_t r = 0; r < m; ++r) column[r] = z.values[r * columns + i];
    refuse_ties(column, "column " + std::to_string(i) + " of z");
    double v = 0.0;
    if (plug_in) {
      const auto z_symbols = symbols(column);
      pairs.clear();
      for (std::size_t r = 0; r < m; ++r) pairs.push_back({w_symbols[r], z_symbols[r]});
      v = estimators::discrete_mi(pairs, estimators::Correction::none, HUGE_VAL);
    } else {
      v = mixed ? mixed_ksg_mi(w.values, column, k) : ksg_mi(w.values, column, k);
    }
    if (!std::isfinite(v)) fail("samples", "the k-NN estimate for column " + std::to_string(i) + " of z is not finite");
    raw.push_back(v);
    negative += v < 0.0;
    out.clamped.push_back(std::max(0.0, v));
  }
  out.echo = {{"estimator", plug_in ? "plug-in (discrete values)"
                                    : mixed ? "mixed-ksg (Gao et al. 2017)" : "ksg (Kraskov et al. 2004)"},
              {"k", plug_in ? Json() : Json(k)},
              {"runs", m}, {"raw", raw},
              {"negative_fraction", static_cast<double>(negative) / static_cast<double>(columns)}};
  return out;
}

}  // namespace

Command mi_bound_command() {
  return {
      "mi-bound",
      "Input-output MI bounds on the expected generalization gap (no delta spent): Xu & Raginsky (2017) from "
      "I(W;S), or Bu, Zou & Veeravalli (2020) from the per-example I(W;Z_i).",
      {
          {.name = "mi", .kind = Kind::text,
           .doc = "MI in nats: I(W;S) for xu-raginsky; for individual the n values I(W;Z_i) comma-separated, or one "
                  "value shared by all examples (or give --mi-file or --samples).",
           .default_value = Json()},
          {.name = "mi-file", .kind = Kind::path,
           .doc = "For individual: the values I(W;Z_i) in nats from a file (.npy, .npz, .csv or a .json array).",
           .default_value = Json()},
          {.name = "samples", .kind = Kind::path,
           .doc = "For individual: estimate I(W;Z_i) by k-NN from an .npz (or JSON) with w (m) the learner's scalar "
                  "output and z (m, n) the examples over m training runs. They must be the whole output and the whole "
                  "example: the MI of summaries is smaller, and so would the bound be.",
           .default_value = Json()},
          {.name = "estimator", .kind = Kind::text,
           .doc = "Estimator for --samples: ksg for continuous w and z (refused on repeated values); plug-in for "
                  "discrete w and z (biased high); mixed (Gao et al.) for ties in continuous data (biased low on "
                  "discrete data).",
           .default_value = "ksg", .choices = {"ksg", "mixed", "plug-in"}},
          {.name = "k", .kind = Kind::integer, .doc = "Neighbours of the k-NN estimator for --samples.",
           .default_value = 3, .range = Range{1, 1000}},
          {.name = "n", .kind = Kind::integer, .doc = "Number n of training examples.", .range = Range{1, 4.5e15}},
          {.name = "bound", .kind = Kind::text, .doc = "Which bound.", .default_value = "xu-raginsky",
           .choices = {"xu-raginsky", "individual"}},
          {.name = "loss-min", .kind = Kind::real, .doc = "Smallest possible loss a (sigma = (b - a)/2).",
           .default_value = 0.0},
          {.name = "loss-max", .kind = Kind::real, .doc = "Largest possible loss b.", .default_value = 1.0},
          {.name = "sigma", .kind = Kind::real,
           .doc = "Sub-Gaussian parameter of the loss; 0: use (loss-max - loss-min)/2 and cap at loss-max - loss-min.",
           .default_value = 0.0, .range = Range{0, 1e300}},
      },
      [](const Args& a) {
        MiBoundOptions o;
        o.n = a.integer("n");
        o.loss_min = a.real("loss-min");
        o.loss_max = a.real("loss-max");
        if (a.real("sigma") > 0.0) o.sigma = a.real("sigma");
        const int sources = int{a.has("mi")} + int{a.has("mi-file")} + int{a.has("samples")};
        if (sources != 1) fail("mi", "give exactly one of --mi, --mi-file and --samples");
        const bool individual = a.text("bound") == "individual";
        if (!individual && !a.has("mi")) fail(a.has("samples") ? "samples" : "mi-file", "is for --bound individual");
        if (a.has("samples")) {
          const EstimatedMi est =
              estimate_individual_mi(a.text("samples"), static_cast<int>(a.integer("k")), a.text("estimator"));
          Certificate c = individual_mi_bound(est.clamped, o);
          c.add_assumption("estimated_information",
                           "the bound holds for the true I(W;Z_i); the value uses estimates from finitely many runs "
                           "(negative estimates clamped at 0), of W and Z_i as given",
                           Holds::unchecked, "w and z must be the learner's whole output and the whole example");
          Json out = data::to_json(c);
          out["estimates"] = est.echo;
          return out;
        }
        if (a.has("mi-file")) {
          const Eigen::ArrayXd v = data::read_number_vector(a.text("mi-file"), "mi-file", "mi");
          return data::to_json(individual_mi_bound(std::vector<double>(v.begin(), v.end()), o));
        }
        const std::vector<double> mi = parse_list(a.text("mi"));
        if (individual) return data::to_json(individual_mi_bound(mi, o));
        if (mi.size() != 1) fail("mi", "xu-raginsky takes one value I(W;S), got " + std::to_string(mi.size()));
        return data::to_json(xu_raginsky_bound(mi.front(), o));
      },
  };
}

}  // namespace itbound::cli
