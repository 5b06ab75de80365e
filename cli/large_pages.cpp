// The itbound executable's allocations of 64 KiB and more go on transparent huge pages (THP in "madvise" mode,
// Debian's default, gives them only to memory that asks). On the shared virtual machines this project runs on, each
// page fault traps to the hypervisor, so memory entered 4 KiB at a time costs far more than on 2 MiB pages (the cmi
// default path's estimates: 650 faults and 7-10 ms of CPU more than the same work on memory already entered, before
// the region below; bench/README.md). Only the executable replaces operator new: the libraries, the Python module
// and the tests allocate as the C++ runtime does.
#include <malloc.h>
#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <type_traits>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
// From 1 MiB: one 2 MiB page of its own costs less to fault in than 256 small ones, even where half of it is unused.
constexpr std::size_t kLarge = std::size_t{1} << 20;

// From 64 KiB to 1 MiB: blocks of a power-of-two size carved from one region of huge pages, kept for the process
// once entered. A freed block waits for the next request of its size, so memory that is allocated and freed over
// and over (per-call scratch, thread-local buffers of short-lived worker threads, bootstrap replicates) is entered
// once; a 2 MiB page of its own per block would be cleared by the kernel at each allocation. (The estimates and
// jackknife of the cmi default path took 650 faults for their per-pair vectors and scratch, 21 from here.) Past the
// region's end, or if it cannot be reserved, they come from malloc like smaller ones.
constexpr std::size_t kArenaMin = std::size_t{64} << 10;
constexpr int kClasses = 5;  // 64 KiB, 128 KiB, 256 KiB, 512 KiB, 1 MiB
constexpr std::size_t kArenaBytes = std::size_t{256} << 20;  // reserved address space; pages are entered as used
constexpr std::size_t kGranules = kArenaBytes / kArenaMin;

class Arena {
public:
  // Null when the size is outside [kArenaMin, kLarge) or the region is full or could not be reserved.
  void* allocate(std::size_t size) {
    if (size < kArenaMin || size >= kLarge) return nullptr;
    int c = 0;
    while ((kArenaMin << c) < size) ++c;
    const std::lock_guard<std::mutex> lock(mutex_);
    if (Free* f = free_[c]) {
      free_[c] = f->next;
      return f;
    }
    char* base = base_.load(std::memory_order_relaxed);
    if (!base && (failed_ || !(base = reserve()))) return nullptr;
    const std::size_t bytes = kArenaMin << c;
    if (used_ + bytes > kArenaBytes) return nullptr;
    char* p = base + used_;
    class_[used_ / kArenaMin] = static_cast<std::uint8_t>(c);
    used_ += bytes;  // blocks of every class start on a 64 KiB boundary: all sizes are multiples of it
    return p;
  }

  // Whether p is a block of the region (then it is kept for reuse).
  bool release(void* p) {
    // A block was handed out after the region was reserved, so whoever frees one sees base_ set; any other pointer
    // lies outside the region whatever base_ is read as.
    const auto base = reinterpret_cast<std::uintptr_t>(base_.load(std::memory_order_acquire));
    const auto at = reinterpret_cast<std::uintptr_t>(p) - base;  // wraps around for pointers below the region
    if (base == 0 || at >= kArenaBytes) return false;
    const std::lock_guard<std::mutex> lock(mutex_);
    const int c = class_[at / kArenaMin];
    free_[c] = new (p) Free{free_[c]};
    return true;
  }

private:
  struct Free {
    Free* next;
  };
  // The region's start, or null (and failed_ set) if it cannot be had. Under the lock.
  char* reserve() {
    // Address space only (MAP_NORESERVE); one spare huge page so the region can start on a 2 MiB boundary.
    void* m = ::mmap(nullptr, kArenaBytes + kHugePage, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
      failed_ = true;
      return nullptr;
    }
    auto* base = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(m) + kHugePage - 1) & ~(kHugePage - 1));
    ::madvise(base, kArenaBytes, MADV_HUGEPAGE);  // advice only: without THP the region is on small pages
    base_.store(base, std::memory_order_release);
    return base;
  }

  std::mutex mutex_;
  std::atomic<char*> base_{nullptr};  // set once, under the lock
  bool failed_ = false;
  std::size_t used_ = 0;
  std::array<Free*, kClasses> free_{};
  std::array<std::uint8_t, kGranules> class_{};  // the class of the block starting at each 64 KiB granule
};

// Constant-initialised (every member has a constant initialiser), so it is ready for allocations made while other
// translation units' statics are constructed; trivially destructible, so blocks may still be freed while they are
// destroyed.
constinit Arena g_arena;
static_assert(std::is_trivially_destructible_v<Arena>);

void* allocate(std::size_t size) {
  if (void* p = g_arena.allocate(size)) return p;
  if (size >= kLarge) {
    const std::size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
    if (void* p = std::aligned_alloc(kHugePage, rounded)) {
      ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without THP the memory is the same, on small pages
      return p;
    }
  } else if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}

void release(void* p) noexcept {
  if (p && !g_arena.release(p)) std::free(p);
}

// malloc keeps up to 64 MiB free at the top of its heap instead of returning each freed stretch past 128 KiB to the
// kernel. glibc raises that threshold by itself when it frees a mapped block (128 KiB to 32 MiB), and the blocks of
// 128 KiB to 1 MiB that used to raise it now come from the arena: `batch`, which builds and frees its output in runs
// of records, then grew the heap again through fresh pages at every run (17% of its CPU in page faults; 112 against
// 77 us per job).
[[gnu::constructor]] void keep_heap_top() { ::mallopt(M_TRIM_THRESHOLD, 64 << 20); }

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
// The nothrow forms too, so that every form pairs with the deletes above whatever the runtime's defaults do
// (std::get_temporary_buffer, used by stable_sort, allocates with new(nothrow)).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
