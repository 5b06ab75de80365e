#include <doctest/doctest.h>

#include <cmath>

#include "itbound/cli/command.hpp"
#include "itbound/data/report_json.hpp"
#include "itbound/error.hpp"

using itbound::InvalidArgument;
using itbound::cli::find_command;
using itbound::cli::Json;
using itbound::cli::run_command;

TEST_CASE("commands: arguments validated from the one parameter table") {
  const auto* kl = find_command("kl-inverse");
  REQUIRE(kl != nullptr);
  CHECK_THROWS_WITH_AS(run_command(*kl, Json{{"q", 0.5}}), "c: is required", InvalidArgument);
  CHECK_THROWS_WITH_AS(run_command(*kl, Json{{"q", 0.5}, {"c", 1}, {"x", 1}}), "x: is not an argument of 'kl-inverse'",
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(run_command(*kl, Json{{"q", "abc"}, {"c", 1}}), "q: must be a number, got abc", InvalidArgument);
  CHECK_THROWS_WITH_AS(run_command(*kl, Json{{"q", 1.5}, {"c", 1}}), "q: must be in [0, 1], got 1.5", InvalidArgument);
  CHECK_THROWS_WITH_AS(run_command(*kl, Json{{"q", "nan"}, {"c", 1}}), "q: must be a number, got NaN", InvalidArgument);
  CHECK_THROWS_WITH_AS(run_command(*kl, Json::array()), "args: must be a JSON object of named arguments", InvalidArgument);

  const auto* ts = find_command("test-set");
  REQUIRE(ts != nullptr);
  CHECK_THROWS_WITH_AS(run_command(*ts, Json{{"errors", 5}, {"trials", 3}}), "errors: must be in [0, trials] = [0, 3], got 5",
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(run_command(*ts, Json{{"errors", 1.5}, {"trials", 3}}), "errors: must be an integer, got 1.5",
                       InvalidArgument);
  CHECK_THROWS_WITH_AS(run_command(*ts, Json{{"errors", 1}, {"trials", 3}, {"delta", 0}}), "delta: must be in (0, 1), got 0",
                       InvalidArgument);
}

TEST_CASE("commands: strings as typed on a command line and JSON numbers give the same result") {
  const auto* ts = find_command("test-set");
  const Json typed = itbound::data::to_json(run_command(*ts, Json{{"errors", "35"}, {"trials", "899"}, {"delta", "0.05"}}));
  const Json native = itbound::data::to_json(run_command(*ts, Json{{"errors", 35}, {"trials", 899}}));  // delta defaults to 0.05
  CHECK(typed == native);
  CHECK(typed["value"].get<double>() > 35.0 / 899.0);
  CHECK(typed["value"].get<double>() <= typed["details"]["kl_relaxation"].get<double>());
  // Python-style underscores are accepted for dashed names.
  const auto* kl = find_command("kl-inverse");
  const Json r = itbound::data::to_json(run_command(*kl, Json{{"q", 0.0}, {"c", "inf"}}));
  CHECK(r["upper"].get<double>() == 1.0);
  CHECK(r["lower"].get<double>() == 0.0);
}

TEST_CASE("commands: every parameter is documented with its range and default") {
  for (const auto& command : itbound::cli::commands()) {
    CHECK_FALSE(command.summary.empty());
    for (const auto& p : command.params) {
      CHECK_FALSE(p.doc.empty());
      if (p.kind == itbound::cli::Kind::flag) continue;
      const std::string d = itbound::cli::describe(p);
      const bool stated = d.find("Default:") != std::string::npos || d.find("Required.") != std::string::npos ||
                          d.find("Optional.") != std::string::npos;
      CHECK_MESSAGE(stated, command.name, " --", p.name);
    }
  }
}
