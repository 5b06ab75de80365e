#pragma once
// Runs a test body (given the build's name) once per build of the array kl lanes (AVX-512, AVX2 + FMA, SSE2 baseline) that this CPU and
// build have, saying which were skipped, and restores the automatic choice.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "itbound/solvers/kl.hpp"

namespace itbound::test {

template <class F>
void for_each_kl_lanes(F body) {
  const std::pair<KlLanes, const char*> builds[] = {
      {KlLanes::avx512, "AVX-512"}, {KlLanes::avx2, "AVX2 + FMA"}, {KlLanes::baseline, "baseline (SSE2)"}};
  for (const auto& [lanes, name] : builds) {
    if (!kl_arrays_use(lanes)) {
      MESSAGE("kl lanes " << name << ": skipped, this CPU or build does not have them");
      continue;
    }
    const std::string build = name;
    CAPTURE(build);
    body(build);
  }
  kl_arrays_use(KlLanes::automatic);
}

}  // namespace itbound::test
