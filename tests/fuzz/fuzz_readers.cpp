// libFuzzer harness for every array/runs/trajectory reader and the estimators and bounds behind them: the first byte
// picks NPY, NPZ, supersample runs (NPZ, JSON, CSV), leave-one-out runs (NPZ, JSON, CSV), trajectory JSON (lines),
// trajectory NPZ, supersample runs NPZ read in place (the view the cmi command uses) or serialised supersample
// statistics; the rest is the file. Any exception other than InvalidArgument, any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>

#include "itbound/data/loo_io.hpp"
#include "itbound/data/ndarray.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/data/trajectory.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/supersample_stats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const unsigned char> bytes(data + 1, size - 1);
  using itbound::data::RunsFormat;
  try {
    using itbound::estimators::Correction;
    const int pick = data[0] % 12;
    const RunsFormat format = static_cast<RunsFormat>((pick + 1) % 3);  // npz, json, csv for 2..4 and for 5..7
    const auto correction = static_cast<Correction>(data[0] / 12 % 3);
    // Inputs that pass validation also go through the estimators and bounds, under the same sanitizers.
    if (pick == 0) itbound::data::parse_npy(bytes, "fuzz");
    else if (pick == 1) itbound::data::parse_npz(bytes, "fuzz");
    else if (pick <= 4) itbound::estimators::estimate_cmi(itbound::data::parse_supersample_runs(bytes, format, "fuzz"), correction);
    else if (pick <= 7) itbound::estimators::estimate_loo_cmi(itbound::data::parse_loo_runs(bytes, format, "fuzz"), correction);
    else if (pick == 8) {
      std::istringstream in(std::string(bytes.begin(), bytes.end()));
      const auto r = itbound::data::read_trajectory(in);
      itbound::trajectory_report(r.accumulator, r.format);
    } else if (pick == 9) {
      const auto r = itbound::data::read_trajectory_npz(itbound::data::parse_npz(bytes, "fuzz"), "fuzz");
      itbound::trajectory_report(r.accumulator, r.format);
    } else if (pick == 10) {
      const auto stored = itbound::data::parse_stored_runs(bytes, RunsFormat::npz, "fuzz");
      itbound::estimators::estimate_cmi(stored.view(), correction);
    } else {
      itbound::estimators::SupersampleStats::from_bytes(bytes).finalize(correction);
    }
  } catch (const itbound::InvalidArgument&) {
  }
  return 0;
}
