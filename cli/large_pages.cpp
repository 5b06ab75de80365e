// The itbound executable's allocations of 1 MiB and more go on transparent huge pages (THP in "madvise" mode,
// Debian's default, gives them only to memory that asks). Faulting memory in 4 KiB at a time is what large runs
// files cost most: on the shared virtual machines this project runs on, 28 ms of CPU per 10 MB touched, against
// 0.9 ms with 2 MiB pages (measured; bench/README.md). Only the executable replaces operator new: the libraries,
// the Python module and the tests allocate as the C++ runtime does.
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
// From 1 MiB: one 2 MiB page costs less to fault in than 256 small ones, even where half of it is unused.
constexpr std::size_t kLarge = std::size_t{1} << 20;
// From 256 KiB to 1 MiB, small pages entered in one call (MADV_POPULATE_WRITE, Linux 5.14) rather than one fault
// each: half the cost here, where a fault traps to the hypervisor (a 0.4 MB vector: 1.2 ms faulted, 0.6 ms
// entered). Memory malloc reuses is already entered, and the call then costs a page-table walk.
constexpr std::size_t kMedium = std::size_t{256} << 10;
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void* allocate(std::size_t size) {
  if (size >= kLarge) {
    const std::size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
    if (void* p = std::aligned_alloc(kHugePage, rounded)) {
      ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without THP the memory is the same, on small pages
      return p;
    }
  } else if (void* p = std::malloc(size == 0 ? 1 : size)) {
    if (size >= kMedium) {
      constexpr std::uintptr_t kPage = 4096;
      const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
      const auto end = (reinterpret_cast<std::uintptr_t>(p) + size) & ~(kPage - 1);
      if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);  // advice only
    }
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
