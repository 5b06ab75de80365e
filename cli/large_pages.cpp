// The itbound executable's allocations of 256 KiB and more go on transparent huge pages (THP in "madvise" mode,
// Debian's default, gives them only to memory that asks). Faulting memory in 4 KiB at a time is what large runs
// files cost most: on the shared virtual machines this project runs on, 28 ms of CPU per 10 MB touched, against
// 0.9 ms with 2 MiB pages (measured; bench/README.md). Only the executable replaces operator new: the libraries,
// the Python module and the tests allocate as the C++ runtime does.
#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
// From 256 KiB: clearing one 2 MiB page (0.1-0.3 ms here when the host has the memory backed) costs less than
// faulting in 64 small ones (about 1 ms: each fault traps to the hypervisor), at up to 8 times the memory for
// blocks of 256 KiB to 2 MiB (a few at a time in a command: per-pair estimate vectors, thread scratch).
constexpr std::size_t kLarge = std::size_t{256} << 10;

void* allocate(std::size_t size) {
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

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
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
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
