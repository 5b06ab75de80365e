// Times itbound's array kl_inverse_upper (best of 5; and, for reference, one loop over the scalar solver)
// on pairs read from a file, in wall-clock and thread CPU time, and writes the array results back.
// Driven by bench/kl_inverse_peers.py.
// Usage: bench_kl_inverse <pairs.bin> <results.bin>; pairs.bin holds n doubles q then n doubles c.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <vector>

#include "itbound/solvers/kl.hpp"

namespace {

double cpu_seconds() {  // this thread's CPU time: what a shared machine's other jobs do not inflate
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Timing {
  double wall = 1e300, cpu = 1e300;  // best of the repeats, each
};

template <typename F>
Timing best_of(int repeats, F run) {
  Timing best;
  for (int r = 0; r < repeats; ++r) {
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    run();
    best.cpu = std::min(best.cpu, cpu_seconds() - c0);
    best.wall = std::min(best.wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_kl_inverse <pairs.bin> <results.bin>\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  const auto n = static_cast<Eigen::Index>(bytes / (2 * sizeof(double)));
  std::vector<char> raw(bytes);
  in.seekg(0);
  in.read(raw.data(), static_cast<std::streamsize>(bytes));
  Eigen::ArrayXd q(n), c(n);
  std::copy_n(raw.data(), n * sizeof(double), reinterpret_cast<char*>(q.data()));
  std::copy_n(raw.data() + n * sizeof(double), n * sizeof(double), reinterpret_cast<char*>(c.data()));

  itbound::KlInverseArrayResult result;
  const Timing array = best_of(5, [&] { result = itbound::kl_inverse_upper(q, c); });
  Eigen::ArrayXd scalar(n);
  const Timing scalar_loop = best_of(1, [&] {
    for (Eigen::Index i = 0; i < n; ++i) scalar[i] = itbound::kl_inverse_upper(q[i], c[i]).value;
  });
  std::ofstream out(argv[2], std::ios::binary);
  out.write(reinterpret_cast<const char*>(result.value.data()), static_cast<std::streamsize>(n * sizeof(double)));
  const Eigen::Index same = (result.value == scalar).count();
  std::printf("{\"n\": %ld, \"array_seconds\": %.6g, \"array_cpu_seconds\": %.6g, \"scalar_loop_seconds\": %.6g, "
              "\"scalar_loop_cpu_seconds\": %.6g, \"not_converged\": %ld, \"bitwise_equal_to_scalar\": %ld}\n",
              static_cast<long>(n), array.wall, array.cpu, scalar_loop.wall, scalar_loop.cpu,
              static_cast<long>(result.not_converged), static_cast<long>(same));
  return 0;
}
