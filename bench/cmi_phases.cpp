// Where `itbound cmi`'s default path spends its time, phase by phase, in one fresh process (first touch of memory
// is part of the cost, so run it several times rather than looping inside): the CPU already spent when main starts
// (process start), reading the runs file, counting, the estimates with the jackknife's pass, the bounds from those
// estimates, and the whole report from the counts (the last two phases again, and the rest of the output's fields).
// Linked with the executable's allocation policy (cli/large_pages.cpp).
//
//   bench_cmi_phases RUNS.npz                 phases: CPU ms / wall ms (minor faults)
//   bench_cmi_phases RUNS.npz --read-probes   the file read three ways: in sequence through one reused 256 KiB
//                                             buffer, mapped and touched, onto huge pages as the CLI reads it; then
//                                             one pass over the bytes so read (memory already entered)
//   bench_cmi_phases RUNS.npz --warm N        the phases, then the count and the estimates with the jackknife N
//                                             times more in the same process (memory reused): min / median / max
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include "itbound/bounds/cmi_bounds.hpp"
#include "itbound/bounds/cmi_report.hpp"
#include "itbound/data/ndarray.hpp"
#include "itbound/data/supersample_io.hpp"
#include "itbound/estimators/supersample.hpp"
#include "itbound/estimators/supersample_stats.hpp"

namespace {

double clock_ms(clockid_t id) {
  timespec t{};
  clock_gettime(id, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

long minor_faults() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return r.ru_minflt;
}

struct Phase {
  double cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID), wall = clock_ms(CLOCK_MONOTONIC);
  long faults = minor_faults();
  void report(const char* name) {
    const Phase now;
    std::printf("%s %.1f / %.1f (%ld)  ", name, now.cpu - cpu, now.wall - wall, now.faults - faults);
    *this = now;
  }
};

// Touches every 64th byte (every cache line) so that no read is optimised away.
unsigned touch(const unsigned char* p, std::size_t n) {
  unsigned s = 0;
  for (std::size_t i = 0; i < n; i += 64) s += p[i];
  return s;
}

int read_probes(const char* path) {
  const int fd = ::open(path, O_RDONLY);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) return std::perror(path), 1;
  const auto size = static_cast<std::size_t>(st.st_size);
  unsigned sum = 0;
  Phase t;
  std::vector<unsigned char> buffer(256 << 10);
  for (std::size_t at = 0; at < size; at += buffer.size()) {
    const ssize_t got = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(at));
    if (got <= 0) return std::perror("pread"), 1;
    sum += touch(buffer.data(), static_cast<std::size_t>(got));
  }
  t.report("pread-256KiB");
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return std::perror("mmap"), 1;
  sum += touch(static_cast<const unsigned char*>(map), size);
  t.report("mmap+touch");
  ::munmap(map, size);
  ::close(fd);
  t = Phase();
  const itbound::data::FileBytes bytes(path);
  sum += touch(bytes.bytes().data(), bytes.bytes().size());
  t.report("cli-read");
  sum += touch(bytes.bytes().data(), bytes.bytes().size());
  t.report("resident-pass");
  std::printf("(%u)\n", sum & 1);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace itbound;
  const double start = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
  if (argc < 2) return std::fprintf(stderr, "usage: bench_cmi_phases RUNS.npz [--read-probes]\n"), 2;
  if (argc > 2 && std::strcmp(argv[2], "--read-probes") == 0) return read_probes(argv[1]);
  std::printf("start %.1f  ", start);
  Phase t;
  const auto runs = data::open_supersample_runs(argv[1], 0, 1);
  t.report("read");
  const auto stats = estimators::SupersampleStats::accumulate(runs.view());
  t.report("count");
  const auto with_intervals = estimators::estimates_with_intervals(runs.view(), stats, {});
  t.report("estimates+jackknife");
  const auto bounds = cmi_bounds({stats.shape(), &with_intervals.first, estimators::Correction::none});
  t.report("bounds");
  // The whole report from the counts: the two phases above again, and the output's other fields.
  const CmiReport report = evaluate_cmi(stats, &runs.view(), CmiOptions{});
  t.report("report");
  std::printf("(e-CMI %.6f, %zu slots, %zu bounds)\n", report.estimates.ecmi_mean, with_intervals.first.ecmi.size(),
              bounds.size());
  const int warm = argc > 3 && std::strcmp(argv[2], "--warm") == 0 ? std::atoi(argv[3]) : 0;
  if (warm <= 0) return 0;
  // The same calls again: their memory now comes back from the allocator already entered, so these are the
  // kernels' costs without first touch.
  std::vector<double> count_cpu, count_wall, estimate_cpu, estimate_wall;
  for (int r = 0; r < warm; ++r) {
    Phase w;
    const auto again = estimators::SupersampleStats::accumulate(runs.view());
    const Phase counted;
    const auto fused = estimators::estimates_with_intervals(runs.view(), again, {});
    const Phase estimated;
    count_cpu.push_back(counted.cpu - w.cpu), count_wall.push_back(counted.wall - w.wall);
    estimate_cpu.push_back(estimated.cpu - counted.cpu), estimate_wall.push_back(estimated.wall - counted.wall);
    if (fused.first.ecmi != with_intervals.first.ecmi) return std::fprintf(stderr, "warm run differs\n"), 1;
  }
  const auto spread = [](const char* name, std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    std::printf("%s %.1f / %.1f / %.1f  ", name, v.front(), v[v.size() / 2], v.back());
  };
  std::printf("warm x%d (min / median / max ms): ", warm);
  spread("count CPU", count_cpu), spread("wall", count_wall);
  spread("estimates+jackknife CPU", estimate_cpu), spread("wall", estimate_wall);
  std::printf("\n");
  return 0;
}
