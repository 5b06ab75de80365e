#pragma once
// JSON-in/JSON-out batch jobs: each job {id, command, args} runs through the same Param validation as
// the command line, and yields one record {id, ok: true, result} or {id, ok: false, error: {code, message}}.
// A bad job becomes an error record; it never stops the batch.
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "itbound/cli/command.hpp"
#include "itbound/data/report_json.hpp"

namespace itbound::cli {

// Error codes in batch records.
inline constexpr const char* kInvalidArgument = "invalid_argument";  // args failed validation
inline constexpr const char* kUnknownCommand = "unknown_command";
inline constexpr const char* kMalformedJob = "malformed_job";        // not JSON, not an object, no command
inline constexpr const char* kInternalError = "internal_error";

// One input job: the parsed value, or why the text could not be parsed (then `job` is null; the message says
// where: the line, or the job's index and byte offset in the array).
struct BatchInput {
  Json job;
  std::string parse_error;
};

// A JSON array of jobs, or JSON lines (one job per non-blank line). A malformed line, or a malformed element of
// the array, becomes one input with a parse error; the other jobs are read (the array's elements are split at
// its top-level commas and parsed one by one). An array that is not closed, or text after it, adds one more.
std::vector<BatchInput> read_batch(const std::string& text);

// The outcome of one job: its result, or an error code and message.
struct BatchRecord {
  Json id;
  std::optional<Report> result;
  const char* code = nullptr;  // one of the codes above when there is no result
  std::string message;
};

// Runs one job; never throws.
BatchRecord run_job(const BatchInput& input);
// Runs every job on `threads` workers; the records in input order.
std::vector<BatchRecord> run_jobs(const std::vector<BatchInput>& inputs, unsigned threads);
// {"id", "ok": true, "result"} or {"id", "ok": false, "error": {"code", "message"}}, on one line.
std::string to_json_line(const BatchRecord& record, data::Detail detail = data::Detail::brief);

struct BatchOptions {
  unsigned threads = 1;
  data::Detail detail = data::Detail::brief;
  std::function<void(std::size_t done, std::size_t total)> progress = nullptr;  // called from the writer thread
};

struct BatchSummary {
  std::size_t jobs = 0;
  std::size_t failed = 0;  // records with ok: false
};

// Runs every job on `threads` workers and writes one compact JSON line per job to `out` in input
// order, as soon as all earlier records are ready.
BatchSummary run_batch(const std::vector<BatchInput>& inputs, std::ostream& out, const BatchOptions& options = {});

}  // namespace itbound::cli
