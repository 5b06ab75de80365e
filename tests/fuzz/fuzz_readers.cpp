// libFuzzer harness for every array/runs/trajectory reader and the estimators and bounds behind them: the first byte
// picks NPY, NPZ, runs-NPZ, runs-JSON, runs-CSV, trajectory JSON (lines) or trajectory NPZ; the rest is the file. Any exception other than InvalidArgument, any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>

#include "itbound/data/ndarray.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/data/trajectory.hpp"
#include "itbound/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const unsigned char> bytes(data + 1, size - 1);
  using itbound::data::RunsFormat;
  try {
    switch (data[0] % 7) {
      case 0: itbound::data::parse_npy(bytes, "fuzz"); break;
      case 1: itbound::data::parse_npz(bytes, "fuzz"); break;
      case 5: {  // trajectories that pass validation also give their certificates
        std::istringstream in(std::string(bytes.begin(), bytes.end()));
        itbound::data::trajectory_result(itbound::data::read_trajectory(in));
        break;
      }
      case 6: itbound::data::trajectory_result(itbound::data::read_trajectory_npz(itbound::data::parse_npz(bytes, "fuzz"), "fuzz")); break;
      default: {
        const RunsFormat format = data[0] % 7 == 2 ? RunsFormat::npz : data[0] % 7 == 3 ? RunsFormat::json : RunsFormat::csv;
        // Runs that pass validation also go through the estimators, under the same sanitizers.
        const auto runs = itbound::data::parse_supersample_runs(bytes, format, "fuzz");
        itbound::estimators::estimate_cmi(runs, static_cast<itbound::estimators::Correction>(data[0] / 7 % 3));
      }
    }
  } catch (const itbound::InvalidArgument&) {
  }
  return 0;
}
