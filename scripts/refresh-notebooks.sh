#!/usr/bin/env bash
# Executes every notebook (or those named) against build/python and saves it with its outputs, as committed.
# Run after changing a notebook or anything it prints; ctest's notebook test refuses notebooks without outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 tests/run_notebooks.py --write "${BUILD_DIR:-build}/python" "$@"
