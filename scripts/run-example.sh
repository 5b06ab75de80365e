#!/usr/bin/env bash
# README command 1: install what is missing, build, and evaluate the bundled example runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
# Supersample CMI bounds beside the measured gap for three models on the UCI digits
# (data/examples/make_digits_runs.py made the files; format in data/SCHEMA.md).
for model in logreg 1nn tree; do
  echo "== digits, $model (data/examples/digits-$model.npz)"
  build/bin/itbound cmi --runs "data/examples/digits-$model.npz" --format table
  echo
done
# Held-out errors of a logistic regression on the UCI digits (data/examples/make_heldout.py made the file).
read -r errors trials < <(/usr/bin/python3 -c \
  'import json; d = json.load(open("data/examples/digits-heldout.json")); print(d["errors"], d["trials"])')
echo "== digits, logistic regression, held-out test set (data/examples/digits-heldout.json)"
build/bin/itbound test-set --errors "$errors" --trials "$trials" --delta 0.05 --format table
echo
# Leave-one-out CMI bounds beside the measured leave-one-out error for 1-nearest-neighbour and a logistic
# regression on supersamples of 100 UCI digits (data/examples/make_loo_runs.py made the files; data/SCHEMA.md).
for model in 1nn logreg; do
  echo "== digits, leave-one-out, $model (data/examples/digits-loo-$model.npz)"
  build/bin/itbound loo-cmi --runs "data/examples/digits-loo-$model.npz" --format table
  echo
done
