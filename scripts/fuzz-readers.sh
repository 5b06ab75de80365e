#!/usr/bin/env bash
# Bounded libFuzzer run of the file readers (Debian's clang-14): builds tests/fuzz/fuzz_readers.cpp with
# ASan+UBSan, seeds it with the test fixtures, and runs for SECONDS (default 60). Exit 0: no crash found.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus"
clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Isolvers/include -Iestimators/include -Idata/include -Ibounds/include \
  tests/fuzz/fuzz_readers.cpp data/src/npy.cpp data/src/npz.cpp data/src/crc32.cpp data/src/supersample_io.cpp \
  data/src/loo_io.cpp data/src/runs_text.cpp data/src/trajectory.cpp data/src/json_text.cpp \
  bounds/src/trajectory.cpp bounds/src/mi_bounds.cpp bounds/src/certificate.cpp estimators/src/supersample.cpp estimators/src/supersample_stats.cpp \
  estimators/src/loo.cpp estimators/src/discrete_mi.cpp solvers/src/error.cpp -lz -o "$out/fuzz_readers"
# Seeds: each fixture behind every format byte.
i=0
for f in tests/fixtures/*.npy tests/fixtures/*.npz tests/fixtures/runs.* tests/fixtures/loo_runs.* tests/fixtures/stats.bin \
  data/examples/trajectory-*; do
  for b in $(seq 0 11); do printf "\x$(printf %02x "$b")" | cat - "$f" > "$out/corpus/seed-$i-$b"; done
  i=$((i + 1))
done
# Inputs that once crashed the harness (their first byte already picks the reader) run first, as they are.
cp tests/fixtures/fuzz-found/* "$out/corpus/"
"$out/fuzz_readers" "$out/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
  -print_final_stats=1
