#!/usr/bin/python3
"""Supersample CMI: `itbound cmi` (estimates, bounds and their default interval) against the same plug-in estimates
computed with a vectorised NumPy count and with scikit-learn's mutual_info_score per pair.

Usage: bench/cmi_bench.py ITBOUND_EXE [k1 k2 n] [--dtype uint8|float64] [--repeat R] [--sklearn-pairs P]
       [--sizes N ...] [--bootstrap]
  (default 5 50 50000 uint8: the issue's target, 37.5 MB of runs; with PYTHONPATH=<build>/python the in-memory
  Python entry point itbound.supersample_stats + cmi_from_stats is timed too)

Synthetic 0-1 runs: a learner that memorises each trained point with probability 0.3 and errs with probability 0.1
otherwise. Rows:
  itbound cmi             the CLI end to end with its default interval (delete-one-run jackknife): process start,
                          reading the NPZ file, e/ld-CMI, ld-MI, bounds, intervals
  itbound cmi --interval none   the same without the interval
  itbound cmi --interval bootstrap   the percentile bootstrap (200 replicates), with --bootstrap only (slow)
  NumPy + np.load         the NumPy peer end to end from the same file: estimates only, no interval
  itbound (in memory)     the estimates from the arrays already in memory (itbound.supersample_stats +
                          cmi_from_stats, arrays viewed without a copy), like the NumPy peer below
  NumPy                   vectorised counts over all pairs at once, arrays in memory
  sklearn                 mutual_info_score per pair; with --sklearn-pairs P only the first P pairs are timed and the
                          time is scaled to all n (its cost is the same for every pair)
Each is run R times (sklearn once); the table shows min / median / max of the CPU time (user + system of the
process and its children; with threads, summed over them) and the median wall time. --sizes N ... also times the
CLI's default path at those n (same k1, k2): CPU time per element shows whether it is linear in n.
Every estimate must agree to 1e-12 (sklearn's per pair).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # NumPy and sklearn single-threaded; must precede the NumPy import

import numpy as np  # noqa: E402
from sklearn.metrics import mutual_info_score  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import fmt, machine, repeat  # noqa: E402


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe")
    parser.add_argument("shape", nargs="*", type=int, default=[5, 50, 50000])
    parser.add_argument("--dtype", choices=["uint8", "float64"], default="uint8")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--sklearn-pairs", type=int, default=0, help="pairs timed for sklearn (0: all)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[], help="more n for the CLI's default path")
    parser.add_argument("--bootstrap", action="store_true", help="also time --interval bootstrap (slow)")
    args = parser.parse_args()
    k1, k2, n = args.shape
    pairs = args.sklearn_pairs or n
    mask, loss = make_runs(k1, k2, n)
    rows = {}

    def run(name, fn, times):
        result, t = repeat(fn, times)
        rows[name] = t
        return result

    def cli_on(path, *extra):
        argv = [args.exe, "cmi", "--runs", path, *extra]
        return lambda: json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)

    scaling = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "runs.npz")
        np.savez(path, mask=mask, loss=loss.astype(args.dtype))
        size_mb = os.path.getsize(path) / 1e6
        default = run("itbound cmi (CLI, default: jackknife interval)", cli_on(path), args.repeat)
        est = default["estimates"]
        run("itbound cmi --interval none (CLI)", cli_on(path, "--interval", "none"), args.repeat)
        if args.bootstrap:
            run("itbound cmi --interval bootstrap (CLI, 200 replicates)", cli_on(path, "--interval", "bootstrap"), 1)
        per = cli_on(path, "--interval", "none", "--per-pair")()["per_pair"]  # untimed: 3n numbers with 17 digits

        def load_and_count():
            with np.load(path) as z:
                return numpy_means(z["mask"], z["loss"])
        run("NumPy: np.load of the file + counts (no interval)", load_and_count, args.repeat)
        for m in args.sizes:
            p = os.path.join(tmp, f"runs{m}.npz")
            mm, ll = make_runs(k1, k2, m, seed=1)
            np.savez(p, mask=mm, loss=ll.astype(args.dtype))
            del mm, ll
            _, t = repeat(cli_on(p), max(3, args.repeat // 2))
            scaling.append((m, t))
            os.remove(p)
    ours = (est["ecmi_mean"], est["ldcmi_mean"], est["ldmi_mean"])
    try:
        import itbound
        mem = run("itbound in memory (Python, arrays; no interval)",
                  lambda: itbound.cmi_from_stats(itbound.supersample_stats(mask, loss)).estimates, args.repeat)
        assert (mem["ecmi_mean"], mem["ldcmi_mean"], mem["ldmi_mean"]) == ours
    except ImportError:
        print("(itbound Python module not on PYTHONPATH: in-memory row skipped)")
    vec = run("NumPy vectorised counts (arrays; no interval)", lambda: numpy_means(mask, loss), args.repeat)
    ref = run("sklearn mutual_info_score per pair", lambda: sklearn_per_pair(mask, loss, pairs), 1)
    if pairs < n:
        rows[f"sklearn per pair (first {pairs} pairs, scaled to {n})"] = rows.pop("sklearn mutual_info_score per pair").scaled(n / pairs)

    print(f"k1={k1} k2={k2} n={n} ({k1 * k2 * n} run-pairs), losses {args.dtype} ({size_mb:.1f} MB NPZ), "
          f"{args.repeat} runs each (sklearn, bootstrap: one)")
    print(f"machine: {machine()}")
    print(f"threads: itbound's estimates and jackknife use the hardware's threads ({os.cpu_count()} here) for runs "
          "of a million elements or more (pin with taskset for one core); NumPy and sklearn single-threaded "
          "(OMP/OPENBLAS/MKL_NUM_THREADS=1)")
    base = statistics.median(rows["itbound cmi (CLI, default: jackknife interval)"].cpu)
    print(f"{'':56s} {'CPU ms min / median / max':>30s} {'wall ms':>8s} {'CPU / CLI default':>18s}")
    for name, t in rows.items():
        print(f"{name:56s} {fmt(t.cpu, 1e3)} {1e3 * statistics.median(t.wall):8.1f} "
              f"{statistics.median(t.cpu) / base:17.2f}x")
    for m, t in [(n, rows["itbound cmi (CLI, default: jackknife interval)"])] + scaling:
        print(f"  CLI default path at n={m}: CPU {fmt(t.cpu, 1e3)} ms, "
              f"{1e9 * statistics.median(t.cpu) / (k1 * k2 * m):.2f} ns per run-pair")
    for name, a, b in zip(["ecmi", "ldcmi", "ldmi"], ours, vec):
        print(f"  {name}_mean itbound {a:.15f}  numpy {b:.15f}")
        assert abs(a - b) < 1e-12, name
    for name, mine, theirs in zip(["ecmi", "ldcmi", "ldmi"], [per["ecmi"], per["ldcmi"], per["ldmi"]], ref):
        worst = np.max(np.abs(np.array(mine[:pairs]) - theirs))
        print(f"  {name} per pair: largest difference from sklearn over {pairs} pairs {worst:.1e}")
        assert worst < 1e-12, name
    if pairs == n:
        assert all(abs(a - np.mean(r)) < 1e-12 for a, r in zip(ours, ref))
    interval = default["interval"]
    print(f"  default interval: {interval['method']}, level {interval['level']}; e-CMI mean {est['ecmi_mean']:.6f} in "
          f"[{est['ecmi_interval'][0]:.6f}, {est['ecmi_interval'][1]:.6f}]")


if __name__ == "__main__":
    sys.exit(main())
