// libFuzzer harness for every array/runs reader and the estimators behind them: the first byte picks NPY, NPZ, runs-NPZ,
// JSON, CSV, runs-NPZ read in place (the view the cmi command uses) or serialised supersample statistics; the rest is
// the file. Any exception other than InvalidArgument, any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <span>

#include "itbound/data/ndarray.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/supersample_stats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const unsigned char> bytes(data + 1, size - 1);
  using itbound::data::RunsFormat;
  try {
    using itbound::estimators::Correction;
    const auto correction = static_cast<Correction>(data[0] / 7 % 3);
    switch (data[0] % 7) {
      case 0: itbound::data::parse_npy(bytes, "fuzz"); break;
      case 1: itbound::data::parse_npz(bytes, "fuzz"); break;
      case 5: {
        const auto stored = itbound::data::parse_stored_runs(bytes, RunsFormat::npz, "fuzz");
        itbound::estimators::estimate_cmi(stored.view(), correction);
        break;
      }
      case 6: itbound::estimators::SupersampleStats::from_bytes(bytes).finalize(correction); break;
      default: {
        const RunsFormat format = data[0] % 7 == 2 ? RunsFormat::npz : data[0] % 7 == 3 ? RunsFormat::json : RunsFormat::csv;
        // Runs that pass validation also go through the estimators, under the same sanitizers.
        const auto runs = itbound::data::parse_supersample_runs(bytes, format, "fuzz");
        itbound::estimators::estimate_cmi(runs, correction);
      }
    }
  } catch (const itbound::InvalidArgument&) {
  }
  return 0;
}
