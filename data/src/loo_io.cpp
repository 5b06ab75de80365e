#include "itbound/data/loo_io.hpp"

#include <algorithm>
#include <cmath>

#include "itbound/error.hpp"
#include "runs_text.hpp"

namespace itbound::data {
namespace {

using estimators::LooRuns;

LooRuns from_arrays(NdArray loss, const NdArray& left_out) {
  if (loss.shape.size() != 3) fail("loss", "shape mismatch: must have 3 axes (k1, k2, n + 1)");
  if (loss.shape[2] < 2) fail("loss", "shape mismatch: a supersample needs n + 1 >= 2 points");
  LooRuns r;
  r.k1 = loss.shape[0];
  r.k2 = loss.shape[1];
  r.n = loss.shape[2] - 1;
  if (left_out.shape != std::vector<std::int64_t>{r.k1, r.k2})
    fail("left_out", "shape mismatch: expected (k1, k2) = (" + std::to_string(r.k1) + ", " + std::to_string(r.k2) + ")");
  r.left_out.reserve(left_out.size());
  for (const double u : left_out.values) {
    if (!(u >= 0 && u <= static_cast<double>(r.n) && u == std::floor(u)))
      fail("left_out", "values must be integer indices in [0, n] = [0, " + std::to_string(r.n) + "], got " +
                           format_number(u));
    r.left_out.push_back(static_cast<std::int64_t>(u));
  }
  r.loss = std::move(loss.values);
  return r;
}

LooRuns npz_runs(std::map<std::string, NdArray> arrays, const std::string& what) {
  detail::require_members(arrays, {"loss", "left_out"}, what);
  return from_arrays(std::move(arrays.at("loss")), arrays.at("left_out"));
}

LooRuns parse_json_runs(const std::string& text, const std::string& what) {
  const Json doc = detail::parse_runs_json(text, what, {"loss", "left_out"});
  return from_arrays(detail::json_array(doc, "loss"), detail::json_array(doc, "left_out"));
}

// Long form: one row per (supersample, run, point); left_out repeated on every row of a run.
LooRuns parse_csv_runs(const std::string& text) {
  static constexpr const char* names[] = {"supersample", "run", "left_out", "point", "loss"};
  const auto lines = detail::parse_long_csv(text, {std::begin(names), std::end(names)}, 5).rows;
  struct Row {
    std::int64_t s, r, u, i;
    double loss;
    std::size_t line;
  };
  std::vector<Row> rows;
  std::int64_t k1 = 0, k2 = 0, points = 0;
  for (const auto& [number, cells] : lines) {
    Row row{detail::parse_index(cells[0], names[0], number), detail::parse_index(cells[1], names[1], number),
            detail::parse_index(cells[2], names[2], number), detail::parse_index(cells[3], names[3], number),
            detail::parse_number(cells[4], names[4], number), number};
    k1 = std::max(k1, row.s + 1);
    k2 = std::max(k2, row.r + 1);
    points = std::max(points, row.i + 1);
    rows.push_back(row);
  }
  detail::require_full_table(static_cast<double>(k1) * static_cast<double>(k2) * static_cast<double>(points),
                             rows.size(), "(supersample, run, point)");
  LooRuns r;
  r.k1 = k1;
  r.k2 = k2;
  r.n = points - 1;
  r.left_out.assign(r.runs(), -1);  // -1 marks a run not yet seen
  r.loss.resize(r.runs() * r.points());
  std::vector<bool> seen(r.loss.size(), false);
  for (const auto& row : rows) {
    const auto run = static_cast<std::size_t>(row.s * k2 + row.r);
    const auto c = run * r.points() + static_cast<std::size_t>(row.i);
    if (seen[c]) fail("csv", "duplicate row for supersample " + std::to_string(row.s) + ", run " + std::to_string(row.r) +
                                 ", point " + std::to_string(row.i));
    seen[c] = true;
    if (r.left_out[run] >= 0 && r.left_out[run] != row.u)
      fail("left_out", "line " + std::to_string(row.line) + ": differs from the other rows of supersample " +
                           std::to_string(row.s) + ", run " + std::to_string(row.r));
    r.left_out[run] = row.u;
    r.loss[c] = row.loss;
  }
  return r;
}

}  // namespace

estimators::LooRuns parse_loo_runs(std::span<const unsigned char> bytes, RunsFormat format, const std::string& what,
                                   double loss_min, double loss_max) {
  return detail::parse_runs<LooRuns>(bytes, format, what, loss_min, loss_max, npz_runs, parse_json_runs, parse_csv_runs);
}

estimators::LooRuns read_loo_runs(const std::filesystem::path& path, double loss_min, double loss_max) {
  const RunsFormat format = runs_format(path);
  return parse_loo_runs(read_file_bytes(path), format, path.string(), loss_min, loss_max);
}

}  // namespace itbound::data
