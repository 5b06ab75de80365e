#!/usr/bin/env bash
# README command 1: install what is missing, build, and certify the bundled example run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
# Held-out errors of a logistic regression on the UCI digits (data/examples/make_heldout.py made the file).
read -r errors trials < <(/usr/bin/python3 -c \
  'import json; d = json.load(open("data/examples/digits-heldout.json")); print(d["errors"], d["trials"])')
build/bin/itbound test-set --errors "$errors" --trials "$trials" --delta 0.05
