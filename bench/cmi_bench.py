#!/usr/bin/python3
"""Supersample CMI reductions: itbound against the same plug-in estimates computed with a vectorised NumPy count
and with scikit-learn's mutual_info_score per pair.

Usage: bench/cmi_bench.py ITBOUND_EXE [k1 k2 n] [--repeat R] [--sklearn-pairs P]
  (default 5 50 50000, the issue's target size; with PYTHONPATH=<build>/python the in-memory Python entry point
  itbound.supersample_stats + cmi_from_stats is timed too)

Synthetic 0-1 runs: a learner that memorises each trained point with probability 0.3 and errs with probability 0.1
otherwise. Rows:
  itbound cmi           the CLI end to end: process start, reading the float64 NPZ file, e/ld-CMI, ld-MI, bounds
  NumPy + np.load       the NumPy peer end to end from the same file (the CLI's like-for-like peer)
  itbound (in memory)   the same estimates from the arrays already in memory (itbound.supersample_stats +
                        cmi_from_stats, arrays viewed without a copy), like the NumPy peer below
  NumPy                 vectorised counts over all pairs at once, arrays in memory
  sklearn               mutual_info_score per pair; with --sklearn-pairs P only the first P pairs are timed and the
                        time is scaled to all n (its cost is the same for every pair)
Each is run R times (sklearn once); the table shows the fastest wall and CPU time and the ratios to the CLI's.
CPU time is what the machine load disturbs least. Every estimate must agree to 1e-12 (sklearn's per pair).
"""
import argparse
import json
import os
import resource
import statistics
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


def sklearn_per_pair(mask, loss, pairs):
    """Per pair i < pairs: e-CMI and ld-CMI averaged over supersamples, and pooled ld-MI."""
    k1 = mask.shape[0]
    pair = (2 * loss[..., 0] + loss[..., 1]).astype(np.int64)
    diff = (loss[..., 1] - loss[..., 0]).astype(np.int64)
    e = [np.mean([mutual_info_score(pair[s, :, i], mask[s, :, i]) for s in range(k1)]) for i in range(pairs)]
    d = [np.mean([mutual_info_score(diff[s, :, i], mask[s, :, i]) for s in range(k1)]) for i in range(pairs)]
    pooled = [mutual_info_score(diff[:, :, i].ravel(), mask[:, :, i].ravel()) for i in range(pairs)]
    return np.array(e), np.array(d), np.array(pooled)


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


def timed(fn):
    """(result, wall seconds, CPU seconds of this process and its finished children)."""
    def cpu():
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    c, t = cpu(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t, cpu() - c


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe")
    parser.add_argument("shape", nargs="*", type=int, default=[5, 50, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sklearn-pairs", type=int, default=0, help="pairs timed for sklearn (0: all)")
    args = parser.parse_args()
    k1, k2, n = args.shape
    pairs = args.sklearn_pairs or n
    mask, loss = make_runs(k1, k2, n)
    rows = {}

    def run(name, fn, repeat):
        results = [timed(fn) for _ in range(repeat)]
        rows[name] = (min(r[1] for r in results), min(r[2] for r in results), statistics.median(r[1] for r in results))
        return results[0][0]

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "runs.npz")
        np.savez(path, mask=mask, loss=loss)
        argv = [args.exe, "cmi", "--runs", path, "--bootstrap", "0"]
        cli = lambda *extra: json.loads(subprocess.run(argv + list(extra), check=True, capture_output=True, text=True).stdout)
        est = run("itbound cmi (CLI, file read included)", cli, args.repeat)["estimates"]
        per = cli("--per-pair")["per_pair"]  # untimed: 3n numbers printed with 17 digits

        def load_and_count():
            with np.load(path) as z:
                return numpy_means(z["mask"], z["loss"])
        run("NumPy: np.load of the file + counts", load_and_count, args.repeat)
    ours = (est["ecmi_mean"], est["ldcmi_mean"], est["ldmi_mean"])
    try:
        import itbound
        mem = run("itbound in memory (Python, arrays)",
                  lambda: itbound.cmi_from_stats(itbound.supersample_stats(mask, loss)).estimates, args.repeat)
        assert (mem["ecmi_mean"], mem["ldcmi_mean"], mem["ldmi_mean"]) == ours
    except ImportError:
        print("(itbound Python module not on PYTHONPATH: in-memory row skipped)")
    vec = run("NumPy vectorised counts (arrays)", lambda: numpy_means(mask, loss), args.repeat)
    ref = run("sklearn mutual_info_score per pair", lambda: sklearn_per_pair(mask, loss, pairs), 1)
    if pairs < n:
        wall, cpu, med = rows["sklearn mutual_info_score per pair"]
        rows[f"sklearn per pair (first {pairs} pairs, scaled to {n})"] = (wall * n / pairs, cpu * n / pairs, med * n / pairs)
        del rows["sklearn mutual_info_score per pair"]

    print(f"k1={k1} k2={k2} n={n} ({k1 * k2 * n} run-pairs), best of {args.repeat} (sklearn: one run)")
    base_wall, base_cpu, _ = rows["itbound cmi (CLI, file read included)"]
    print(f"{'':52s} {'wall s':>8s} {'CPU s':>8s} {'median':>8s}   {'wall / CLI':>10s} {'CPU / CLI':>10s}")
    for name, (wall, cpu, med) in rows.items():
        print(f"{name:52s} {wall:8.3f} {cpu:8.3f} {med:8.3f}   {wall / base_wall:9.2f}x {cpu / base_cpu:9.2f}x")
    for name, a, b in zip(["ecmi", "ldcmi", "ldmi"], ours, vec):
        print(f"  {name}_mean itbound {a:.15f}  numpy {b:.15f}")
        assert abs(a - b) < 1e-12, name
    for name, mine, theirs in zip(["ecmi", "ldcmi", "ldmi"], [per["ecmi"], per["ldcmi"], per["ldmi"]], ref):
        worst = np.max(np.abs(np.array(mine[:pairs]) - theirs))
        print(f"  {name} per pair: largest difference from sklearn over {pairs} pairs {worst:.1e}")
        assert worst < 1e-12, name
    if pairs == n:
        assert all(abs(a - np.mean(r)) < 1e-12 for a, r in zip(ours, ref))


if __name__ == "__main__":
    sys.exit(main())
