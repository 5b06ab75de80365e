#!/usr/bin/env bash
# Configures and builds into ${BUILD_DIR:-build}; extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DPython3_EXECUTABLE=/usr/bin/python3 "$@" >&2
cmake --build "$build" -j "$(nproc)" >&2
