#!/usr/bin/env bash
# README command 2: install what is missing, build with -Werror, run the whole suite through ctest.
# --sanitize builds a separate tree under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
if [ "${1:-}" = "--sanitize" ]; then
  export BUILD_DIR=build-sanitize
  scripts/build.sh -DITBOUND_WERROR=ON -DITBOUND_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DITBOUND_BUILD_BENCH=OFF
else
  export BUILD_DIR=build
  scripts/build.sh -DITBOUND_WERROR=ON
fi
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)"
