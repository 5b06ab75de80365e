#include "itbound/cli/batch.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>

#include "itbound/error.hpp"

namespace itbound::cli {
namespace {

Json error_record(const Json& id, const char* code, const std::string& message) {
  return Json{{"id", id}, {"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

}  // namespace

std::vector<BatchInput> read_batch(const std::string& text) {
  std::vector<BatchInput> inputs;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    try {
      for (Json& job : Json::parse(text)) inputs.push_back({std::move(job), {}});
    } catch (const Json::exception& e) {
      inputs.push_back({nullptr, std::string("not a JSON array of jobs: ") + e.what()});
    }
    return inputs;
  }
  std::size_t start = 0, line_number = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    ++line_number;
    if (!blank(line)) {
      try {
        inputs.push_back({Json::parse(line), {}});
      } catch (const Json::exception& e) {
        inputs.push_back({nullptr, "line " + std::to_string(line_number) + " is not JSON: " + e.what()});
      }
    }
    start = end + 1;
  }
  return inputs;
}

Json run_job(const BatchInput& input) {
  if (!input.parse_error.empty()) return error_record(nullptr, kMalformedJob, input.parse_error);
  const Json& job = input.job;
  if (!job.is_object()) return error_record(nullptr, kMalformedJob, "a job must be a JSON object {id, command, args}");
  const Json id = job.contains("id") ? job.at("id") : Json(nullptr);
  for (auto it = job.begin(); it != job.end(); ++it)
    if (it.key() != "id" && it.key() != "command" && it.key() != "args")
      return error_record(id, kMalformedJob, it.key() + ": is not a job key (id, command, args)");
  if (!job.contains("command") || !job.at("command").is_string())
    return error_record(id, kMalformedJob, "command: must be a string naming a command");
  const std::string name = job.at("command").get<std::string>();
  const Command* command = find_command(name);
  if (!command) return error_record(id, kUnknownCommand, "command: unknown command '" + name + "'");
  try {
    Json result = run_command(*command, job.contains("args") ? job.at("args") : Json::object());
    return Json{{"id", id}, {"ok", true}, {"result", std::move(result)}};
  } catch (const InvalidArgument& e) {
    return error_record(id, kInvalidArgument, e.what());
  } catch (const std::exception& e) {
    return error_record(id, kInternalError, e.what());
  }
}

void run_batch(const std::vector<BatchInput>& inputs, std::ostream& out, const BatchOptions& options) {
  const std::size_t total = inputs.size();
  std::vector<std::optional<std::string>> lines(total);
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < total; i = next++) {
      std::string line = data::to_json_text(run_job(inputs[i]), -1);
      const std::lock_guard lock(mutex);
      lines[i] = std::move(line);
      ready.notify_one();
    }
  };
  const unsigned threads = std::max(1u, std::min<unsigned>(options.threads, static_cast<unsigned>(std::max<std::size_t>(total, 1))));
  std::vector<std::jthread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  // This thread writes records in input order as soon as each one and all before it are done.
  for (std::size_t i = 0; i < total; ++i) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return lines[i].has_value(); });
    std::string line = std::move(*lines[i]);
    lines[i].reset();
    lock.unlock();
    out << line << '\n';
    if (options.progress) options.progress(i + 1, total);
  }
  out.flush();
}

}  // namespace itbound::cli
