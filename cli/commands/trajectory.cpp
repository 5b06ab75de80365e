#include "commands.hpp"
#include "itbound/data/certificate_json.hpp"
#include "itbound/data/trajectory.hpp"
#include "itbound/error.hpp"

namespace itbound::cli {

Command trajectory_command() {
  std::vector<std::string> bounds = {"all"};
  for (const auto& name : TrajectoryAccumulator::bound_names()) bounds.push_back(name);
  return {
      "trajectory",
      "MI bounds on the expected generalization gap of noisy iterative training from a stored trajectory "
      "(JSON or JSON lines, see data/TRAJECTORY-SCHEMA.md).",
      {
          {.name = "file", .kind = Kind::path, .doc = "Trajectory file: JSON with per-step arrays, or JSON lines."},
          {.name = "bound", .kind = Kind::text, .doc = "Which bound to print.", .default_value = "all",
           .choices = bounds},
      },
      [](const Args& a) {
        const data::TrajectoryRead r = data::read_trajectory_file(a.text("file"));
        const std::string which = a.text("bound");
        Json out = {{"format", r.format}, {"steps", r.accumulator.steps()}, {"header", r.header}};
        Json& certs = out["certificates"] = Json::array();
        for (const Certificate& c : r.accumulator.certificates())
          if (which == "all" || which == c.name) certs.push_back(data::to_json(c));
        return out;
      },
  };
}

}  // namespace itbound::cli
