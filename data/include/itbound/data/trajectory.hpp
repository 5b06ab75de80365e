#pragma once
// Trajectory files (data/TRAJECTORY-SCHEMA.md): one JSON document with per-step arrays, or JSON lines
// (a header line, then one line per step) read line by line into the accumulator with O(1) memory.
#include <istream>
#include <string>

#include "itbound/bounds/trajectory.hpp"
#include "itbound/data/json_text.hpp"

namespace itbound::data {

TrajectoryInfo trajectory_info_from_json(const Json& header);  // throws InvalidArgument naming the key
StepStats step_from_json(const Json& step, std::int64_t index);

struct TrajectoryRead {
  TrajectoryAccumulator accumulator;
  std::string format;  // "json" or "jsonl"
  Json header;         // the header as read, echoed by the CLI
};

// Detects the form: a first line that is a complete JSON object without "steps" starts JSON lines.
TrajectoryRead read_trajectory(std::istream& in);
TrajectoryRead read_trajectory_file(const std::string& path);

}  // namespace itbound::data
