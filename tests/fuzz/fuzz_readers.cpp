// libFuzzer harness for every array/runs/trajectory/JSON reader and the estimators, bounds and commands behind them:
// the first byte picks the reader (byte % 16) and, where it matters, the bias correction (byte / 16 % 3); the rest is
// the file. Picks 0-11: NPY, NPZ, supersample runs (NPZ, JSON, CSV), leave-one-out runs (NPZ, JSON, CSV), trajectory
// JSON (lines), trajectory NPZ, supersample runs NPZ read in place (the view the cmi command uses), serialised
// supersample statistics (as given, or with the checksum recomputed so that the parser behind it is reached too).
// Picks 12-13: a JSON array of numbers as --mc-errors / KL parameter files read it; batch jobs (JSON array or lines),
// each run through its command. Picks 14-15: a structured generator for deep nesting, which byte-level mutation
// under -max_len cannot reach: the next two bytes give a depth up to 2^18, the next one a wrapper, and the rest is
// put inside that many levels and fed to every JSON reader (14: one document, 15: as JSON lines).
// Any exception other than InvalidArgument, any crash or sanitizer report is a bug.
#include <boost/crc.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "itbound/cli/batch.hpp"
#include "itbound/data/json_text.hpp"
#include "itbound/data/loo_io.hpp"
#include "itbound/data/ndarray.hpp"
#include "itbound/data/number_arrays.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/data/trajectory.hpp"
#include "itbound/error.hpp"
#include "itbound/estimators/supersample_stats.hpp"

namespace {

using itbound::data::RunsFormat;
using itbound::estimators::Correction;

void json_readers(const std::string& text, Correction correction) {
  const auto guarded = [](auto&& read) {
    try {
      read();
    } catch (const itbound::InvalidArgument&) {
    }
  };
  guarded([&] { itbound::data::numbers_from_json(itbound::data::parse_json(text, "mc-errors", "fuzz"), "mc-errors"); });
  guarded([&] {
    const auto doc = itbound::data::parse_json(text, "posterior", "fuzz");
    if (doc.is_object())
      for (auto it = doc.begin(); it != doc.end(); ++it) itbound::data::number_array_from_json(it.value(), it.key());
  });
  const std::span<const unsigned char> bytes(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  guarded([&] { itbound::estimators::estimate_cmi(itbound::data::parse_supersample_runs(bytes, RunsFormat::json, "fuzz"), correction); });
  guarded([&] { itbound::estimators::estimate_loo_cmi(itbound::data::parse_loo_runs(bytes, RunsFormat::json, "fuzz"), correction); });
  guarded([&] {
    std::istringstream in(text);
    const auto read = itbound::data::read_trajectory(in);
    itbound::trajectory_report(read.accumulator, read.format);
  });
  std::ostringstream sink;
  itbound::cli::run_batch(itbound::cli::read_batch(text), sink);
}

// Depth up to 2^18 from two bytes and a wrapper from one: '[' nests arrays, else objects {"k": ...}.
std::string nested(std::span<const unsigned char> b, bool lines) {
  if (b.size() < 3) return {};
  const std::size_t depth = (std::size_t{b[0]} << 10) | (std::size_t{b[1]} << 2);
  const bool arrays = b[2] % 2 == 0;
  const std::string payload(b.begin() + 3, b.end());
  std::string open, close;
  for (std::size_t k = 0; k < depth; ++k) open += arrays ? "[" : "{\"k\":", close += arrays ? "]" : "}";
  const std::string one = open + payload + close;
  return lines ? "{\"dimension\": 1, \"n\": 2}\n" + one + "\n" + one + "\n" : one;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const unsigned char> bytes(data + 1, size - 1);
  try {
    const int pick = data[0] % 16;
    const RunsFormat format = static_cast<RunsFormat>((pick + 1) % 3);  // npz, json, csv for 2..4 and for 5..7
    const auto correction = static_cast<Correction>(data[0] / 16 % 3);
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
    } else if (pick == 11) {
      std::vector<unsigned char> sealed(bytes.begin(), bytes.end());
      if (data[0] / 48 % 2 == 1 && sealed.size() >= 4) {  // replace the last four bytes by the CRC-32 of the rest
        boost::crc_32_type crc;
        crc.process_bytes(sealed.data(), sealed.size() - 4);
        for (std::size_t k = 0; k < 4; ++k) sealed[sealed.size() - 4 + k] = static_cast<unsigned char>(crc.checksum() >> (8 * k));
      }
      itbound::estimators::SupersampleStats::from_bytes(sealed).finalize(correction);
    } else if (pick == 12) {
      json_readers(std::string(bytes.begin(), bytes.end()), correction);
    } else if (pick == 13) {
      std::ostringstream sink;
      itbound::cli::run_batch(itbound::cli::read_batch(std::string(bytes.begin(), bytes.end())), sink);
    } else {
      json_readers(nested(bytes, pick == 15), correction);
    }
  } catch (const itbound::InvalidArgument&) {
  }
  return 0;
}
