// The data edge against issue 13: vectors are never flattened from other shapes, JSON nesting is bounded, messages
// never echo a whole value, a directory is named as such.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "itbound/bounds/pac_bayes.hpp"
#include "itbound/data/input_file.hpp"
#include "itbound/data/json_text.hpp"
#include "itbound/data/number_arrays.hpp"
#include "itbound/data/trajectory.hpp"
#include "itbound/error.hpp"
#include "reader_errors.hpp"

using itbound::InvalidArgument;
using itbound::testing::write_temp;
using namespace itbound::data;

namespace {
template <class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a vector is one row, one column or 1-D; any other shape names the field (issue 13, item 1)") {
  CHECK(read_number_vector(write_temp("v.json", "[1, 2, 3]"), "mi-file", "mi").size() == 3);
  CHECK(read_number_vector(write_temp("r.json", "[[1, 2, 3]]"), "mi-file", "mi").size() == 3);
  CHECK(read_number_vector(write_temp("c.csv", "1\n2\n3\n"), "mi-file", "mi").size() == 3);
  CHECK(read_number_vector(write_temp("r.csv", "1,2,3\n"), "mi-file", "mi").size() == 3);
  // Read in order these were 6 values.
  CHECK(message_of([] { read_number_vector(write_temp("m.csv", "1,2,3\n4,5,6\n"), "mi-file", "mi"); }) ==
        "mi-file: must be a vector of numbers (one row or one column), got an array of shape (2, 3)");
  CHECK(message_of([] { read_number_vector(write_temp("m.json", "[[1, 2], [3, 4]]"), "mc-errors", "errors"); })
            .rfind("mc-errors: must be a vector", 0) == 0);
  CHECK(message_of([] { numbers_from_json(Json::parse("[[1, 2], [3, 4]]"), "mc-errors"); }).rfind("mc-errors:", 0) == 0);
  const NdArray m = read_number_array(write_temp("m2.csv", "0,1,1\n0,0,1\n"), "mc-errors", "errors");
  CHECK(m.shape == std::vector<std::int64_t>{2, 3});
}

TEST_CASE("mc-sample-errors: an (N, n) matrix is N samples of row means; other shapes are errors naming the field") {
  using itbound::monte_carlo_from_error_array;
  const Eigen::ArrayXd v = (Eigen::ArrayXd(6) << 0, 1, 1, 0, 0, 1).finished();  // rows (0,1,1), (0,0,1)
  const auto mc = monte_carlo_from_error_array(v, {2, 3}, 3, 0.01);
  CHECK(mc.samples == 2);
  CHECK(mc.averaged_examples == 3);
  CHECK(mc.mean_error == 0.5);  // (2/3 + 1/3) / 2, exact
  CHECK(monte_carlo_from_error_array(v, {6}, 3, 0.01).samples == 6);
  CHECK(monte_carlo_from_error_array(v, {6, 1}, 3, 0.01).samples == 6);
  CHECK(monte_carlo_from_error_array(v, {1, 6}, 3, 0.01).samples == 6);
  CHECK(message_of([&] { monte_carlo_from_error_array(v, {2, 3}, 4, 0.01); }).rfind("mc-sample-errors: an (N, n) matrix", 0) == 0);
  CHECK(message_of([&] { monte_carlo_from_error_array(v, {3, 2}, 3, 0.01); }).find("got (3, 2)") != std::string::npos);
  CHECK(message_of([&] { monte_carlo_from_error_array(v, {1, 6}, 6, 0.01); }).find("ambiguous") != std::string::npos);
  CHECK(message_of([&] { monte_carlo_from_error_array(v, {1, 2, 3}, 3, 0.01); }).find("3 dimensions") != std::string::npos);
}

TEST_CASE("JSON deeper than the limit is a named error wherever it is parsed (issue 13, item 10)") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(json_nesting_depth(deep) > kMaxJsonDepth);
  CHECK(json_nesting_depth(R"(["[[[[", {"a": [1]}])") == 3);  // brackets inside strings do not count
  CHECK(message_of([&] { parse_json(deep, "args", "the job"); }) ==
        "args: the job nests arrays or objects deeper than 128 levels");
  CHECK(parse_json(std::string(128, '[') + std::string(128, ']'), "x", "y").is_array());
  CHECK(message_of([&] { read_number_vector(write_temp("deep.json", deep), "mc-errors", "errors"); }).rfind("mc-errors:", 0) == 0);
  CHECK(message_of([&] { read_named_arrays(write_temp("deepkl.json", "{\"mean\": " + deep + "}"), "posterior"); })
            .rfind("posterior:", 0) == 0);
  CHECK(message_of([&] { read_trajectory_file(write_temp("deep.jsonl", deep + "\n")); }).rfind("trajectory:", 0) == 0);
  // Not JSON at all: where, and a long token cut.
  const std::string bad = message_of([] { parse_json("[1, 2, " + std::string(5000, 'x') + "]", "f", "the file"); });
  CHECK(bad.rfind("f: the file is not valid JSON", 0) == 0);
  CHECK(bad.size() < 400);
  CHECK(message_of([] { parse_json("[1e400]", "f", "the file"); }).rfind("f: the file is not valid JSON", 0) == 0);
}

TEST_CASE("messages show a value cut short, never a whole input") {
  CHECK(brief(Json(std::string(10, 'a'))) == "aaaaaaaaaa");
  const std::string cut = brief(Json::array({std::string(1000000, 'a')}));
  CHECK(cut.size() < 120);
  CHECK(cut.find("(1000004 characters)") != std::string::npos);
  CHECK(message_of([] { numbers_from_json(Json::array({std::string(1000000, 'x')}), "mc-errors"); }).size() < 200);
}

TEST_CASE("a directory or a missing file is named as such, before any parser sees it (issue 13, item 12)") {
  const std::string dir = std::filesystem::temp_directory_path().string();
  CHECK(message_of([&] { read_trajectory_file(dir); }) == "file: '" + dir + "' is a directory, not a file");
  CHECK(message_of([&] { read_number_vector(dir, "mc-errors", "errors"); }).find("is a directory") != std::string::npos);
  CHECK(message_of([&] { read_npy(dir); }).find("is a directory") != std::string::npos);
  CHECK(message_of([&] { read_text_file(dir + "/no-such-itbound-file", "FILE"); }).find("does not exist") != std::string::npos);
}
