// libFuzzer harness for every array/runs reader and the estimators behind them: the first byte picks NPY, NPZ,
// supersample runs (NPZ, JSON, CSV) or leave-one-out runs (NPZ, JSON, CSV); the rest is the file. Any exception other than InvalidArgument, any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <span>

#include "itbound/data/loo_io.hpp"
#include "itbound/data/ndarray.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const unsigned char> bytes(data + 1, size - 1);
  using itbound::data::RunsFormat;
  try {
    const int pick = data[0] % 8;
    const RunsFormat format = static_cast<RunsFormat>((pick + 1) % 3);  // npz, json, csv for 2..4 and for 5..7
    const auto correction = static_cast<itbound::estimators::Correction>(data[0] / 8 % 3);
    // Runs that pass validation also go through the estimators, under the same sanitizers.
    if (pick == 0) itbound::data::parse_npy(bytes, "fuzz");
    else if (pick == 1) itbound::data::parse_npz(bytes, "fuzz");
    else if (pick <= 4) itbound::estimators::estimate_cmi(itbound::data::parse_supersample_runs(bytes, format, "fuzz"), correction);
    else itbound::estimators::estimate_loo_cmi(itbound::data::parse_loo_runs(bytes, format, "fuzz"), correction);
  } catch (const itbound::InvalidArgument&) {
  }
  return 0;
}
