// Test and benchmark driver for the k-NN MI estimators: reads int64 N, then N float64 x, then N float64
// y (labels for ross, as whole numbers) from stdin in native byte order; prints "estimate seconds
// cpu_seconds" with the wall-clock and CPU time of the estimator call alone. With --repeat R (after the
// method's arguments) the call is made R times in this process and the line goes on with the CPU seconds of
// calls 2..R (which reuse the first call's scratch memory): min, median, max. Used by knn_mi_sklearn.py and
// bench/knn_mi_peers.py.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "itbound/estimators/knn_mi.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: knn_mi_driver ksg|ross|mixed|binned K [BINS] < data\n";
    return 2;
  }
  const std::string method = argv[1];
  const int k = std::stoi(argv[2]);
  std::int64_t n = 0;
  std::cin.read(reinterpret_cast<char*>(&n), sizeof n);
  std::vector<double> x(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n));
  std::cin.read(reinterpret_cast<char*>(x.data()), static_cast<std::streamsize>(sizeof(double) * x.size()));
  std::cin.read(reinterpret_cast<char*>(y.data()), static_cast<std::streamsize>(sizeof(double) * y.size()));
  if (!std::cin) {
    std::cerr << "short input\n";
    return 2;
  }
  int repeat = 1;
  for (int a = 3; a + 1 < argc; ++a)
    if (std::string(argv[a]) == "--repeat") repeat = std::max(1, std::stoi(argv[a + 1]));
  const auto estimate = [&] {
    if (method == "ksg") return itbound::ksg_mi(x, y, k);
    if (method == "mixed") return itbound::mixed_ksg_mi(x, y, k);
    if (method == "ross") {
      const std::vector<std::int64_t> labels(y.begin(), y.end());
      return itbound::ross_mi(x, labels, k);
    }
    const int bins = argc > 3 && std::string(argv[3]) != "--repeat" ? std::stoi(argv[3]) : k;
    return itbound::binned_mi(x, y, k, bins).miller_madow;
  };
  if (method != "ksg" && method != "mixed" && method != "ross" && method != "binned") {
    std::cerr << "unknown method " << method << "\n";
    return 2;
  }
  double mi = 0.0, first_wall = 0.0, first_cpu = 0.0;
  std::vector<double> later;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    mi = estimate();
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (r == 0) first_wall = elapsed.count(), first_cpu = cpu;
    else later.push_back(cpu);
  }
  std::printf("%.17g %.6f %.6f", mi, first_wall, first_cpu);
  if (!later.empty()) {
    std::sort(later.begin(), later.end());
    std::printf(" %.6f %.6f %.6f", later.front(), later[later.size() / 2], later.back());
  }
  std::printf("\n");
  return 0;
}
