// Test and benchmark driver for the k-NN MI estimators: reads int64 N, then N float64 x, then N float64
// y (labels for ross, as whole numbers) from stdin in native byte order; prints "estimate seconds
// cpu_seconds" with the wall-clock and CPU time of the estimator call alone. Used by knn_mi_sklearn.py
// and bench/knn_mi_peers.py.
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
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  double mi = 0.0;
  if (method == "ksg") {
    mi = itbound::ksg_mi(x, y, k);
  } else if (method == "mixed") {
    mi = itbound::mixed_ksg_mi(x, y, k);
  } else if (method == "ross") {
    const std::vector<std::int64_t> labels(y.begin(), y.end());
    mi = itbound::ross_mi(x, labels, k);
  } else if (method == "binned") {
    mi = itbound::binned_mi(x, y, k, argc > 3 ? std::stoi(argv[3]) : k).miller_madow;
  } else {
    std::cerr << "unknown method " << method << "\n";
    return 2;
  }
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("%.17g %.6f %.6f\n", mi, elapsed.count(), cpu);
  return 0;
}
