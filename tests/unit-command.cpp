#include <doctest/doctest.h>

#include <algorithm>
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
  CHECK_THROWS_WITH_AS(run_command(*find_command("pac-bayes"), Json{{"emprisk", 0.1}, {"kl", 1}, {"n", 10}}),
                       "emprisk: is not an argument of 'pac-bayes' (did you mean emp-risk?)", InvalidArgument);
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

TEST_CASE("commands: aliases are the same parameter in every front end, given once") {
  const auto* pb = find_command("pac-bayes");
  REQUIRE(pb != nullptr);
  const Json renamed = itbound::data::to_json(run_command(*pb, Json{{"kl", 5}, {"n", 1000}, {"mc-samples", 4}, {"mc-mean-error", 0.2}}));
  const Json old = itbound::data::to_json(run_command(*pb, Json{{"kl", 5}, {"n", 1000}, {"mc_samples", 4}, {"mc_error", 0.2}}));
  CHECK(renamed == old);
  CHECK_THROWS_WITH_AS(run_command(*pb, Json{{"kl", 5}, {"n", 1000}, {"mc-error", 0.2}, {"mc-mean-error", 0.2}}),
                       "mc-mean-error: given twice (as mc-error and mc-mean-error)", InvalidArgument);
  // An alias is no other parameter's name, in any command.
  for (const auto& command : itbound::cli::commands())
    for (const auto& p : command.params)
      for (const auto& alias : p.aliases)
        for (const auto& q : command.params) {
          CHECK_MESSAGE(q.name != alias, command.name, " --", alias);
          if (&q != &p) CHECK(std::find(q.aliases.begin(), q.aliases.end(), alias) == q.aliases.end());
        }
}

TEST_CASE("commands: suggestions for misspelt names") {
  using itbound::cli::did_you_mean;
  const std::vector<std::string> flags = {"--emp-risk", "--kl", "--n", "--mc-samples", "--mc-mean-error", "--delta"};
  CHECK(did_you_mean("--emprisk", flags) == " (did you mean --emp-risk?)");
  CHECK(did_you_mean("--empirical-risk", flags) == " (did you mean --emp-risk?)");
  CHECK(did_you_mean("--samples", flags) == " (did you mean --mc-samples?)");
  CHECK(did_you_mean("--detla", flags) == " (did you mean --delta?)");
  CHECK(did_you_mean("--x", flags).empty());
  CHECK(did_you_mean("--posterior", flags).empty());
}

TEST_CASE("commands: no help line says 'Default: .'") {
  for (const auto& command : itbound::cli::commands())
    for (const auto& p : command.params) {
      CHECK_MESSAGE(itbound::cli::describe(p).find("Default: .") == std::string::npos, command.name, " --", p.name);
      if (p.default_value) CHECK_MESSAGE(*p.default_value != Json(""), command.name, " --", p.name);
    }
}
