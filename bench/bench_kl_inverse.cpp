// Times itbound's array kl_inverse_upper into a caller's buffer (no allocation), in each build of the vector
// lanes this CPU has, and one loop over the scalar solver for reference, on pairs read from a file; writes the
// array results back. Each timing: min, median and max over the repeats, wall-clock and thread CPU time.
// Driven by bench/kl_inverse_peers.py.
// Usage: bench_kl_inverse <pairs.bin> <results.bin> [repeats]; pairs.bin holds n doubles q then n doubles c.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "itbound/solvers/kl.hpp"

namespace {

double cpu_seconds() {  // this thread's CPU time: what a shared machine's other jobs do not inflate
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// min, median and max of the repeats, as a JSON array.
std::string spread(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  char buf[96];
  std::snprintf(buf, sizeof buf, "[%.6g, %.6g, %.6g]", v.front(), v[v.size() / 2], v.back());
  return buf;
}

template <typename F>
std::string timed(int repeats, F run) {
  std::vector<double> wall, cpu;
  for (int r = 0; r < repeats; ++r) {
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    run();
    cpu.push_back(cpu_seconds() - c0);
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
  }
  return "{\"cpu\": " + spread(cpu) + ", \"wall\": " + spread(wall) + "}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: bench_kl_inverse <pairs.bin> <results.bin> [repeats]\n");
    return 2;
  }
  const int repeats = argc == 4 ? std::atoi(argv[3]) : 7;
  std::ifstream in(argv[1], std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  const std::size_t n = bytes / (2 * sizeof(double));
  std::vector<double> q(n), c(n), out(n);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(q.data()), static_cast<std::streamsize>(n * sizeof(double)));
  in.read(reinterpret_cast<char*>(c.data()), static_cast<std::streamsize>(n * sizeof(double)));

  std::string lanes;
  itbound::KlArrayReport report;
  const std::pair<itbound::KlLanes, const char*> builds[] = {
      {itbound::KlLanes::avx512, "avx512"}, {itbound::KlLanes::avx2, "avx2"}, {itbound::KlLanes::baseline, "sse2"}};
  for (const auto& [isa, name] : builds) {
    if (!itbound::kl_arrays_use(isa)) continue;
    const std::string t = timed(repeats, [&] { report = itbound::kl_inverse_upper(q, c, out); });
    lanes += std::string(lanes.empty() ? "" : ", ") + "\"" + name + "\": " + t;
  }
  itbound::kl_arrays_use(itbound::KlLanes::automatic);
  report = itbound::kl_inverse_upper(q, c, out);
  std::vector<double> scalar(n);
  const std::string scalar_loop = timed(1, [&] {
    for (std::size_t i = 0; i < n; ++i) scalar[i] = itbound::kl_inverse_upper(q[i], c[i]).value;
  });
  std::ofstream(argv[2], std::ios::binary).write(reinterpret_cast<const char*>(out.data()),
                                                 static_cast<std::streamsize>(n * sizeof(double)));
  std::size_t same = 0;
  for (std::size_t i = 0; i < n; ++i) same += out[i] == scalar[i];
  std::printf("{\"n\": %zu, \"repeats\": %d, \"lanes\": {%s}, \"scalar_loop\": %s, \"not_converged\": %ld, "
              "\"scalar_fallback\": %ld, \"uncertified\": %ld, \"bitwise_equal_to_scalar\": %zu}\n",
              n, repeats, lanes.c_str(), scalar_loop.c_str(), static_cast<long>(report.not_converged),
              static_cast<long>(report.scalar), static_cast<long>(report.uncertified), same);
  return 0;
}
