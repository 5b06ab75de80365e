#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "itbound/cli/batch.hpp"
#include "itbound/data/report_json.hpp"
#include "itbound/cli/docs.hpp"

using namespace itbound::cli;

namespace {

std::vector<Json> records(const std::string& text, unsigned threads = 1) {
  std::ostringstream out;
  run_batch(read_batch(text), out, {.threads = threads});
  std::vector<Json> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("batch results equal the single commands") {
  const Json args = {{"errors", 7}, {"trials", 250}, {"delta", "0.01"}};
  const auto r = records(R"([{"id": "a", "command": "test-set", "args": {"errors": 7, "trials": 250, "delta": "0.01"}},
                             {"id": 2, "command": "kl-inverse", "args": {"q": 0.25, "c": 0.5}}])");
  REQUIRE(r.size() == 2);
  CHECK(r[0]["id"] == "a");
  CHECK(r[0]["ok"] == true);
  // Compare the printed text: it is what both the CLI and the batch write.
  CHECK(itbound::data::to_json_text(r[0]["result"], -1) ==
        itbound::data::to_json_text(run_command(*find_command("test-set"), args), -1));
  CHECK(r[1]["result"]["upper"].get<double>() ==
        itbound::data::to_json(run_command(*find_command("kl-inverse"), Json{{"q", 0.25}, {"c", 0.5}}))["upper"].get<double>());
}

TEST_CASE("bad jobs become error records and never stop the batch") {
  const auto r = records(
      "{\"id\": 1, \"command\": \"kl-inverse\", \"args\": {\"q\": 1.5, \"c\": 1}}\n"
      "this is not json\n"
      "\n"
      "{\"id\": 3, \"command\": \"no-such\"}\n"
      "[1, 2]\n"
      "{\"id\": 5, \"args\": {}}\n"
      "{\"id\": 6, \"command\": \"test-set\", \"args\": {\"errors\": 1, \"trials\": 9, \"bogus\": 1}}\n"
      "{\"id\": 7, \"command\": \"test-set\", \"args\": {\"errors\": 1, \"trials\": 9}, \"extra\": 0}\n"
      "{\"id\": 8, \"command\": \"test-set\", \"args\": {\"errors\": 1}}\n"
      "{\"id\": 9, \"command\": \"test-set\", \"args\": {\"errors\": 1, \"trials\": 9}}\n");
  REQUIRE(r.size() == 9);
  const auto code = [&](std::size_t i) { return r[i]["error"]["code"].get<std::string>(); };
  const auto message = [&](std::size_t i) { return r[i]["error"]["message"].get<std::string>(); };
  CHECK(code(0) == kInvalidArgument);
  CHECK(message(0) == "q: must be in [0, 1], got 1.5");  // the CLI's message, word for word
  CHECK(code(1) == kMalformedJob);
  CHECK(r[1]["id"].is_null());
  CHECK(code(2) == kUnknownCommand);
  CHECK(r[2]["id"] == 3);
  CHECK(code(3) == kMalformedJob);
  CHECK(code(4) == kMalformedJob);
  CHECK(code(5) == kInvalidArgument);
  CHECK(message(5).rfind("bogus:", 0) == 0);
  CHECK(code(6) == kMalformedJob);
  CHECK(message(7) == "trials: is required");
  CHECK(r[8]["ok"] == true);
  for (std::size_t i = 0; i < 8; ++i) CHECK(r[i]["ok"] == false);
}

TEST_CASE("a syntax error in a JSON array costs that job only, and says where it is (issue 13, item 11)") {
  // It used to be one record for the whole array: every job lost.
  const auto r = records(R"([{"id": 0, "command": "kl-inverse", "args": {"q": 0.1, "c": 1}},
                             {"id": 1, "command": },
                             {"id": 2, "command": "kl-inverse", "args": {"q": "[,]", "c": 1}}, ])");
  REQUIRE(r.size() == 4);
  CHECK(r[0]["ok"] == true);
  CHECK(r[1]["error"]["code"] == kMalformedJob);
  const std::string bad = r[1]["error"]["message"].get<std::string>();
  CHECK(bad.rfind("job 1 of the array (from byte ", 0) == 0);
  CHECK(bad.find("is not valid JSON") != std::string::npos);
  CHECK(r[2]["error"]["code"] == kInvalidArgument);  // read fine: the brackets in a string do not split it
  CHECK(r[3]["error"]["message"].get<std::string>().find("is empty (a stray comma?)") != std::string::npos);
  // An array that is never closed: the jobs before the break, then one record saying so.
  const auto open = records("[{\"id\": 1, \"command\": \"kl-inverse\", \"args\": {\"q\": 0.5, \"c\": 1}}, {\"id\": 2");
  REQUIRE(open.size() == 3);
  CHECK(open[0]["ok"] == true);
  CHECK(open[1]["error"]["code"] == kMalformedJob);
  CHECK(open[2]["error"]["message"].get<std::string>().find("is not closed by a ']'") != std::string::npos);
  const auto after = records("[] x");
  REQUIRE(after.size() == 1);
  CHECK(after[0]["error"]["message"].get<std::string>().find("text after the array of jobs, from byte 2") == 0);
  CHECK(records("[]").empty());
  // Number overflow is nlohmann's out_of_range, not a parse_error: still one record, in both forms.
  CHECK(records("[{\"id\": 1, \"args\": {\"q\": 1e400}}]")[0]["error"]["code"] == kMalformedJob);
  const auto lines = records("{\"id\": 1, \"args\": {\"q\": 1e400}}\n{\"id\": 2, \"command\": \"no-such\"}\n");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["error"]["code"] == kMalformedJob);
  CHECK(lines[1]["id"] == 2);
}

TEST_CASE("threads keep input order and give the same records") {
  std::string text;
  for (int i = 0; i < 300; ++i)
    text += "{\"id\": " + std::to_string(i) + ", \"command\": \"test-set\", \"args\": {\"errors\": " +
            std::to_string(i % 50) + ", \"trials\": 400}}\n";
  const auto one = records(text, 1);
  const auto four = records(text, 4);
  REQUIRE(four.size() == 300);
  for (std::size_t i = 0; i < four.size(); ++i) {
    CHECK(four[i]["id"] == static_cast<int>(i));
    CHECK(four[i] == one[i]);
  }
  CHECK(records("", 4).empty());
}

TEST_CASE("progress is reported once per record, in order") {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "{\"id\": " + std::to_string(i) + ", \"command\": \"kl-inverse\", \"args\": {\"q\": 0.5, \"c\": 1}}\n";
  std::vector<std::size_t> seen;
  std::ostringstream out;
  run_batch(read_batch(text), out, {.threads = 3, .progress = [&](std::size_t done, std::size_t total) {
                                      CHECK(total == 20);
                                      seen.push_back(done);
                                    }});
  REQUIRE(seen.size() == 20);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == i + 1);
}

TEST_CASE("the Markdown reference lists every parameter of every command") {
  const std::string md = markdown_reference();
  for (const Command& c : commands()) {
    CHECK(md.find("## `" + c.name + "`") != std::string::npos);
    for (const Param& p : c.params) CHECK(md.find("`--" + p.name + "`") != std::string::npos);
  }
}

TEST_CASE("a job line that is not UTF-8 is an error record, written with U+FFFD (fuzzer find)") {
  // The parse error quotes the bytes read; writing the record threw nlohmann's type_error 316 in a worker thread,
  // which ended the process.
  const auto r = records("\x93NUMPY {'descr': '<f8'}\n{\"id\": 2, \"command\": \"kl-inverse\", \"args\": {\"q\": 0.5, \"c\": 1}}\n");
  REQUIRE(r.size() == 2);
  CHECK(r[0]["error"]["code"] == kMalformedJob);
  CHECK(r[0]["error"]["message"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
  CHECK(r[1]["ok"] == true);
}
