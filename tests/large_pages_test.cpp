// The executable's operator new (cli/large_pages.cpp), linked into this test alone: blocks of every size class and
// across the class edges are distinct and keep what is written to them, a freed block is handed out again for its
// class, threads allocating and freeing at once never share a block, and past the arena's 256 MiB allocations go
// on from malloc.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <random>
#include <thread>
#include <vector>

namespace {

struct Block {
  unsigned char* p;
  std::size_t size;
  unsigned char mark;
};

// Writes the mark at the block's first, last and every 4096th byte (writing all of it would enter every page).
void mark(const Block& b) {
  for (std::size_t k = 0; k < b.size; k += 4096) b.p[k] = b.mark;
  b.p[b.size - 1] = b.mark;
}

bool marked(const Block& b) {
  for (std::size_t k = 0; k < b.size; k += 4096)
    if (b.p[k] != b.mark) return false;
  return b.p[b.size - 1] == b.mark;
}

bool overlap(const Block& a, const Block& b) { return a.p < b.p + b.size && b.p < a.p + a.size; }

}  // namespace

TEST_CASE("blocks on both sides of each class edge are distinct and keep their contents") {
  std::vector<Block> blocks;
  unsigned char next = 1;
  for (const std::size_t edge : {std::size_t{64} << 10, std::size_t{128} << 10, std::size_t{256} << 10,
                                 std::size_t{512} << 10, std::size_t{1} << 20, std::size_t{2} << 20})
    for (const std::size_t size : {edge - 1, edge, edge + 1})
      for (int copy = 0; copy < 3; ++copy) {
        blocks.push_back({static_cast<unsigned char*>(::operator new(size)), size, next++});
        mark(blocks.back());
      }
  for (std::size_t a = 0; a < blocks.size(); ++a) {
    CAPTURE(blocks[a].size);
    CHECK(reinterpret_cast<std::uintptr_t>(blocks[a].p) % alignof(std::max_align_t) == 0);
    CHECK(marked(blocks[a]));
    for (std::size_t b = a + 1; b < blocks.size(); ++b) CHECK_FALSE(overlap(blocks[a], blocks[b]));
  }
  for (const auto& b : blocks) ::operator delete(b.p);
}

TEST_CASE("a freed block is handed out again to the next request of its class, whatever the form") {
  for (const std::size_t size : {std::size_t{64} << 10, std::size_t{100} << 10, std::size_t{700} << 10}) {
    CAPTURE(size);
    void* first = ::operator new(size);
    ::operator delete(first);
    void* again = ::operator new[](size);  // the same class (sizes round up to a power of two)
    CHECK(again == first);
    ::operator delete[](again, size);
    void* nothrow = ::operator new(size, std::nothrow);
    CHECK(nothrow == first);
    ::operator delete(nothrow, std::nothrow);
    auto vector = std::make_unique<std::vector<double>>(size / sizeof(double), 1.5);  // the library's own path
    CHECK(static_cast<void*>(vector->data()) == first);
    CHECK(std::all_of(vector->begin(), vector->end(), [](double x) { return x == 1.5; }));
  }
}

TEST_CASE("threads allocating and freeing at once never share a block") {
  constexpr int kThreads = 4, kSteps = 3000;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t, &failures] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(t) + 7);
      std::uniform_int_distribution<std::size_t> size_of(1, (std::size_t{17} << 16));  // 1 B to 1 MiB + 64 KiB
      std::vector<Block> live;
      for (int step = 0; step < kSteps; ++step) {
        if (live.size() < 24 && (live.empty() || rng() % 3 != 0)) {
          const std::size_t size = size_of(rng);
          live.push_back({static_cast<unsigned char*>(::operator new(size)), size,
                          static_cast<unsigned char>(1 + (t * 61 + step) % 250)});
          mark(live.back());
        } else {
          const std::size_t k = rng() % live.size();
          failures[static_cast<std::size_t>(t)] += !marked(live[k]);
          ::operator delete(live[k].p);
          live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
        }
      }
      for (const auto& b : live) failures[static_cast<std::size_t>(t)] += !marked(b), ::operator delete(b.p);
    });
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) CHECK(failures[static_cast<std::size_t>(t)] == 0);
}

TEST_CASE("past the arena's reserved 256 MiB, allocations go on") {
  // 300 blocks of the 1 MiB class alive at once: the region holds 256. Nothing is written, so nothing is entered.
  std::vector<void*> blocks;
  for (int k = 0; k < 300; ++k) blocks.push_back(::operator new(std::size_t{600} << 10));
  std::vector<void*> sorted = blocks;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  for (std::size_t k = 1; k < sorted.size(); ++k)
    CHECK(static_cast<char*>(sorted[k]) - static_cast<char*>(sorted[k - 1]) >= std::ptrdiff_t{600} << 10);
  for (void* p : blocks) ::operator delete(p);
}
