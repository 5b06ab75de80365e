#pragma once
// Mergeable sufficient statistics of supersample runs (issue 8): everything estimate_cmi needs, as counts
// and exact sums, so that a run split into shards (by supersample, by pair or by runs within a supersample)
// and merged gives bit-for-bit the single-pass result. estimate_cmi is accumulate + finalize.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "itbound/estimators/detail/uninitialised.hpp"
#include "itbound/estimators/supersample.hpp"

namespace itbound::estimators {

// An exact sum of doubles: a fixed-point accumulator spanning every double's exponent range, so the sum
// does not depend on the order of its terms, and two sums merge exactly. value() rounds once, at the end.
class ExactSum {
public:
  void add(double x);  // x finite
  void add(const ExactSum& other, bool negate = false);
  double value() const;
  bool operator==(const ExactSum& other) const;

  static constexpr int kLimbs = 68;  // 32-bit digits from 2^-1074 up past 2^1024, and room for 2^63 terms
  std::array<std::int64_t, kLimbs> limbs() const;  // normalised: digits in [0, 2^32), the top one signed
  static ExactSum from_limbs(const std::array<std::int64_t, kLimbs>& limbs);

private:
  void normalise();
  std::array<std::int64_t, kLimbs> limb_{};
  std::uint32_t pending_ = 0;  // adds since the last carry propagation (each adds < 2^32 to a limb)
};

// One distinct value X = (a, b) of a pair's measure and how often it occurred with U = 0 and U = 1.
struct Cell {
  double a, b;
  std::uint32_t n0, n1;
};

// Plug-in MI (nats) of a binary U and X from its cells (distinct X values in any order), bias-corrected as
// asked, clamped to [0, ln 2]. The formula behind discrete_mi_binary.
double mi_from_cells(std::span<const Cell> cells, Correction correction);

// Where a shard sits in the full run: its supersample s, run j and pair i start at these indices.
struct SupersampleOffsets {
  std::int64_t supersample = 0, run = 0, pair = 0;
};

class SupersampleStats {
public:
  // Statistics of the runs in `runs`, placed at `at` in the full run; validates each value as it reads it
  // (the messages of validate()). Empty statistics (default constructed) are the identity of merge.
  static SupersampleStats accumulate(const SupersampleView& runs, SupersampleOffsets at = {});
  // Bootstrap form: output run j of supersample s reads stored run picks[s * k2 + j] of that supersample.
  static SupersampleStats accumulate(const SupersampleView& runs, std::span<const std::uint32_t> picks);

  // Adds another shard. Throws InvalidArgument("stats", ...) if the shards overlap or disagree (loss range,
  // predictions present or not).
  void merge(const SupersampleStats& other);
  static SupersampleStats merged(const SupersampleStats& a, const SupersampleStats& b);  // builds the merged tables once

  // The estimates; throws InvalidArgument("stats", ...) unless the merged shards cover supersamples
  // [0, k1), runs [0, k2) and pairs [0, n) exactly once. The box is what the shards span: a missing last
  // shard leaves a smaller complete run, so callers that know the full shape compare k1(), k2(), n().
  CmiEstimates finalize(Correction correction) const;

  bool empty() const { return blocks_.empty(); }
  bool complete() const;
  std::int64_t k1() const { return s_end_ - s_begin_; }
  std::int64_t k2() const { return j_end_ - j_begin_; }
  std::int64_t n() const { return i_end_ - i_begin_; }
  double loss_min() const { return loss_min_; }
  double loss_max() const { return loss_max_; }
  bool has_pred() const { return has_pred_; }
  SupersampleShape shape() const { return {k1(), k2(), n(), loss_min_, loss_max_}; }

  // What leaving out one run changes in the mean estimates (for the delete-one-run jackknife, cmi_interval): per
  // run r = s k2 + j, the mean over units of (the unit's estimate without run r - its estimate), the units being
  // the k1 n slots for f-, e- and ld-CMI (fcmi empty without predictions) and the n pairs for ld-MI. `runs` must be
  // the runs these complete statistics came from (their shape is checked); threads: 0 for the hardware's count
  // (one for runs under about a million elements).
  struct RunDeltas {
    std::vector<double> fcmi, ecmi, ldcmi, ldmi;
  };
  RunDeltas leave_one_run_out(const SupersampleView& runs, Correction correction, unsigned threads = 0) const;
  // finalize and leave_one_run_out at once, the same numbers as the two calls; with 0-1 losses one pass over the
  // counts makes both (each estimate is the base of its changes).
  std::pair<CmiEstimates, RunDeltas> finalize_with_run_deltas(const SupersampleView& runs, Correction correction,
                                                              unsigned threads = 0) const;

  // A self-describing byte string (little endian) closed by a CRC-32 of the rest, and back; from_bytes checks the
  // checksum, then every length and offset, and throws InvalidArgument("stats", ...) on anything corrupted or
  // malformed.
  std::vector<unsigned char> to_bytes() const;
  static SupersampleStats from_bytes(std::span<const unsigned char> bytes);

  // The box [s, s_end) x [j, j_end) x [i, i_end) of (supersample, run, pair) one accumulate call covered.
  struct Block {
    std::int64_t s, s_end, j, j_end, i, i_end;
  };
  // Cells of one measure for every (supersample, pair) slot of the bounding box, slot-major, each slot's
  // cells sorted by (a, b).
  struct CellTable {
    std::vector<std::uint64_t> offsets;  // slots + 1
    std::vector<Cell> cells;
  };

private:
  std::vector<unsigned char> content_bytes() const;  // to_bytes before its checksum
  template <class Picks>
  static SupersampleStats accumulate_impl(const SupersampleView& runs, SupersampleOffsets at, const Picks& picks,
                                          unsigned threads);
  std::size_t slots() const { return static_cast<std::size_t>(k1() * n()); }
  // finalize without the dense per-pair estimates unless dense_estimates; leave_one_run_out writing the estimates of
  // 0-1 losses into `estimates` when given.
  CmiEstimates finalize_impl(Correction correction, bool dense_estimates) const;
  RunDeltas leave_one_run_out_impl(const SupersampleView& runs, Correction correction, unsigned threads,
                                   CmiEstimates* estimates) const;
  // Whether every loss is 0 or 1 and whether every trained member's loss is loss_min, read off the e-cells (every
  // loss of every run is in one): the data decide, not a flag carried through shards or files.
  void loss_flags(bool& interpolating, bool& zero_one) const;

  double loss_min_ = 0.0, loss_max_ = 1.0;
  bool has_pred_ = false;
  // Bounding box of every block merged so far; slots and runs outside any block hold nothing.
  std::int64_t s_begin_ = 0, s_end_ = 0, j_begin_ = 0, j_end_ = 0, i_begin_ = 0, i_end_ = 0;
  std::vector<Block> blocks_;
  CellTable e_;  // X = (loss0, loss1); ld-CMI and ld-MI group these cells by loss1 - loss0
  // With 0-1 losses (the usual case: every value accumulated was 0 or 1) e_ stays empty and each slot k keeps
  // its e-cells as eight counts, e_binary_[8 k + code], code = loss0 + 2 loss1 + 4 u: a third of the memory, no
  // search. e_slot and e_table read either form as cells, in key order (the dense form through `buffer`).
  bool dense_ = false;
  std::vector<std::uint32_t, detail::Uninitialised<std::uint32_t>> e_binary_;  // every count written by accumulate
  std::span<const Cell> e_slot(std::size_t k, std::array<Cell, 4>& buffer) const;
  const CellTable& e_table(CellTable& buffer) const;
  CellTable f_;  // X = (pred0, pred1), empty without predictions
  // (pred, loss) of each member, n0 / n1 counting members 0 / 1 (not U): whether the loss is a function of the
  // prediction (f-CMI's assumption). Empty without predictions.
  CellTable joint_;
  std::vector<ExactSum> train_, held_;  // per run of the box, (s - s_begin) * k2() + (j - j_begin)
};

}  // namespace itbound::estimators
