#pragma once
// Items [0, count) run on `threads` std::threads (0: std::thread::hardware_concurrency()), the calling thread
// among them, each item once; `body(item)` must write only what belongs to its item. The first exception thrown
// is rethrown after every thread has stopped.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace itbound::estimators {

inline unsigned thread_count(unsigned threads) {
  return threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
}

// `threads` if given, else for work touching `elements` elements the hardware's count, or one below about a
// million elements (starting threads would cost more).
inline unsigned threads_for(std::size_t elements, unsigned threads) {
  return threads > 0 ? threads : elements < (std::size_t{1} << 20) ? 1 : thread_count(0);
}

template <class Body>
void parallel_for(std::size_t count, unsigned threads, const Body& body) {
  const std::size_t workers = std::min<std::size_t>(thread_count(threads), count);
  if (workers <= 1) {
    for (std::size_t k = 0; k < count; ++k) body(k);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&] {
    try {
      for (std::size_t k; (k = next.fetch_add(1)) < count;) body(k);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = count;
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace itbound::estimators
