// Times itbound's array kl_inverse_upper (and, for reference, a loop over the scalar solver) on pairs
// read from a file, and writes the array results back. Driven by bench/kl_inverse_peers.py.
// Usage: bench_kl_inverse <pairs.bin> <results.bin>; pairs.bin holds n doubles q then n doubles c.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include "itbound/solvers/kl.hpp"

namespace {

template <typename F>
double best_seconds(int repeats, F run) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
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
  const double array_s = best_seconds(3, [&] { result = itbound::kl_inverse_upper(q, c); });
  Eigen::ArrayXd scalar(n);
  const double scalar_s = best_seconds(1, [&] {
    for (Eigen::Index i = 0; i < n; ++i) scalar[i] = itbound::kl_inverse_upper(q[i], c[i]).value;
  });
  std::ofstream out(argv[2], std::ios::binary);
  out.write(reinterpret_cast<const char*>(result.value.data()), static_cast<std::streamsize>(n * sizeof(double)));
  const Eigen::Index same = (result.value == scalar).count();
  std::printf("{\"n\": %ld, \"array_seconds\": %.6g, \"scalar_loop_seconds\": %.6g, \"not_converged\": %ld, "
              "\"bitwise_equal_to_scalar\": %ld}\n",
              static_cast<long>(n), array_s, scalar_s, static_cast<long>(result.not_converged), static_cast<long>(same));
  return 0;
}
