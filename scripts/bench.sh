#!/usr/bin/env bash
# Builds the benchmark binary and runs the kl-inverse benchmark against its NumPy/SciPy peers on one core (with the
# Python row when build/python holds the module).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DPython3_EXECUTABLE=/usr/bin/python3 >&2
cmake --build "$build" -j "$(nproc)" --target bench_kl_inverse >&2
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)  # one core for every method
PYTHONPATH="$build/python${PYTHONPATH:+:$PYTHONPATH}" OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "${pin[@]}" /usr/bin/python3 bench/kl_inverse_peers.py "$build/bin/bench_kl_inverse" "$@"
