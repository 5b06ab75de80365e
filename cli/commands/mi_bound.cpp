#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "itbound/bounds/mi_bounds.hpp"
#include "itbound/data/certificate_json.hpp"
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

}  // namespace

Command mi_bound_command() {
  return {
      "mi-bound",
      "Input-output MI bounds on the expected generalization gap (no delta spent): Xu & Raginsky (2017) from "
      "I(W;S), or Bu, Zou & Veeravalli (2020) from the per-example I(W;Z_i).",
      {
          {.name = "mi", .kind = Kind::text,
           .doc = "MI in nats: I(W;S) for xu-raginsky; for individual the n values I(W;Z_i) comma-separated, or one "
                  "value shared by all examples."},
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
        const std::vector<double> mi = parse_list(a.text("mi"));
        if (a.text("bound") == "individual") return data::to_json(individual_mi_bound(mi, o));
        if (mi.size() != 1) fail("mi", "xu-raginsky takes one value I(W;S), got " + std::to_string(mi.size()));
        return data::to_json(xu_raginsky_bound(mi.front(), o));
      },
  };
}

}  // namespace itbound::cli
