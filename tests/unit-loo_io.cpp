// Leave-one-out runs readers: the same runs in NPZ, JSON and CSV (tests/fixtures/make_runs_fixtures.py)
// read identically; malformed files give errors naming the field.
#include <doctest/doctest.h>

#include "itbound/data/loo_io.hpp"
#include "itbound/error.hpp"
#include "reader_errors.hpp"

using itbound::data::read_loo_runs;
using itbound::testing::write_temp;

namespace {
const std::string fixtures = std::string(ITBOUND_DATA_DIR) + "/../tests/fixtures/";

std::string error_of(const std::string& path, double lo = 0.0, double hi = 1.0) {
  return itbound::testing::reader_error(read_loo_runs, path, lo, hi);
}
}  // namespace

TEST_CASE("loo runs: NPZ, JSON and CSV forms read identically") {
  const auto npz = read_loo_runs(fixtures + "loo_runs.npz");
  const auto json = read_loo_runs(fixtures + "loo_runs.json");
  const auto csv = read_loo_runs(fixtures + "loo_runs.csv");
  CHECK(npz.k1 == 2);
  CHECK(npz.k2 == 3);
  CHECK(npz.n == 3);
  CHECK(npz.left_out == std::vector<std::int64_t>{3, 2, 2, 1, 3, 0});
  CHECK(npz.loss[3] == 0.0);  // loss[0][0][3] (written in Fortran order, read back in C order)
  CHECK(npz.loss[4] == 0.0);  // loss[0][1][0]
  CHECK(npz.loss[5] == 0.75);
  for (const auto* other : {&json, &csv}) {
    CHECK(other->k1 == npz.k1);
    CHECK(other->k2 == npz.k2);
    CHECK(other->n == npz.n);
    CHECK(other->left_out == npz.left_out);
    CHECK(other->loss == npz.loss);
  }
}

TEST_CASE("loo runs: CSV columns by name in any order, extra columns and a pandas index column ignored") {
  const auto csv = read_loo_runs(fixtures + "loo_runs.csv");
  const auto shuffled = read_loo_runs(write_temp(
      "csv-loo-shuffled.csv", itbound::testing::rearranged(itbound::testing::file_text(fixtures + "loo_runs.csv"),
                                                           {4, 2, 0, 3, 1})));
  CHECK(shuffled.left_out == csv.left_out);
  CHECK(shuffled.loss == csv.loss);
}

TEST_CASE("loo runs: malformed files name the problem") {
  CHECK(error_of(fixtures + "loo_runs.npz", 0.0, 0.5).find("loss: value") == 0);
  const std::string head = "supersample,run,left_out,point,loss\n";
  CHECK(error_of(write_temp("loo-a.csv", head + "0,0,0,0,1\n0,0,1,1,0\n")).find("left_out: line 3: differs") == 0);
  CHECK(error_of(write_temp("loo-b.csv", head + "0,0,0,0,1\n0,0,0,1,nan\n")).find("loss: contains NaN") == 0);
  CHECK(error_of(write_temp("loo-c.csv", head + "0,0,0,0,1\n0,0,0,1,0\n0,1,0,1,0\n")).find("csv: shape mismatch") == 0);
  CHECK(error_of(write_temp("loo-d.csv", head + "0,0,0,0,1\n0,0,0,0,1\n")).find("csv: ") == 0);
  CHECK(error_of(write_temp("loo-e.csv", head + "0,0,0,0,x\n")).find("loss: line 2") == 0);
  CHECK(error_of(write_temp("loo-f.csv", head + "0,0,2,0,1\n0,0,2,1,0\n")).find("left_out: values must be integer indices") == 0);
  CHECK(error_of(write_temp("loo-g.csv", head + "0,0,0,0,1\n")).find("shape: ") == 0);
  CHECK(error_of(write_temp("loo-h.csv", "supersample,run,pair,u,loss0,loss1\n")).find("header: found 'supersample,run,pair,u,loss0,loss1', missing left_out, point, loss (expected supersample, run, left_out, point, loss, in any order)") == 0);
  CHECK(error_of(write_temp("loo-i.csv", head + "0,0,0\n")).find("csv: line 2: 3 fields, expected 5") == 0);
  CHECK(error_of(write_temp("loo-a.json", R"({"loss": [[[0, 1], [1]]], "left_out": [[0, 1]]})")).find("loss: ragged") == 0);
  CHECK(error_of(write_temp("loo-b.json", R"({"loss": [[[0, 1], [1, 0]]], "left_out": [[0]]})")).find("left_out: shape mismatch") == 0);
  CHECK(error_of(write_temp("loo-c.json", R"({"loss": [[[0, 1], [1, 0]]], "left_out": [[0, 2]]})")).find("left_out: values must be integer") == 0);
  CHECK(error_of(write_temp("loo-d.json", R"({"loss": [[[0, 1], [1, 0]]], "left_out": [[0, 0.5]]})")).find("left_out: ") == 0);
  CHECK(error_of(write_temp("loo-e.json", R"({"loss": [[[0, 1]]]})")).find("left_out: missing") == 0);
  CHECK(error_of(write_temp("loo-f.json", R"({"loss": [[0, 1]], "left_out": [0]})")).find("loss: shape mismatch: must have 3 axes") == 0);
  CHECK(error_of(write_temp("loo-g.json", R"({"loss": [[[0]]], "left_out": [[0]]})")).find("loss: shape mismatch: a supersample needs") == 0);
  CHECK(error_of(write_temp("loo-h.json", R"([1, 2])")).find("path: JSON runs must be an object with 'loss' and 'left_out'") == 0);
  CHECK(error_of(write_temp("loo-x.txt", "")).find("path: unknown runs file type") == 0);
  CHECK(error_of("/nonexistent/loo.npz").find("path: ") == 0);
  // A supersample-runs file is not a leave-one-out file: the missing member is named.
  CHECK(error_of(fixtures + "runs.npz").find("left_out: missing") == 0);
}
