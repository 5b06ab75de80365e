#!/usr/bin/env bash
# Bounded libFuzzer run of the file readers (Debian's clang-14): builds tests/fuzz/fuzz_readers.cpp with
# ASan+UBSan, seeds it with the test fixtures and tests/fuzz/seeds (JSON arrays, parameter files, batch jobs, and
# nesting-generator seeds), and runs for SECONDS (default 60). Exit 0: no crash found.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus"
# Every source but the command-line front end (main.cpp, CLI11) and the vector lanes (GCC vector extensions: a
# stub hands every element to the scalar solver), so that batch jobs run through their commands. Compiled in
# parallel, one object per source (the cores a build may use), then linked.
sources=$(ls solvers/src/*.cpp estimators/src/*.cpp bounds/src/*.cpp data/src/*.cpp cli/src/*.cpp cli/commands/*.cpp \
  tests/fuzz/*.cpp | grep -v kl_lanes_)
flags="-std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
  -Isolvers/include -Iestimators/include -Idata/include -Ibounds/include -Icli/include -I/usr/include/eigen3"
rm -rf "$out/obj" && mkdir -p "$out/obj"
for src in $sources; do echo "$src"; done | xargs -P "${JOBS:-2}" -I{} sh -c \
  'clang++-14 '"$flags"' -c {} -o '"$out"'/obj/$(echo {} | tr / _).o'
clang++-14 -fsanitize=fuzzer,address,undefined "$out"/obj/*.o -lz -lnlopt -o "$out/fuzz_readers"
# Seeds: each fixture behind every format byte.
i=0
for f in tests/fixtures/*.npy tests/fixtures/*.npz tests/fixtures/runs.* tests/fixtures/loo_runs.* tests/fixtures/stats.bin \
  data/examples/trajectory-* tests/fuzz/seeds/*; do
  for b in $(seq 0 15) 59; do printf "\x$(printf %02x "$b")" | cat - "$f" > "$out/corpus/seed-$i-$b"; done
  i=$((i + 1))
done
# Inputs that once crashed the harness (their first byte already picks the reader) run first, as they are.
cp tests/fixtures/fuzz-found/* "$out/corpus/"
"$out/fuzz_readers" "$out/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
  -print_final_stats=1
