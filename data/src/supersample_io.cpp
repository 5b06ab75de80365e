#include "itbound/data/supersample_io.hpp"

#include <algorithm>
#include <cmath>

#include "itbound/error.hpp"
#include "runs_text.hpp"

namespace itbound::data {
namespace {

using estimators::SupersampleRuns;

void set_shape(SupersampleRuns& r, const std::vector<std::int64_t>& mask_shape) {
  if (mask_shape.size() != 3) fail("mask", "shape mismatch: must have 3 axes (k1, k2, n)");
  r.k1 = mask_shape[0];
  r.k2 = mask_shape[1];
  r.n = mask_shape[2];
}

void check_pair_shape(const char* field, const std::vector<std::int64_t>& shape, const SupersampleRuns& r) {
  if (shape != std::vector<std::int64_t>{r.k1, r.k2, r.n, 2})
    fail(field, "shape mismatch: expected (k1, k2, n, 2) = (" + std::to_string(r.k1) + ", " + std::to_string(r.k2) +
                    ", " + std::to_string(r.n) + ", 2)");
}

std::vector<std::uint8_t> to_mask(const std::vector<double>& v) {
  std::vector<std::uint8_t> out(v.size());
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (v[k] != 0.0 && v[k] != 1.0) fail("mask", "values must be 0 or 1, got " + format_number(v[k]));
    out[k] = static_cast<std::uint8_t>(v[k]);
  }
  return out;
}

SupersampleRuns from_arrays(NdArray mask, NdArray loss, const NdArray* pred) {
  SupersampleRuns r;
  set_shape(r, mask.shape);
  check_pair_shape("loss", loss.shape, r);
  r.mask = to_mask(mask.values);
  r.loss = std::move(loss.values);
  if (pred) {
    check_pair_shape("pred", pred->shape, r);
    r.pred = pred->values;
  }
  return r;
}

SupersampleRuns npz_runs(std::map<std::string, NdArray> arrays, const std::string& what) {
  detail::require_members(arrays, {"mask", "loss"}, what);
  const auto p = arrays.find("pred");
  return from_arrays(std::move(arrays.at("mask")), std::move(arrays.at("loss")), p == arrays.end() ? nullptr : &p->second);
}

SupersampleRuns parse_json_runs(const std::string& text, const std::string& what) {
  const Json doc = detail::parse_runs_json(text, what, {"mask", "loss"});
  NdArray pred;
  if (doc.contains("pred")) pred = detail::json_array(doc, "pred");
  return from_arrays(detail::json_array(doc, "mask"), detail::json_array(doc, "loss"), doc.contains("pred") ? &pred : nullptr);
}

SupersampleRuns parse_csv_runs(const std::string& text) {
  std::size_t which = 0;
  const auto lines = detail::parse_long_csv(
      text, {"supersample,run,pair,u,loss0,loss1", "supersample,run,pair,u,loss0,loss1,pred0,pred1"},
      "supersample,run,pair,u,loss0,loss1[,pred0,pred1]", which);
  const bool with_pred = which == 1;
  const std::size_t columns = with_pred ? 8 : 6;
  static constexpr const char* names[] = {"supersample", "run", "pair", "u", "loss0", "loss1", "pred0", "pred1"};
  struct Row {
    std::int64_t s, r, i;
    double v[5];
  };
  std::vector<Row> rows;
  std::int64_t k1 = 0, k2 = 0, n = 0;
  for (const auto& [number, cells] : lines) {
    Row row{detail::parse_index(cells[0], names[0], number), detail::parse_index(cells[1], names[1], number),
            detail::parse_index(cells[2], names[2], number), {0, 0, 0, 0, 0}};
    for (std::size_t c = 3; c < columns; ++c) row.v[c - 3] = detail::parse_number(cells[c], names[c], number);
    k1 = std::max(k1, row.s + 1);
    k2 = std::max(k2, row.r + 1);
    n = std::max(n, row.i + 1);
    rows.push_back(row);
  }
  detail::require_full_table(static_cast<double>(k1) * static_cast<double>(k2) * static_cast<double>(n), rows.size(),
                             "(supersample, run, pair)");
  SupersampleRuns r;
  r.k1 = k1;
  r.k2 = k2;
  r.n = n;
  const auto cells = static_cast<std::size_t>(k1 * k2 * n);
  r.mask.assign(cells, 2);  // 2 marks a cell not yet seen
  r.loss.resize(2 * cells);
  if (with_pred) r.pred.resize(2 * cells);
  for (const auto& row : rows) {
    const auto c = static_cast<std::size_t>((row.s * k2 + row.r) * n + row.i);
    if (r.mask[c] != 2) fail("csv", "duplicate row for supersample " + std::to_string(row.s) + ", run " +
                                        std::to_string(row.r) + ", pair " + std::to_string(row.i));
    if (row.v[0] != 0.0 && row.v[0] != 1.0) fail("u", "values must be 0 or 1, got " + format_number(row.v[0]));
    r.mask[c] = static_cast<std::uint8_t>(row.v[0]);
    r.loss[2 * c] = row.v[1];
    r.loss[2 * c + 1] = row.v[2];
    if (with_pred) r.pred[2 * c] = row.v[3], r.pred[2 * c + 1] = row.v[4];
  }
  return r;
}

}  // namespace

estimators::SupersampleRuns parse_supersample_runs(std::span<const unsigned char> bytes, RunsFormat format,
                                                   const std::string& what, double loss_min, double loss_max) {
  return detail::parse_runs<SupersampleRuns>(bytes, format, what, loss_min, loss_max, npz_runs, parse_json_runs, parse_csv_runs);
}

estimators::SupersampleRuns read_supersample_runs(const std::filesystem::path& path, double loss_min, double loss_max) {
  const RunsFormat format = runs_format(path);
  return parse_supersample_runs(read_file_bytes(path), format, path.string(), loss_min, loss_max);
}

}  // namespace itbound::data
