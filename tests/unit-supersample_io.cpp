// Supersample runs readers: the same runs in NPZ, JSON and CSV (tests/fixtures/make_runs_fixtures.py)
// read identically; malformed files give errors naming the field.
#include <doctest/doctest.h>

#include "itbound/data/supersample_io.hpp"
#include "itbound/error.hpp"
#include "reader_errors.hpp"

using itbound::data::read_supersample_runs;
using itbound::testing::write_temp;

namespace {
const std::string fixtures = std::string(ITBOUND_DATA_DIR) + "/../tests/fixtures/";

std::string error_of(const std::string& path, double lo = 0.0, double hi = 1.0) {
  return itbound::testing::reader_error(read_supersample_runs, path, lo, hi);
}
}  // namespace

TEST_CASE("runs: NPZ, JSON and CSV forms read identically") {
  const auto npz = read_supersample_runs(fixtures + "runs.npz");
  const auto json = read_supersample_runs(fixtures + "runs.json");
  const auto csv = read_supersample_runs(fixtures + "runs.csv");
  CHECK(npz.k1 == 2);
  CHECK(npz.k2 == 3);
  CHECK(npz.n == 4);
  for (const auto* other : {&json, &csv}) {
    CHECK(other->k1 == npz.k1);
    CHECK(other->k2 == npz.k2);
    CHECK(other->n == npz.n);
    CHECK(other->mask == npz.mask);
    CHECK(other->loss == npz.loss);
    CHECK(other->pred == npz.pred);
  }
}

TEST_CASE("runs: CSV columns by name in any order, extra columns and a pandas index column ignored") {
  using itbound::testing::rearranged;
  const auto csv = read_supersample_runs(fixtures + "runs.csv");
  const std::string text = itbound::testing::file_text(fixtures + "runs.csv");
  const auto shuffled = read_supersample_runs(write_temp("csv-shuffled.csv", rearranged(text, {5, 1, 3, 7, 0, 2, 6, 4})));
  CHECK(shuffled.mask == csv.mask);
  CHECK(shuffled.loss == csv.loss);
  CHECK(shuffled.pred == csv.pred);
  const auto no_pred = read_supersample_runs(write_temp("csv-nopred.csv", rearranged(text, {4, 5, 0, 1, 2, 3})));
  CHECK(no_pred.loss == csv.loss);
  CHECK(no_pred.pred.empty());
  // Names compared without case; errors show the header found and the names expected.
  CHECK(read_supersample_runs(write_temp("csv-case.csv", "Supersample,RUN,pair,u,loss0,loss1\n0,0,0,1,0,1\n")).n == 1);
  CHECK(error_of(write_temp("csv-missing.csv", "supersample,run,pair,loss0,loss1\n0,0,0,0,1\n")) ==
        "header: found 'supersample,run,pair,loss0,loss1', missing u (expected supersample, run, pair, u, loss0, loss1 "
        "(optional: pred0, pred1), in any order)");
  CHECK(error_of(write_temp("csv-twice.csv", "supersample,run,pair,u,loss0,loss1,loss1\n0,0,0,1,0,1,1\n"))
            .find("header: found 'supersample,run,pair,u,loss0,loss1,loss1': two columns named loss1, which is ambiguous") == 0);
  CHECK(error_of(write_temp("csv-onepred.csv", "supersample,run,pair,u,loss0,loss1,pred0\n0,0,0,1,0,1,1\n"))
            .find("header: pred0 and pred1 come together") == 0);
  CHECK(error_of(write_temp("csv-quote.csv", "supersample,run,pair,u,loss0,\"loss1\n")).find("csv: line 1: a quoted field") == 0);
}

TEST_CASE("runs: malformed files name the problem") {
  CHECK(error_of(fixtures + "runs.npz", 0.0, 0.5).find("loss: value") == 0);
  const std::string head = "supersample,run,pair,u,loss0,loss1\n";
  CHECK(error_of(write_temp("a.csv", head + "0,0,0,2,0,1\n")).find("u: values must be 0 or 1") == 0);
  CHECK(error_of(write_temp("b.csv", head + "0,0,0,1,0,nan\n")).find("loss: contains NaN") == 0);
  CHECK(error_of(write_temp("c.csv", head + "0,0,0,1,0,1\n0,0,1,1,0,1\n0,1,1,1,0,1\n")).find("csv: shape mismatch") == 0);
  CHECK(error_of(write_temp("d.csv", head + "0,0,0,1,0,1\n0,0,0,1,0,1\n")).find("csv: ") == 0);
  CHECK(error_of(write_temp("e.csv", head + "0,0,0,1,0,x\n")).find("loss1: line 2") == 0);
  CHECK(error_of(write_temp("f.csv", "a,b\n")).find("header") == 0);
  CHECK(error_of(write_temp("a.json", R"({"mask": [[[0, 1]]], "loss": [[[[0, 1], [1]]]]})")).find("loss: ragged") == 0);
  CHECK(error_of(write_temp("b.json", R"({"mask": [[[0, 1]]], "loss": [[[[0, 1]]]]})")).find("loss: shape mismatch") == 0);
  CHECK(error_of(write_temp("c.json", R"({"mask": [[[0, 3]]], "loss": [[[[0, 1], [1, 0]]]]})")).find("mask: ") == 0);
  CHECK(error_of(write_temp("d.json", R"({"loss": 1})")).find("mask: missing") == 0);
  CHECK(error_of(write_temp("e.json", R"({"mask": )")).find("path: '") == 0);
  CHECK(error_of(write_temp("e.json", R"({"mask": )")).find("is not valid JSON") != std::string::npos);
  CHECK(error_of(write_temp("x.txt", "")).find("path: unknown runs file type") == 0);
}

TEST_CASE("runs: the stored view reads members in place where it can and estimates like the decoded runs") {
  using itbound::data::open_supersample_runs;
  using namespace itbound::estimators;
  // Fixture: bool mask (in place), Fortran-order loss (decoded), int32 predictions (in place), deflated.
  auto stored = open_supersample_runs(fixtures + "runs.npz");
  const auto moved = std::move(stored);  // the view points into buffers that move with the object
  const auto& v = moved.view();
  CHECK(v.mask.type == Element::u8);
  CHECK(v.loss.type == Element::f64);
  CHECK(v.pred.type == Element::i32);
  const auto runs = read_supersample_runs(fixtures + "runs.npz");
  const auto a = estimate_cmi(v, Correction::jackknife), b = estimate_cmi(runs, Correction::jackknife);
  CHECK(a.ecmi == b.ecmi);
  CHECK(a.fcmi == b.fcmi);
  CHECK(a.ldmi == b.ldmi);
  CHECK(a.run_gap == b.run_gap);
  // Stored (numpy.savez) digits runs: every member viewed in the mapped file.
  const auto digits = open_supersample_runs(std::string(ITBOUND_DATA_DIR) + "/examples/digits-1nn.npz");
  CHECK(digits.view().pred.type == Element::i16);
  CHECK(estimate_cmi(digits.view(), Correction::none).ecmi ==
        estimate_cmi(read_supersample_runs(std::string(ITBOUND_DATA_DIR) + "/examples/digits-1nn.npz"), Correction::none).ecmi);
}
