#include "commands.hpp"
#include "itbound/data/trajectory.hpp"

namespace itbound::cli {

Command trajectory_command() {
  std::vector<std::string> bounds = {"all"};
  for (const auto& name : TrajectoryAccumulator::bound_names()) bounds.push_back(name);
  return {
      "trajectory",
      "MI bounds on the expected generalization gap of noisy iterative training from a stored trajectory "
      "(JSON, JSON lines or NPZ, see data/TRAJECTORY-SCHEMA.md).",
      {
          {.name = "file", .kind = Kind::path, .doc = "Trajectory file: JSON with per-step arrays, JSON lines, or NPZ.",
           .positional = true},
          {.name = "bound", .kind = Kind::text, .doc = "Which bound to print.", .default_value = "all",
           .choices = bounds},
      },
      [](const Args& a) {
        const auto read = data::read_trajectory_file(a.text("file"));
        return Report("trajectory", trajectory_report(read.accumulator, read.format, a.text("bound")));
      },
      [] { return Report("trajectory", TrajectoryReport{}); },
  };
}

}  // namespace itbound::cli
