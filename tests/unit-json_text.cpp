#include <doctest/doctest.h>

#include <random>
#include <string>

#include "itbound/data/json_text.hpp"

using itbound::data::append_string;
using itbound::data::Json;

TEST_CASE("json text: strings escaped as JSON requires, read back to the same bytes (against nlohmann's reader)") {
  std::string out;
  append_string(out, "a\"b\\c\nd\te\x01 \xc3\xa9");
  CHECK(out == "\"a\\\"b\\\\c\\nd\\te\\u0001 \xc3\xa9\"");
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 127);
  for (int t = 0; t < 2000; ++t) {
    std::string s(static_cast<std::size_t>(t % 40), ' ');
    for (char& c : s) c = static_cast<char>(byte(rng));
    std::string text;
    append_string(text, s);
    CHECK(Json::parse(text).get<std::string>() == s);
  }
}

TEST_CASE("json text: numbers in the shortest form that reads back, reals stay reals, non-finite as strings") {
  std::string out;
  for (const double x : {0.05, 1.0, 1e300, -2.5e-320, 0.1 + 0.2}) {
    out.clear();
    itbound::data::append_number(out, x);
    CHECK(Json::parse(out).get<double>() == x);
    CHECK(out.find_first_of(".e") != std::string::npos);
  }
  out.clear();
  itbound::data::append_number(out, 0.05);
  CHECK(out == "0.05");
  out.clear();
  itbound::data::append_number(out, std::nan(""));
  CHECK(out == "\"nan\"");
}

TEST_CASE("json text: bytes that are not UTF-8 become U+FFFD, well-formed sequences stay (the output is always JSON)") {
  // A message may quote a user's line that is not UTF-8 (a fuzzer find: nlohmann's dump threw from a batch worker).
  const std::string replacement = "\xEF\xBF\xBD";
  const std::pair<std::string, std::string> cases[] = {
      {"\x93{'x'", replacement + "{'x'"},                       // a lone continuation byte
      {"ab\xC3", "ab" + replacement},                           // a sequence cut at the end
      {"\xC0\xAF", replacement + replacement},                  // an overlong '/'
      {"\xED\xA0\x80", replacement + replacement + replacement},  // a surrogate
      {"\xF4\x90\x80\x80", replacement + replacement + replacement + replacement},  // above U+10FFFF
      {"\xE2\x82\xAC \xF0\x9F\x98\x80 12345678\xCE\xB1", "\xE2\x82\xAC \xF0\x9F\x98\x80 12345678\xCE\xB1"},
  };
  for (const auto& [in, expected] : cases) {
    std::string out;
    append_string(out, in);
    CHECK(out == "\"" + expected + "\"");
    CHECK(Json::parse(out).get<std::string>() == expected);  // nlohmann's reader validates UTF-8
  }
}
