#!/usr/bin/python3
"""Supersample CMI reductions: `itbound cmi` (file read included) against the same plug-in estimates
computed per pair with scikit-learn's mutual_info_score and with a vectorised NumPy count.

Usage: bench/cmi_bench.py ITBOUND_EXE [k1 k2 n]   (default 5 50 50000, the issue's target size)
Synthetic 0-1 runs: a learner that memorises each trained point with probability 0.3 and errs with
probability 0.1 otherwise. Prints timings and checks the estimates agree to 1e-12.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.metrics import mutual_info_score


def make_runs(k1, k2, n, seed=0):
    rng = np.random.default_rng(seed)
    mask = rng.integers(0, 2, size=(k1, k2, n), dtype=np.uint8)
    loss = (rng.random((k1, k2, n, 2)) < 0.1).astype(np.float64)
    mem = rng.random((k1, k2, n)) < 0.3
    s, r, i = np.nonzero(mem)
    loss[s, r, i, mask[s, r, i]] = 0.0
    loss[s, r, i, 1 - mask[s, r, i]] = 1.0
    return mask, loss


def sklearn_means(mask, loss):
    k1, k2, n = mask.shape
    pair = (2 * loss[..., 0] + loss[..., 1]).astype(np.int64)
    diff = (loss[..., 1] - loss[..., 0]).astype(np.int64)
    e = [mutual_info_score(pair[s, :, i], mask[s, :, i]) for s in range(k1) for i in range(n)]
    d = [mutual_info_score(diff[s, :, i], mask[s, :, i]) for s in range(k1) for i in range(n)]
    pooled = [mutual_info_score(diff[:, :, i].ravel(), mask[:, :, i].ravel()) for i in range(n)]
    return np.mean(e), np.mean(d), np.mean(pooled)


def numpy_means(mask, loss):
    """Vectorised plug-in MI for codes in {0..K-1} and binary U, all pairs at once (axis 1 = runs)."""
    k1, k2, n = mask.shape
    out = []
    for codes, K, pooled in [((2 * loss[..., 0] + loss[..., 1]).astype(np.int8), 4, False),
                             ((loss[..., 1] - loss[..., 0] + 1).astype(np.int8), 3, False),
                             ((loss[..., 1] - loss[..., 0] + 1).astype(np.int8), 3, True)]:
        c = codes.transpose(1, 0, 2).reshape(1, k2 * k1, n) if pooled else codes
        u = mask.transpose(1, 0, 2).reshape(1, k2 * k1, n) if pooled else mask
        joint = np.stack([np.stack([((c == x) & (u == b)).mean(axis=1) for b in (0, 1)], -1) for x in range(K)], -2)
        px = joint.sum(-1, keepdims=True)
        pu = joint.sum(-2, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(joint > 0, joint * np.log(joint / (px * pu)), 0.0)
        out.append(np.maximum(terms.sum(axis=(-1, -2)), 0).mean())
    return tuple(out)


def main():
    exe = sys.argv[1]
    k1, k2, n = (int(a) for a in sys.argv[2:5]) if len(sys.argv) >= 5 else (5, 50, 50000)
    mask, loss = make_runs(k1, k2, n)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "runs.npz")
        np.savez(path, mask=mask, loss=loss)
        t = time.perf_counter()
        out = json.loads(subprocess.run([exe, "cmi", "--runs", path, "--bootstrap", "0"], check=True,
                                        capture_output=True, text=True).stdout)
        t_itbound = time.perf_counter() - t
    est = out["estimates"]
    ours = (est["ecmi_mean"], est["ldcmi_mean"], est["ldmi_mean"])
    t = time.perf_counter()
    vec = numpy_means(mask, loss)
    t_numpy = time.perf_counter() - t
    t = time.perf_counter()
    ref = sklearn_means(mask, loss)
    t_sklearn = time.perf_counter() - t
    print(f"k1={k1} k2={k2} n={n} ({k1 * k2 * n} run-pairs)")
    print(f"itbound cmi (read + e/ld-CMI + ld-MI + bounds): {t_itbound:8.3f} s")
    print(f"NumPy vectorised counts:                        {t_numpy:8.3f} s  ({t_numpy / t_itbound:6.1f}x)")
    print(f"sklearn mutual_info_score per pair:             {t_sklearn:8.3f} s  ({t_sklearn / t_itbound:6.1f}x)")
    for name, a, b, c in zip(["ecmi", "ldcmi", "ldmi"], ours, vec, ref):
        print(f"  {name}_mean itbound {a:.15f}  numpy {b:.15f}  sklearn {c:.15f}")
        assert abs(a - c) < 1e-12 and abs(b - c) < 1e-12, name


if __name__ == "__main__":
    main()
