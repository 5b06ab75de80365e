#include "itbound/data/supersample_io.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "itbound/error.hpp"
#include "runs_text.hpp"

namespace itbound::data {
namespace {

using estimators::SupersampleRuns;

struct Shape {
  std::int64_t k1, k2, n;
};

Shape dims_of_mask(const std::vector<std::int64_t>& shape) {
  if (shape.size() != 3) fail("mask", "shape mismatch: must have 3 axes (k1, k2, n)");
  return {shape[0], shape[1], shape[2]};
}

void check_pair_shape(const char* field, const std::vector<std::int64_t>& shape, Shape r) {
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
  const Shape shape = dims_of_mask(mask.shape);
  r.k1 = shape.k1, r.k2 = shape.k2, r.n = shape.n;
  check_pair_shape("loss", loss.shape, shape);
  r.mask = to_mask(mask.values);
  r.loss = std::move(loss.values);
  if (pred) {
    check_pair_shape("pred", pred->shape, shape);
    r.pred = pred->values;
  }
  return r;
}

// The element type of an NPY member whose bytes can be read in place.
std::optional<estimators::Element> in_place(const NpyView& v) {
  using estimators::Element;
  if (v.big_endian || (v.fortran_order && v.shape.size() > 1)) return std::nullopt;
  switch (v.dtype) {
    case DType::boolean:
    case DType::uint8: return Element::u8;
    case DType::int16: return Element::i16;
    case DType::int32: return Element::i32;
    case DType::int64: return Element::i64;
    case DType::float32: return Element::f32;
    case DType::float64: return Element::f64;
  }
  return std::nullopt;
}

SupersampleRuns parse_json_runs(const std::string& text, const std::string& what) {
  const Json doc = detail::parse_runs_json(text, what, {"mask", "loss"});
  NdArray pred;
  if (doc.contains("pred")) pred = detail::json_array(doc, "pred");
  return from_arrays(detail::json_array(doc, "mask"), detail::json_array(doc, "loss"), doc.contains("pred") ? &pred : nullptr);
}

SupersampleRuns parse_csv_runs(const std::string& text) {
  static const std::vector<std::string> names = {"supersample", "run", "pair", "u", "loss0", "loss1", "pred0", "pred1"};
  const auto [lines, present] = detail::parse_long_csv(text, names, 6);
  if (present[6] != present[7]) fail("header", "pred0 and pred1 come together: give both columns or neither");
  const bool with_pred = present[6];
  const std::size_t columns = with_pred ? 8 : 6;
  struct Row {
    std::int64_t s, r, i;
    double v[5];
  };
  std::vector<Row> rows;
  std::int64_t k1 = 0, k2 = 0, n = 0;
  for (const auto& [number, cells] : lines) {
    Row row{detail::parse_index(cells[0], names[0].c_str(), number), detail::parse_index(cells[1], names[1].c_str(), number),
            detail::parse_index(cells[2], names[2].c_str(), number), {0, 0, 0, 0, 0}};
    for (std::size_t c = 3; c < columns; ++c) row.v[c - 3] = detail::parse_number(cells[c], names[c].c_str(), number);
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

estimators::SupersampleView runs_view(const estimators::ElementArray& mask, const std::vector<std::int64_t>& mask_shape,
                                      const estimators::ElementArray& loss, const std::vector<std::int64_t>& loss_shape,
                                      const estimators::ElementArray& pred, const std::vector<std::int64_t>& pred_shape,
                                      double loss_min, double loss_max) {
  const Shape dims = dims_of_mask(mask_shape);
  check_pair_shape("loss", loss_shape, dims);
  if (pred.data) check_pair_shape("pred", pred_shape, dims);
  return {dims.k1, dims.k2, dims.n, mask, loss, pred, loss_min, loss_max};
}

StoredRuns parse_stored_runs(std::span<const unsigned char> bytes, RunsFormat format, const std::string& what,
                             double loss_min, double loss_max) {
  StoredRuns out;
  if (format == RunsFormat::npz) {
    const auto members = npz_members(bytes, what, out.inflated_);
    detail::require_members(members, {"mask", "loss"}, what);
    const auto array = [&](const char* key, std::size_t slot) {
      const auto& member = members.at(key);
      const NpyView header = parse_npy_header(member.bytes, member.what);
      estimators::ElementArray a{header.data.data(), estimators::Element::f64, header.count};
      if (const auto type = in_place(header)) {
        a.type = *type;
      } else {
        out.decoded_[slot] = decode(header, member.what).values;
        a.data = out.decoded_[slot].data();
      }
      return std::pair(a, header.shape);
    };
    const auto [mask, mask_shape] = array("mask", 0);
    const auto [loss, loss_shape] = array("loss", 1);
    std::pair<estimators::ElementArray, std::vector<std::int64_t>> pred;
    if (members.count("pred")) pred = array("pred", 2);
    out.view_ = runs_view(mask, mask_shape, loss, loss_shape, pred.first, pred.second, loss_min, loss_max);
  } else {
    const std::string text(bytes.begin(), bytes.end());
    out.parsed_ = format == RunsFormat::json ? parse_json_runs(text, what) : parse_csv_runs(text);
    out.view_ = estimators::view(out.parsed_);
  }
  out.view_.loss_min = loss_min;
  out.view_.loss_max = loss_max;
  return out;
}

estimators::SupersampleRuns parse_supersample_runs(std::span<const unsigned char> bytes, RunsFormat format,
                                                   const std::string& what, double loss_min, double loss_max) {
  // to_runs validates every value as it converts.
  return estimators::to_runs(parse_stored_runs(bytes, format, what, loss_min, loss_max).view());
}

StoredRuns open_supersample_runs(const std::filesystem::path& path, double loss_min, double loss_max) {
  const RunsFormat format = runs_format(path);
  auto file = std::make_unique<FileBytes>(path);
  StoredRuns out = parse_stored_runs(file->bytes(), format, path.string(), loss_min, loss_max);
  out.file_ = std::move(file);  // the view points into the mapping, which moves with the pointer
  return out;
}

estimators::SupersampleRuns read_supersample_runs(const std::filesystem::path& path, double loss_min, double loss_max) {
  return estimators::to_runs(open_supersample_runs(path, loss_min, loss_max).view());
}

}  // namespace itbound::data
