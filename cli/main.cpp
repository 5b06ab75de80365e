// itbound: parse flags declared by the command table, run the command, print JSON.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "itbound/cli/batch.hpp"
#include "itbound/cli/command.hpp"
#include "itbound/cli/docs.hpp"
#include "itbound/data/input_file.hpp"
#include "itbound/error.hpp"

namespace {

using itbound::cli::Json;

// What --help shows after a flag: values arrive as text and are converted by the command's parameter table.
const char* type_name(itbound::cli::Kind kind) {
  using itbound::cli::Kind;
  return kind == Kind::real ? "REAL" : kind == Kind::integer ? "INT" : kind == Kind::path ? "FILE" : "TEXT";
}

int fail(const std::string& message) {
  std::cerr << "itbound: error: " << message << '\n';
  return 2;
}

// A progress bar is worth drawing only for a person watching a long batch.
constexpr std::size_t kProgressMinJobs = 200;

void draw_progress(std::size_t done, std::size_t total) {
  constexpr std::size_t width = 40;
  const std::size_t filled = done * width / total;
  // Redraw only when the bar grows: at most width + 1 lines of output however long the batch.
  if (done > 1 && done < total && filled == (done - 1) * width / total) return;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done << '/' << total
            << (done == total ? "\n" : "") << std::flush;
}

// Exit status: 0 when every job succeeded, 1 when some job failed (its error record is in the output), 2 when
// there is nothing to run (unreadable input, a directory, no jobs). A one-line summary goes to stderr.
int run_batch_file(const std::string& file, unsigned threads) {
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
  itbound::cli::BatchOptions options{.threads = threads};
  if (isatty(STDERR_FILENO) && inputs.size() >= kProgressMinJobs) options.progress = draw_progress;
  const auto summary = itbound::cli::run_batch(inputs, std::cout, options);
  std::cerr << "itbound batch: " << summary.jobs << (summary.jobs == 1 ? " job, " : " jobs, ")
            << summary.jobs - summary.failed << " ok, " << summary.failed << " failed\n";
  return summary.failed == 0 ? 0 : 1;
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
        options[command.name][p.name] =
            sub->add_option("--" + p.name + (p.positional ? "," + p.name : ""), text[command.name][p.name], describe(p))
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
  std::string docs_file;
  CLI::App* docs = app.add_subcommand("docs", "Print every command's parameters as Markdown (the reference in README).");
  docs->add_option("--output", docs_file, "Write to this file instead of stdout.");
  const auto is_builtin = [&](const std::string& name) { return name == "batch" || name == "docs"; };
  if (argc > 1 && argv[1][0] != '-' && !find_command(argv[1]) && !is_builtin(argv[1])) {
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
  if (batch->parsed()) return run_batch_file(batch_file, threads);
  if (docs->parsed()) {
    if (docs_file.empty()) {
      std::cout << markdown_reference();
      return 0;
    }
    std::ofstream out(docs_file, std::ios::binary);
    out << markdown_reference();
    return out ? 0 : fail("--output: cannot write '" + docs_file + "'");
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
