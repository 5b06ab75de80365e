#pragma once
// Readers for supersample runs (format: data/SCHEMA.md). The file type is chosen by extension:
// .npz (arrays mask, loss, optional pred), .json (the same names as nested arrays), .csv (long form).
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "itbound/data/ndarray.hpp"
#include "itbound/data/runs_format.hpp"
#include "itbound/estimators/supersample.hpp"

namespace itbound::data {

// Reads and validates; loss_min/loss_max declare the loss range the checks and bounds use.
// The same from bytes already in memory (`what` names the source in errors); used by the fuzz harness.
estimators::SupersampleRuns parse_supersample_runs(std::span<const unsigned char> bytes, RunsFormat format,
                                                   const std::string& what, double loss_min = 0.0, double loss_max = 1.0);

estimators::SupersampleRuns read_supersample_runs(const std::filesystem::path& path, double loss_min = 0.0,
                                                  double loss_max = 1.0);

// A view of three arrays given with their shapes, checked as the file readers check them: mask (k1, k2, n),
// loss and pred (k1, k2, n, 2); pred.data null means no predictions. (Python's array entry points.)
estimators::SupersampleView runs_view(const estimators::ElementArray& mask, const std::vector<std::int64_t>& mask_shape,
                                      const estimators::ElementArray& loss, const std::vector<std::int64_t>& loss_shape,
                                      const estimators::ElementArray& pred, const std::vector<std::int64_t>& pred_shape,
                                      double loss_min, double loss_max);

// Runs as stored, for the estimators' SupersampleView: NPZ members that are little endian (or bytes) in
// C order are viewed in place, in the memory-mapped file, without conversion; other members (big endian,
// Fortran order) and JSON or CSV files are decoded into buffers this object owns. Shapes are checked here,
// every value when the estimators read it (the same messages as validate). Move-only; the view stays valid
// for the object's lifetime.
class StoredRuns {
public:
  const estimators::SupersampleView& view() const { return view_; }

private:
  friend StoredRuns parse_stored_runs(std::span<const unsigned char>, RunsFormat, const std::string&, double, double);
  friend StoredRuns open_supersample_runs(const std::filesystem::path&, double, double);
  std::unique_ptr<FileBytes> file_;
  std::vector<std::vector<unsigned char>> inflated_;
  std::vector<double> decoded_[3];         // mask, loss, pred when not viewable in place
  estimators::SupersampleRuns parsed_;     // JSON and CSV
  estimators::SupersampleView view_;
};

// From bytes the caller keeps alive for the result's lifetime (the fuzz harness; tests).
StoredRuns parse_stored_runs(std::span<const unsigned char> bytes, RunsFormat format, const std::string& what,
                             double loss_min = 0.0, double loss_max = 1.0);
StoredRuns open_supersample_runs(const std::filesystem::path& path, double loss_min = 0.0, double loss_max = 1.0);

}  // namespace itbound::data
