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
