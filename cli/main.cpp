// itbound: parse flags declared by the command table, run the command, print JSON.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "itbound/cli/batch.hpp"
#include "itbound/cli/command.hpp"
#include "itbound/cli/docs.hpp"
#include "itbound/data/input_file.hpp"
#include "itbound/data/render.hpp"
#include "itbound/data/report_json.hpp"
#include "itbound/cli/progress.hpp"
#include "itbound/error.hpp"

namespace {

using itbound::cli::Json;

constexpr const char* kFullDoc =
    "JSON with every field, also those written for a person (each bound's statement, assumption texts, where in the "
    "paper); by default they are left out.";
constexpr const char* kFormatDoc =
    "Output: json (default, for scripts), table (for a person), markdown (a notebook or README) or latex (a paper).";

// What --help shows after a flag: values arrive as text and are converted by the command's parameter table.
const char* type_name(itbound::cli::Kind kind) {
  using itbound::cli::Kind;
  return kind == Kind::real ? "REAL" : kind == Kind::integer ? "INT" : kind == Kind::path ? "FILE" : "TEXT";
}

int fail(const std::string& message) {
  std::cerr << "itbound: error: " << message << '\n';
  return 2;
}

// "--name" and "--alias,..." for CLI11: every spelling of a parameter is the same option.
std::string flag_names(const itbound::cli::Param& p) {
  std::string names = "--" + p.name;
  for (const auto& alias : p.aliases) names += ",--" + alias;
  return names;
}

// A flag the command does not have, checked before CLI11 parses (whose message would list the stray words): the
// message names the flag and the nearest one. Empty when every flag is known.
std::string unknown_flag(const itbound::cli::Command& command, int argc, char** argv) {
  std::vector<std::string> known = {"format", "full", "help"};
  for (const auto& p : command.params) {
    known.push_back(p.name);
    known.insert(known.end(), p.aliases.begin(), p.aliases.end());
  }
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("--", 0) != 0) continue;
    const std::string name = arg.substr(2, arg.find('=') - 2);
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::vector<std::string> flags;
    for (const auto& k : known) flags.push_back("--" + k);
    return "unknown flag --" + name + " for '" + command.name + "'" + itbound::cli::did_you_mean(name, flags) +
           "; see itbound help " + command.name;
  }
  return {};
}

// A progress bar is worth drawing only for a person watching a long batch.
constexpr std::size_t kProgressMinJobs = 200;

// Redraws only when the bar grows: at most width + 1 lines of output however long the work.
void draw_bar(std::size_t filled, const std::string& label, bool last) {
  constexpr std::size_t width = 40;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << label << (last ? "\n" : "")
            << std::flush;
}

void draw_progress(std::size_t done, std::size_t total) {
  const std::size_t filled = done * 40 / total;
  if (done > 1 && done < total && filled == (done - 1) * 40 / total) return;
  draw_bar(filled, std::to_string(done) + '/' + std::to_string(total), done == total);
}

// A command's long computation (the cmi bootstrap): the bar appears once it has run for a second.
void command_progress(double fraction) {
  static const auto start = std::chrono::steady_clock::now();
  static std::size_t drawn = 0;
  static bool shown = false;
  const auto filled = static_cast<std::size_t>(fraction * 40);
  if (!shown && std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) return;
  if (shown && filled == drawn && fraction < 1) return;
  shown = true, drawn = filled;
  draw_bar(filled, std::to_string(static_cast<int>(100 * fraction)) + "%", fraction >= 1);
}

// Exit status: 0 when every job succeeded, 1 when some job failed (its error record is in the output), 2 when
// there is nothing to run (unreadable input, a directory, no jobs). A one-line summary goes to stderr.
int run_batch_file(const std::string& file, unsigned threads, bool full) {
  std::string text;
  try {
    if (file == "-") {
      std::ostringstream in;
      in << std::cin.rdbuf();
      text = in.str();
    } else {
      text = itbound::data::read_text_file(file, "FILE");
    }
  } catch (const itbound::InvalidArgument& e) {
    return fail(e.what());
  }
  const auto inputs = itbound::cli::read_batch(text);
  if (inputs.empty()) return fail("FILE: " + std::string(file == "-" ? "stdin" : "'" + file + "'") + " holds no jobs");
  itbound::cli::BatchOptions options{.threads = threads,
                                    .detail = full ? itbound::data::Detail::full : itbound::data::Detail::brief};
  if (isatty(STDERR_FILENO) && inputs.size() >= kProgressMinJobs) options.progress = draw_progress;
  const auto summary = itbound::cli::run_batch(inputs, std::cout, options);
  std::cerr << "itbound batch: " << summary.jobs << (summary.jobs == 1 ? " job, " : " jobs, ")
            << summary.jobs - summary.failed << " ok, " << summary.failed << " failed\n";
  return summary.failed == 0 ? 0 : 1;
}

// `itbound docs`: the Markdown reference to stdout or a file; with a directory, each command's output schema too.
int write_docs(const std::string& file, const std::string& schema_dir) {
  if (!schema_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(schema_dir, ec);
    for (const auto& command : itbound::cli::commands()) {
      const std::string path = schema_dir + "/" + command.name + ".schema.json";
      std::ofstream out(path, std::ios::binary);
      out << itbound::cli::output_schema(command).dump(2) << '\n';
      if (!out) return fail("--schema: cannot write '" + path + "'");
    }
  }
  if (file.empty()) {
    std::cout << itbound::cli::markdown_reference();
    return 0;
  }
  std::ofstream out(file, std::ios::binary);
  out << itbound::cli::markdown_reference();
  return out ? 0 : fail("--output: cannot write '" + file + "'");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace itbound::cli;
  CLI::App app{"itbound: generalization bounds and risk certificates from saved runs. JSON on stdout (--format for "
               "a table)."};
  app.set_version_flag("--version", std::string("itbound ") + ITBOUND_VERSION, "Print the version and exit.");
  app.require_subcommand(1);
  std::map<std::string, std::map<std::string, std::string>> text;  // command -> flag -> value as typed
  std::map<std::string, std::map<std::string, CLI::Option*>> options;
  std::map<std::string, std::map<std::string, bool>> flags;
  std::map<std::string, std::string> format;  // command -> output format
  bool full = false;                          // every field in the JSON, also those meant for a person
  // Only the command named is declared to CLI11 (declaring all of them costs more than a small command's work);
  // all of them for the top-level help, `help` and anything not a command.
  const Command* named = argc > 1 ? find_command(argv[1]) : nullptr;
  for (const Command& command : commands()) {
    if (named && named != &command) continue;
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    format[command.name] = "json";
    sub->add_option("--format", format[command.name], std::string(kFormatDoc))
        ->check(CLI::IsMember({"json", "table", "markdown", "latex"}))
        ->type_name("TEXT");
    sub->add_flag("--full", full, kFullDoc);
    for (const Param& p : command.params) {
      if (p.kind == Kind::flag) {
        options[command.name][p.name] = sub->add_flag(flag_names(p), flags[command.name][p.name], describe(p));
      } else {
        options[command.name][p.name] =
            sub->add_option(flag_names(p) + (p.positional ? "," + p.name : ""), text[command.name][p.name], describe(p))
                ->type_name(type_name(p.kind));
      }
    }
  }
  std::string batch_file;
  unsigned threads = 1;
  CLI::App* batch = app.add_subcommand("batch", "Run JSON jobs {id, command, args} (a JSON array or JSON lines); "
                                                "one JSON line per job on stdout, in input order, and a summary "
                                                "line on stderr. Exit 0: every job succeeded; 1: some job failed "
                                                "(its error record says why); 2: no jobs to run.");
  batch->add_option("FILE", batch_file, "Jobs file, or - for stdin.")->required();
  batch->add_option("--threads", threads, "Worker threads; output order is kept.")->check(CLI::Range(1u, 1024u));
  batch->add_flag("--full", full, kFullDoc);
  std::string docs_file, schema_dir;
  CLI::App* docs = app.add_subcommand("docs", "Print the command reference as Markdown: every command's parameters and "
                                              "output fields (the reference in README).");
  docs->add_option("--output", docs_file, "Write to this file instead of stdout.");
  docs->add_option("--schema", schema_dir, "Also write the JSON Schema of each command's output to DIR/<command>.schema.json.")
      ->type_name("DIR");
  std::string help_topic;
  CLI::App* help = app.add_subcommand("help", "Show the help of a command: itbound help COMMAND (or itbound COMMAND --help).");
  help->add_option("COMMAND", help_topic, "The command.");
  std::vector<std::string> names;
  for (const Command& c : commands()) names.push_back(c.name);
  for (const char* builtin : {"batch", "docs", "help"}) names.emplace_back(builtin);
  const auto unknown_command = [&](const std::string& name) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return fail("unknown command '" + name + "'" + did_you_mean(name, names) + "; commands: " + known);
  };
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end())
    return unknown_command(argv[1]);
  if (argc > 1 && find_command(argv[1]))
    if (const std::string stray = unknown_flag(*find_command(argv[1]), argc, argv); !stray.empty()) return fail(stray);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(e.what());
  }
  if (batch->parsed()) return run_batch_file(batch_file, threads, full);
  if (help->parsed()) {
    // The formatter directly: App::help() would show the help of the subcommand parsed, `help` itself.
    if (!help_topic.empty() && std::find(names.begin(), names.end(), help_topic) == names.end())
      return unknown_command(help_topic);
    CLI::App* topic = help_topic.empty() ? &app : app.get_subcommand(help_topic);
    std::cout << app.get_formatter()->make_help(topic, "itbound" + (help_topic.empty() ? "" : " " + help_topic),
                                                CLI::AppFormatMode::Normal);
    return 0;
  }
  if (docs->parsed()) return write_docs(docs_file, schema_dir);
  for (const Command& command : commands()) {
    if ((named && named != &command) || !app.got_subcommand(command.name)) continue;
    Json raw = Json::object();
    for (const Param& p : command.params) {
      if (options[command.name][p.name]->count() == 0) continue;
      if (p.kind == Kind::flag) raw[p.name] = flags[command.name][p.name];
      else raw[p.name] = text[command.name][p.name];
    }
    if (isatty(STDERR_FILENO)) set_progress(command_progress);
    try {
      const itbound::Report report = run_command(command, raw);
      const auto fmt = itbound::data::parse_format(format[command.name]);
      if (fmt == itbound::data::Format::json)
        std::cout << itbound::data::to_json_text(report, 2, full ? itbound::data::Detail::full : itbound::data::Detail::brief)
                  << '\n';
      else std::cout << itbound::data::render(itbound::data::to_json(report), fmt);
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
