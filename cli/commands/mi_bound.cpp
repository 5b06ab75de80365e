#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "itbound/bounds/mi_bounds.hpp"
#include "itbound/data/number_arrays.hpp"
#include "itbound/error.hpp"

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

// w (m) and z (m, n) or (m) from an .npz or JSON file of paired samples.
MiBoundReport from_samples(const std::string& path, int k, const std::string& estimator, const MiBoundOptions& o) {
  const auto arrays = data::read_named_arrays(path, "samples");
  const auto member = [&](const char* name) -> const data::NdArray& {
    const auto it = arrays.find(name);
    if (it == arrays.end()) fail("samples", std::string("needs an array '") + name + "'");
    return it->second;
  };
  const data::NdArray& w = member("w");
  const data::NdArray& z = member("z");
  if (w.shape.size() != 1) fail("samples", "w must have shape (m): one scalar output per training run");
  if (z.shape.empty() || z.shape.size() > 2 || z.shape[0] != w.shape[0])
    fail("samples", "z must have shape (m) or (m, n) with m = " + std::to_string(w.shape[0]) + " runs like w");
  const std::size_t columns = z.shape.size() == 2 ? static_cast<std::size_t>(z.shape[1]) : 1;
  return individual_mi_bound_from_samples(w.values, z.values, columns, estimator, k, o);
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
          {.name = "k", .kind = Kind::integer,
           .doc = "Neighbours of the k-NN estimator for --samples. 3 here (1 in cmi): KSG's usual choice (Kraskov et "
                  "al. 2004; scikit-learn's default) on the m paired samples of all training runs.",
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
        const auto report = [](MiBoundReport r) { return Report("mi-bound", std::move(r)); };
        if (a.has("samples"))
          return report(from_samples(a.text("samples"), static_cast<int>(a.integer("k")), a.text("estimator"), o));
        if (a.has("mi-file")) {
          const Eigen::ArrayXd v = data::read_number_vector(a.text("mi-file"), "mi-file", "mi");
          return report({individual_mi_bound(std::vector<double>(v.begin(), v.end()), o), std::nullopt});
        }
        const std::vector<double> mi = parse_list(a.text("mi"));
        if (individual) return report({individual_mi_bound(mi, o), std::nullopt});
        if (mi.size() != 1) fail("mi", "xu-raginsky takes one value I(W;S), got " + std::to_string(mi.size()));
        return report({xu_raginsky_bound(mi.front(), o), std::nullopt});
      },
      [] { return Report("mi-bound", MiBoundReport{}); },
  };
}

}  // namespace itbound::cli
