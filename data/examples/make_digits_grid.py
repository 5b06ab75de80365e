#!/usr/bin/python3
"""A grid of small ReLU networks trained on the UCI digits, with per-run generalization measures, for `itbound
measures` (bounds/MEASURES.md): writes data/examples/digits-grid.csv.

Protocol (as Dziugaite et al. 2020, scaled down): learning rate x width x depth x training-set size, SEEDS seeds
each; SGD with momentum 0.9, batch 32, until the training cross-entropy reaches 0.01 (checked after every epoch) or
MAX_EPOCHS pass. Only runs that reached the criterion are kept (the CSV's first line says how many were trained).
Every run is tested on the same TEST_SIZE held-out digits; its training set is drawn from the other digits.

Per run (one CSV row): the hyper-parameters, the seed, the gap (train accuracy - test accuracy) and the measures:
- itbound's own single-run quantities:
  pacbayes_kl_bound: the PAC-Bayes-kl certificate (itbound.pac_bayes, delta 0.05 + 0.01 for the Monte Carlo step) on
    the Gibbs risk of the posterior N(w, lam I) around the trained weights w, prior N(w0, lam I) at the (seeded,
    data-independent) initialisation w0, lam on Dziugaite & Roy's grid 0.1 exp(-j/100): j chosen by a pilot estimate
    on the training set, charged 2 ln j + ln(pi^2/6) by pac_bayes; the KL from itbound.kl_diag_gaussian; the Gibbs
    error from MC_SAMPLES fresh posterior draws (mc_errors);
  test_set_bound: Langford's test-set bound (itbound.test_set) on the test error; it sees the test set, so it is an
    oracle reference, not a measure one could use to choose a model;
- classic measures as in the authors' code (data/generation/measures.py; weights without biases; margin = the
  10th-percentile training margin; `log_` measures adjusted 0.5 (v - ln m), the others sqrt(v / m), m the training-set
  size): l2, l2_dist, params, inverse_margin, log_prod_of_spec, log_prod_of_spec_over_margin, log_spec_init_main,
  log_prod_of_fro, log_prod_of_fro_over_margin, fro_over_spec, fro_dist, dist_spec_init, param_norm, path_norm,
  path_norm_over_margin;
- sharpness_sigma: the largest sigma (bisection) such that adding N(0, sigma^2) to every parameter keeps the mean
  training error of SHARP_SAMPLES draws within SHARP_TOLERANCE of the trained network's (larger = flatter: rank it
  with --negate sharpness_sigma);
- epochs: epochs to reach the criterion.

Deterministic (fixed seeds, one BLAS thread). Needs the itbound module: PYTHONPATH=build/python.
Usage: make_digits_grid.py [OUTPUT.csv]
"""
import itertools
import math
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import itbound  # noqa: E402

LRS = [0.03, 0.1]
WIDTHS = [16, 64, 256]
DEPTHS = [1, 2]
TRAIN_SIZES = [50, 100, 200, 400]
SEEDS = 4
TEST_SIZE = 1397
MAX_EPOCHS = 300
TARGET_LOSS = 0.01
BATCH = 32
MC_SAMPLES = 100
SHARP_SAMPLES, SHARP_TOLERANCE, SHARP_STEPS = 5, 0.1, 12
DELTA, DELTA_MC = 0.05, 0.01
GRID_C, GRID_B = 0.1, 100.0  # prior variance c exp(-j / b), Dziugaite & Roy (2017)

HPARAMS = ["lr", "width", "depth", "train_size"]
CLASSIC = ["l2", "l2_dist", "params", "inverse_margin", "log_prod_of_spec", "log_prod_of_spec_over_margin",
           "log_spec_init_main", "log_prod_of_fro", "log_prod_of_fro_over_margin", "fro_over_spec", "fro_dist",
           "dist_spec_init", "param_norm", "path_norm", "path_norm_over_margin"]
MEASURES = ["pacbayes_kl_bound", "pacbayes_kl_per_n", "test_set_bound"] + CLASSIC + ["sharpness_sigma", "epochs"]


def data():
    x, y = load_digits(return_X_y=True)
    perm = np.random.default_rng(0).permutation(len(y))
    x, y = (x[perm] / 16.0).astype(np.float32), y[perm]
    return x[TEST_SIZE:], y[TEST_SIZE:], x[:TEST_SIZE], y[:TEST_SIZE]


def forward(weights, biases, x):
    """Activations of every layer (inputs first); the last is the logits."""
    acts = [x]
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = acts[-1] @ w + b
        acts.append(np.maximum(z, 0) if i < len(weights) - 1 else z)
    return acts


def cross_entropy(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y]))


def error(weights, biases, x, y):
    return float(np.mean(forward(weights, biases, x)[-1].argmax(axis=1) != y))


def train(lr, width, depth, x, y, rng):
    """He-initialised ReLU network trained by SGD with momentum; (init, trained, epochs) or None if not converged."""
    sizes = [x.shape[1]] + [width] * depth + [10]
    weights = [(rng.standard_normal((a, b)) * math.sqrt(2.0 / a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    biases = [np.zeros(b, np.float32) for b in sizes[1:]]
    init = ([w.copy() for w in weights], [b.copy() for b in biases])
    vw = [np.zeros_like(w) for w in weights]
    vb = [np.zeros_like(b) for b in biases]
    for epoch in range(1, MAX_EPOCHS + 1):
        order = rng.permutation(len(y))
        for start in range(0, len(y), BATCH):
            batch = order[start:start + BATCH]
            acts = forward(weights, biases, x[batch])
            z = acts[-1] - acts[-1].max(axis=1, keepdims=True)
            g = np.exp(z)
            g /= g.sum(axis=1, keepdims=True)
            g[np.arange(len(batch)), y[batch]] -= 1.0
            g /= len(batch)
            for layer in range(len(weights) - 1, -1, -1):
                gw, gb = acts[layer].T @ g, g.sum(axis=0)
                if layer > 0:
                    g = (g @ weights[layer].T) * (acts[layer] > 0)
                vw[layer] = 0.9 * vw[layer] + gw
                vb[layer] = 0.9 * vb[layer] + gb
                weights[layer] -= lr * vw[layer]
                biases[layer] -= lr * vb[layer]
        loss = cross_entropy(forward(weights, biases, x)[-1], y)
        if not math.isfinite(loss):
            return None
        if loss <= TARGET_LOSS:
            return init, (weights, biases), epoch
    return None


def flat(weights, biases):
    return np.concatenate([a.ravel() for a in weights + biases]).astype(np.float64)


def perturbed(weights, biases, sigma, rng):
    return ([w + sigma * rng.standard_normal(w.shape).astype(np.float32) for w in weights],
            [b + sigma * rng.standard_normal(b.shape).astype(np.float32) for b in biases])


def gibbs_errors(weights, biases, std, x, y, samples, rng):
    """Training error of `samples` draws from N(trained, std^2 I)."""
    return np.array([error(*perturbed(weights, biases, std, rng), x, y) for _ in range(samples)])


def pacbayes(init, trained, x, y, rng):
    """itbound's PAC-Bayes-kl certificate of N(w, lam I) with prior N(w0, lam I), lam on the charged grid."""
    w, w0 = flat(*trained), flat(*init)
    n = len(y)

    def kl(j):
        std = math.sqrt(GRID_C * math.exp(-j / GRID_B))
        return itbound.kl_diag_gaussian(w, np.full(w.size, std), w0, std)

    # Pilot (choice of j only; any j >= 1 is charged): 4 draws on at most 256 training digits, a coarse grid then a
    # finer one around its best point. Approximate bound: kl^-1(q, (KL + ln(2 sqrt(n)/delta) + 2 ln j) / n).
    pilot = slice(0, min(n, 256))

    def pilot_bound(j):
        q = gibbs_errors(*trained, math.sqrt(GRID_C * math.exp(-j / GRID_B)), x[pilot], y[pilot], 4, rng).mean()
        return float(itbound.kl_inverse_upper(q, (kl(j) + math.log(2 * math.sqrt(n) / DELTA) + 2 * math.log(j)) / n))

    coarse = min(range(100, 1301, 150), key=pilot_bound)
    j = min(range(max(1, coarse - 125), coarse + 126, 25), key=pilot_bound)
    std = math.sqrt(GRID_C * math.exp(-j / GRID_B))
    errors = gibbs_errors(*trained, std, x, y, MC_SAMPLES, rng)  # fresh draws
    r = itbound.pac_bayes(kl=kl(j), n=n, delta=DELTA, mc_errors=errors, delta_mc=DELTA_MC, prior_grid_index=j)
    return next(b for b in r.bounds if b.name == "kl").value, kl(j) / n


def sharpness_sigma(weights, biases, x, y, rng):
    """Largest sigma keeping the mean training error of SHARP_SAMPLES draws within SHARP_TOLERANCE (bisection)."""
    base = error(weights, biases, x, y)
    lo, hi = 0.0, 1.0
    for _ in range(SHARP_STEPS):
        mid = (lo + hi) / 2
        if gibbs_errors(weights, biases, mid, x, y, SHARP_SAMPLES, rng).mean() <= base + SHARP_TOLERANCE:
            lo = mid
        else:
            hi = mid
    return lo


def classic(init, trained, x, y):
    """The authors' norm and margin measures, size-adjusted as their code does."""
    (w0, _), (w, b) = init, trained
    m = len(y)
    w = [a.astype(np.float64) for a in w]
    d = [a - a0.astype(np.float64) for a, a0 in zip(w, w0)]
    logits = forward(w, [a.astype(np.float64) for a in b], x.astype(np.float64))[-1]
    true = logits[np.arange(m), y]
    others = logits.copy()
    others[np.arange(m), y] = -np.inf
    margin = abs(np.sort(true - others.max(axis=1))[m // 10 - 1])  # torch kthvalue(m // 10), 1-indexed
    fro = np.array([np.sum(a * a) for a in w])
    spec = np.array([np.linalg.norm(a, 2) ** 2 for a in w])
    dist_fro = np.array([np.sum(a * a) for a in d])
    dist_spec = np.array([np.linalg.norm(a, 2) ** 2 for a in d])
    squared = forward([a * a for a in w], [a.astype(np.float64) ** 2 for a in b], np.ones((1, x.shape[1])))[-1]
    v = {
        "l2": math.sqrt(fro.sum()), "l2_dist": math.sqrt(dist_fro.sum()), "params": float(sum(a.size for a in w)),
        "inverse_margin": 1.0 / margin ** 2,
        "log_prod_of_spec": np.log(spec).sum(), "log_prod_of_fro": np.log(fro).sum(),
        "fro_over_spec": (fro / spec).sum(), "fro_dist": dist_fro.sum(), "dist_spec_init": dist_spec.sum(),
        "param_norm": fro.sum(), "path_norm": float(squared.sum()),
    }
    v["log_prod_of_spec_over_margin"] = v["log_prod_of_spec"] - 2 * math.log(margin)
    v["log_spec_init_main"] = v["log_prod_of_spec_over_margin"] + math.log((dist_fro / spec).sum())
    v["log_prod_of_fro_over_margin"] = v["log_prod_of_fro"] - 2 * math.log(margin)
    v["path_norm_over_margin"] = v["path_norm"] / margin ** 2
    return {k: 0.5 * (v[k] - math.log(m)) if k.startswith("log_") else math.sqrt(v[k] / m) for k in CLASSIC}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "digits-grid.csv")
    x_pool, y_pool, x_test, y_test = data()
    rows, trained_runs, start = [], 0, time.process_time()
    grid = list(itertools.product(enumerate(LRS), enumerate(WIDTHS), enumerate(DEPTHS), enumerate(TRAIN_SIZES)))
    for (i, lr), (j, width), (k, depth), (l, size) in grid:
        for seed in range(SEEDS):
            rng = np.random.default_rng([2024, i, j, k, l, seed])
            pick = rng.choice(len(y_pool), size=size, replace=False)
            x, y = x_pool[pick], y_pool[pick]
            trained_runs += 1
            run = train(lr, width, depth, x, y, rng)
            if run is None:
                continue
            init, net, epochs = run
            train_error, test_error = error(*net, x, y), error(*net, x_test, y_test)
            test_bound = itbound.test_set(errors=round(test_error * TEST_SIZE), trials=TEST_SIZE, delta=DELTA).value
            row = {"lr": lr, "width": width, "depth": depth, "train_size": size, "seed": seed,
                   "gap": test_error - train_error, "test_set_bound": test_bound}
            row["pacbayes_kl_bound"], row["pacbayes_kl_per_n"] = pacbayes(init, net, x, y, rng)
            row.update(classic(init, net, x, y))
            row["sharpness_sigma"] = sharpness_sigma(*net, x, y, rng)
            row["epochs"] = epochs
            rows.append(row)
        print(f"lr={lr} width={width} depth={depth} train_size={size}: {len(rows)} of {trained_runs} runs kept, "
              f"{time.process_time() - start:.0f} s CPU", flush=True)
    columns = HPARAMS + ["seed", "gap"] + MEASURES
    with open(out, "w") as f:
        f.write(f"# digits MLP grid (data/examples/make_digits_grid.py): {trained_runs} runs trained, {len(rows)} reached "
                f"training cross-entropy {TARGET_LOSS} within {MAX_EPOCHS} epochs and are kept; test set of "
                f"{TEST_SIZE} digits\n")
        f.write(",".join(columns) + "\n")
        for r in rows:
            f.write(",".join(repr(float(r[c])) if isinstance(r[c], float) else str(r[c]) for c in columns) + "\n")
    print(f"{out}: {len(rows)} of {trained_runs} runs, {time.process_time() - start:.0f} s CPU")


if __name__ == "__main__":
    main()
