#pragma once
// Trajectory files (data/TRAJECTORY-SCHEMA.md): one JSON document with per-step arrays, JSON lines (a header
// line, then one line per step, read line by line into the accumulator with O(1) memory), or an NPZ archive
// (per-step arrays and scalar header members). Every form uses the one step vocabulary, itbound::step_fields.
#include <istream>
#include <map>
#include <string>

#include "itbound/bounds/trajectory.hpp"
#include "itbound/data/json_text.hpp"
#include "itbound/data/ndarray.hpp"

namespace itbound::data {

TrajectoryInfo trajectory_info_from_json(const Json& header);  // throws InvalidArgument naming the key
StepStats step_from_json(const Json& step, std::int64_t index);  // keys of step_fields; null or absent = missing
FinalStats final_from_json(const Json& final_record);  // {train_loss, test_loss, value_sensitivity: [{level, train, test}]}

struct TrajectoryRead {
  TrajectoryAccumulator accumulator;
  std::string format;  // "json", "jsonl", "npz" (or "python" for the streaming Python object)
};

// Detects the form: a first line that is a complete JSON object without "steps" starts JSON lines.
TrajectoryRead read_trajectory(std::istream& in);
// NPZ members: the step fields (1-D arrays of one length, NaN = missing; a 0-d member is used for every
// step) and the numeric header keys as 0-d members. `what` names the archive in messages.
TrajectoryRead read_trajectory_npz(const std::map<std::string, NdArray>& members, const std::string& what);
// By content: a zip archive (NPZ) or JSON text.
TrajectoryRead read_trajectory_file(const std::string& path);

}  // namespace itbound::data
