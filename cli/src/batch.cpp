#include "itbound/cli/batch.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <ostream>
#include <string_view>
#include <thread>

#include "itbound/data/report_json.hpp"
#include "itbound/data/json_text.hpp"
#include "itbound/error.hpp"

namespace itbound::cli {
namespace {

BatchRecord error_record(const Json& id, const char* code, const std::string& message) {
  return BatchRecord{id, std::nullopt, code, message};
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

// One job's text parsed on its own, so that a syntax error costs that job only; `where` says which.
BatchInput parse_job(std::string_view text, const std::string& where) {
  try {
    return {data::parse_json(text, "job", where), {}};
  } catch (const InvalidArgument& e) {
    return {nullptr, std::string(e.what()).substr(e.field().size() + 2)};  // the record is the job's: no "job: "
  }
}

// The elements of a top-level JSON array `text` (starting at its '['), split at the commas between them by a scan
// that skips strings and counts brackets, each parsed alone. Where the array's own frame is broken (not closed,
// text after it) that is one more error record, after the jobs that could be read.
std::vector<BatchInput> read_array(std::string_view text, std::size_t open) {
  std::vector<BatchInput> inputs;
  std::size_t start = open + 1, index = 0;
  int depth = 0;
  bool in_string = false, escaped = false, closed = false;
  const auto where = [&] { return "job " + std::to_string(index) + " of the array (from byte " + std::to_string(start) + ")"; };
  const auto element = [&](std::size_t end) {
    const std::string_view item = text.substr(start, end - start);
    if (blank(item)) {
      if (!(closed && index == 0)) inputs.push_back({nullptr, where() + " is empty (a stray comma?)"});
    } else {
      inputs.push_back(parse_job(item, where()));
    }
    ++index;
    start = end + 1;
  };
  std::size_t i = open + 1;
  for (; i < text.size() && !closed; ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      element(i);
    } else if (c == ']' && depth == 0) {
      closed = true;
      element(i);
    }
  }
  if (!closed) {
    if (!blank(text.substr(start))) inputs.push_back(parse_job(text.substr(start), where()));
    inputs.push_back({nullptr, "the array of jobs opened at byte " + std::to_string(open) + " is not closed by a ']'"});
  } else if (!blank(text.substr(i))) {
    inputs.push_back({nullptr, "text after the array of jobs, from byte " + std::to_string(i) + ": " +
                                   data::brief_text(text.substr(i), 40)});
  }
  return inputs;
}

}  // namespace

std::vector<BatchInput> read_batch(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') return read_array(text, first);
  std::vector<BatchInput> inputs;
  std::size_t start = 0, line_number = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line = std::string_view(text).substr(start, end - start);
    ++line_number;
    if (!blank(line)) inputs.push_back(parse_job(line, "line " + std::to_string(line_number)));
    start = end + 1;
  }
  return inputs;
}

BatchRecord run_job(const BatchInput& input) {
  if (!input.parse_error.empty()) return error_record(nullptr, kMalformedJob, input.parse_error);
  const Json& job = input.job;
  if (!job.is_object()) return error_record(nullptr, kMalformedJob, "a job must be a JSON object {id, command, args}");
  const Json id = job.contains("id") ? job.at("id") : Json(nullptr);
  for (auto it = job.begin(); it != job.end(); ++it)
    if (it.key() != "id" && it.key() != "command" && it.key() != "args")
      return error_record(id, kMalformedJob, data::brief_text(it.key()) + ": is not a job key (id, command, args)");
  if (!job.contains("command") || !job.at("command").is_string())
    return error_record(id, kMalformedJob, "command: must be a string naming a command");
  const std::string name = job.at("command").get<std::string>();
  const Command* command = find_command(name);
  if (!command) return error_record(id, kUnknownCommand, "command: unknown command '" + data::brief_text(name) + "'");
  try {
    return BatchRecord{id, run_command(*command, job.contains("args") ? job.at("args") : Json::object()), nullptr, {}};
  } catch (const InvalidArgument& e) {
    return error_record(id, kInvalidArgument, e.what());
  } catch (const std::exception& e) {
    return error_record(id, kInternalError, e.what());
  }
}

std::string to_json_line(const BatchRecord& r, data::Detail detail) {
  std::string line = "{\"id\":" + data::to_json_text(r.id, -1) + ",\"ok\":" + (r.result ? "true" : "false");
  if (r.result) {
    line += ",\"result\":";
    data::append_json(line, *r.result, -1, detail);
  } else {
    line += ",\"error\":{\"code\":";
    data::append_string(line, r.code);
    line += ",\"message\":";
    data::append_string(line, r.message);
    line += '}';
  }
  return line + '}';
}

namespace {

// `threads` workers (at most one per job) that take jobs 0..total-1 in turn; joined when the pool is destroyed.
std::vector<std::jthread> start_workers(std::size_t total, unsigned threads, const std::function<void(std::size_t)>& work) {
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  const unsigned count = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(total, 1))));
  std::vector<std::jthread> pool;
  for (unsigned t = 0; t < count; ++t)
    pool.emplace_back([=] {
      for (std::size_t i = (*next)++; i < total; i = (*next)++) work(i);
    });
  return pool;
}

}  // namespace

std::vector<BatchRecord> run_jobs(const std::vector<BatchInput>& inputs, unsigned threads) {
  std::vector<BatchRecord> records(inputs.size());
  start_workers(inputs.size(), threads, [&](std::size_t i) { records[i] = run_job(inputs[i]); });  // joins here
  return records;
}

BatchSummary run_batch(const std::vector<BatchInput>& inputs, std::ostream& out, const BatchOptions& options) {
  const std::size_t total = inputs.size();
  std::vector<std::optional<std::string>> lines(total);
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> failed{0};
  // The writer waits for a run of records, not for each: a wake-up is a futex call and a context switch, which
  // cost as much as a small job on this VM. It waits up to kRunWait for the record kRun - 1 after the one it needs
  // (fast jobs: one wake-up per run), then for the one it needs (slow jobs: each line as soon as it is done).
  constexpr std::size_t kRun = 64;
  constexpr auto kRunWait = std::chrono::milliseconds(20);
  std::size_t needed = 0, run_end = 0;  // guarded by mutex: what the writer waits for
  bool urgent = false;                  // the writer waits for `needed` itself
  const auto pool = start_workers(total, options.threads, [&](std::size_t i) {
    const BatchRecord record = run_job(inputs[i]);
    if (!record.result) ++failed;
    std::string line = to_json_line(record, options.detail);
    const std::lock_guard lock(mutex);
    lines[i] = std::move(line);
    if (i == run_end || (urgent && i == needed)) ready.notify_one();
  });
  // This thread writes records in input order as soon as each one and all before it are done.
  for (std::size_t i = 0; i < total; ++i) {
    std::unique_lock lock(mutex);
    if (!lines[i]) {
      needed = i, run_end = std::min(total - 1, i + kRun - 1), urgent = false;
      ready.wait_for(lock, kRunWait, [&] { return lines[run_end].has_value(); });
      urgent = true;
      ready.wait(lock, [&] { return lines[i].has_value(); });
    }
    std::string line = std::move(*lines[i]);
    lines[i].reset();
    lock.unlock();
    out << line << '\n';
    if (options.progress) options.progress(i + 1, total);
  }
  out.flush();
  return {total, failed.load()};
}

}  // namespace itbound::cli
