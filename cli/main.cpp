// itbound: parse flags declared by the command table, run the command, print JSON.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <memory>

#include "itbound/cli/command.hpp"
#include "itbound/error.hpp"

namespace {

using itbound::cli::Json;

int fail(const std::string& message) {
  std::cerr << "itbound: error: " << message << '\n';
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace itbound::cli;
  CLI::App app{"itbound: generalization bounds and risk certificates from saved runs. JSON on stdout."};
  app.require_subcommand(1);
  std::map<std::string, std::map<std::string, std::string>> text;  // command -> flag -> value as typed
  std::map<std::string, std::map<std::string, CLI::Option*>> options;
  std::map<std::string, std::map<std::string, bool>> flags;
  for (const Command& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    for (const Param& p : command.params) {
      if (p.kind == Kind::flag) {
        options[command.name][p.name] = sub->add_flag("--" + p.name, flags[command.name][p.name], describe(p));
      } else {
        options[command.name][p.name] = sub->add_option("--" + p.name, text[command.name][p.name], describe(p));
      }
    }
  }
  if (argc > 1 && argv[1][0] != '-' && !find_command(argv[1])) {
    std::string known;
    for (const Command& c : commands()) known += (known.empty() ? "" : ", ") + c.name;
    return fail(std::string("unknown command '") + argv[1] + "'; commands: " + known);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(e.what());
  }
  for (const Command& command : commands()) {
    if (!app.got_subcommand(command.name)) continue;
    Json raw = Json::object();
    for (const Param& p : command.params) {
      if (options[command.name][p.name]->count() == 0) continue;
      if (p.kind == Kind::flag) raw[p.name] = flags[command.name][p.name];
      else raw[p.name] = text[command.name][p.name];
    }
    try {
      // A command returns a string when asked for text output (e.g. --format table); print it as is.
      const Json result = run_command(command, raw);
      if (result.is_string()) std::cout << result.get<std::string>();
      else std::cout << itbound::data::to_json_text(result) << '\n';
      return 0;
    } catch (const itbound::InvalidArgument& e) {
      return fail(e.what());
    } catch (const std::exception& e) {
      std::cerr << "itbound: internal error: " << e.what() << '\n';
      return 3;
    }
  }
  return fail("no command given");
}
