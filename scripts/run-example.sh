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
# Trajectory bounds beside the measured gap for a 64-32-10 MLP on the UCI digits, recorded while training
# (data/examples/make_trajectory_runs.py with itbound.recorders; format in data/TRAJECTORY-SCHEMA.md): full-batch
# Langevin dynamics over supersamples, three seeds (haghifam-ld, neu-sgld), and minibatch SGD (neu-sgd).
for run in data/examples/trajectory-digits-langevin-{0,1,2}.jsonl data/examples/trajectory-digits-sgd.jsonl; do
  echo "== digits, trajectory ($run)"
  build/bin/itbound trajectory "$run" --format table
  echo
done
# Which of 20 per-run measures best ranks 192 small networks trained on the UCI digits by their gap (robust
# sign-error, Dziugaite et al. 2020; PGDL score): data/examples/make_digits_grid.py made the table, bounds/MEASURES.md.
# The test-set bound reads the test set: it ranks first as an oracle, not as a candidate.
echo "== digits grid, generalization measures ranked (data/examples/digits-grid.csv)"
build/bin/itbound measures data/examples/digits-grid.csv --gap gap --hparams lr,width,depth,train_size --seed seed \
  --test-size 1397 --negate sharpness_sigma --format table
echo
# A learner with a known compression size (one prototype per class, 1-NN among the ten): Steinke & Zakynthinou's
# compression bounds, which need no estimate, beside the estimated CMI bounds (data/examples/make_compression_runs.py).
echo "== digits, prototype 1-NN, compression size 10 (data/examples/digits-prototype-1nn.npz)"
build/bin/itbound cmi "data/examples/digits-prototype-1nn.npz" --compression-size 10 --compression-unordered \
  --bootstrap 0 --format table
echo
# Rationality, robustness and memorization: PCA features, then logistic regression, one clean run and 20 runs at 5%
# label noise on the digits (data/examples/make_rrm_runs.py); the RRM bound beside the measured gap.
echo "== digits, PCA + logistic regression, eta = 0.05 (data/examples/digits-rrm.npz)"
build/bin/itbound rrm "data/examples/digits-rrm.npz" --format table
