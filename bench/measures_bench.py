#!/usr/bin/python3
"""Ranking measures (`itbound measures`): itbound against a vectorised NumPy implementation of the same two
statistics (robust sign-error, PGDL score) on a generated grid of 10^4 runs and 30 measures.

Usage: PYTHONPATH=<build>/python bench/measures_bench.py ITBOUND_EXE [--repeat R] [--numpy-repeat Q]

Two grids of 10,000 runs: A = 5 hyper-parameters (5 x 5 x 4 x 4 x 5 = 2,000 combinations) x 5 seeds, and
B = 4 hyper-parameters (400 combinations) x 25 seeds; 30 measures, gaps rounded to 1e-4 (ties), noise filter with
n = 10,000 test examples (default min-ess 12). Rows:
  itbound measures (CLI)   process start, parsing the CSV (10^4 rows x 37 columns), both statistics, JSON out
  itbound.measures         the Python entry point on a DataFrame (columns copied to the core, no file)
  NumPy                    every environment at once as (E, S, S, K) arrays (the grid is balanced: S seeds each),
                           PGDL by np.bincount over the M x M model pairs per hyper-parameter pair and measure
                           (columns `robust` and `pgdl` split its time); per-combination means with math.fsum as
                           itbound's (so ties agree)
CPU seconds (min / median / max over the repeats) and wall-clock; ratio to itbound.measures; the largest difference
of any sign-error statistic and of any PGDL score between itbound and NumPy. One thread everywhere: itbound's
measures code is single-threaded, NumPy makes no BLAS calls here.
"""
import argparse
import itertools
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

import itbound

K = 30


def make_grid(levels, seeds, seed=0):
    rng = np.random.default_rng(seed)
    combos = np.array(list(itertools.product(*[range(n) for n in levels])))
    rows = np.repeat(combos, seeds, axis=0)
    n = len(rows)
    gap = np.round((rows @ rng.uniform(0.005, 0.03, len(levels)) + rng.normal(0, 0.01, n)) * 1e4) / 1e4
    df = pd.DataFrame(rows * np.array([0.01, 1, 1, 100, 1][:len(levels)]), columns=[f"h{i}" for i in range(len(levels))])
    df["seed"] = np.tile(np.arange(seeds), len(combos))
    df["gap"] = gap
    for j in range(K):
        df[f"m{j}"] = gap * rng.uniform(-1, 1) + rng.normal(0, 0.02 * (j + 1) / K, n)
    return df


def numpy_robust(df, hps, measures, test_size, min_ess):
    """Sign-error statistics per measure (mean, p90, max over kept environments, both orders)."""
    codes = [np.unique(df[h], return_inverse=True) for h in hps]
    levels = np.array([len(c[0]) for c in codes])
    idx = np.column_stack([c[1] for c in codes])
    stride = np.array([np.prod(levels[i + 1:]) for i in range(len(levels))])  # mixed radix, last one fastest
    code = idx @ stride
    order = np.argsort(code, kind="stable")
    runs_code = code[order]
    combos, first = np.unique(runs_code, return_index=True)
    seeds = len(order) // len(combos)
    g = df["gap"].to_numpy()[order].reshape(len(combos), seeds)
    c = df[measures].to_numpy()[order].reshape(len(combos), seeds, len(measures))
    where = np.full(int(np.prod(levels)), -1)
    where[combos] = np.arange(len(combos))
    cidx = idx[order][first]
    p_all, q_all = [], []
    for i in range(len(hps)):
        for delta in range(1, levels[i]):
            p = np.nonzero(cidx[:, i] + delta < levels[i])[0]
            q = where[combos[p] + delta * stride[i]]
            keep = q >= 0
            p_all.append(p[keep]), q_all.append(q[keep])
    p, q = np.concatenate(p_all), np.concatenate(q_all)
    d = g[p][:, :, None] - g[q][:, None, :]
    psi = np.maximum(0.0, 1.0 - 2.0 * np.exp(-2.0 * test_size * (np.abs(d) / 2.0) ** 2)) ** 2
    w = np.where(psi > 0.5, psi - 0.5, 0.0)
    total, squares = w.sum(axis=(1, 2)), (w * w).sum(axis=(1, 2))
    ess = total ** 2 / np.where(np.isclose(total, 0.0), 1.0, squares)
    kept = (total > 0) & ((ess > min_ess) | np.isclose(ess, min_ess))
    p, q, w, d, total = p[kept], q[kept], w[kept], d[kept], total[kept]
    ws = w * np.sign(d)
    signed = np.zeros((len(p), len(measures)))
    for start in range(0, len(p), 2000):  # bounded memory: (chunk, S, S, K)
        sl = slice(start, start + 2000)
        sc = np.sign(c[p[sl]][:, :, None, :] - c[q[sl]][:, None, :, :])
        signed[sl] = np.einsum("ejk,ejkm->em", ws[sl], sc)
    loss = (total[:, None] - signed) / (2.0 * total[:, None])
    both = np.concatenate([loss, loss])
    return {m: (both[:, j].mean(), np.percentile(both[:, j], 90), both[:, j].max()) if len(both) else (None,) * 3
            for j, m in enumerate(measures)}


def numpy_pgdl(df, hps, measures):
    groups = df.groupby(hps, sort=True)
    means = groups[["gap"] + measures].agg(lambda s: math.fsum(s) / len(s)).reset_index()
    g = means["gap"].to_numpy()
    gpos = (g[:, None] > g[None, :]).ravel()
    lv = {h: np.unique(means[h], return_inverse=True)[1] for h in hps}
    scores = {m: math.inf for m in measures}
    cpos = {m: (means[m].to_numpy()[:, None] > means[m].to_numpy()[None, :]).ravel() for m in measures}
    for a, b in itertools.combinations(hps, 2):
        nb = lv[b].max() + 1
        group = lv[a] * nb + lv[b]
        cells = (lv[a].max() + 1) * nb
        cell = (group[:, None] * cells + group[None, :]).ravel()
        base = cell * 4 + 2 * gpos
        for m in measures:
            t = np.bincount(base + cpos[m], minlength=cells * cells * 4).reshape(-1, 2, 2).astype(float)
            p = t / t.sum(axis=(1, 2), keepdims=True)
            pg, pc = p.sum(axis=2, keepdims=True), p.sum(axis=1, keepdims=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                mi = np.where(p > 0, p * np.log2(p / (pg * pc)), 0.0).sum(axis=(1, 2))
                h = -np.where(pg > 0, pg * np.log2(pg), 0.0).sum(axis=(1, 2))
            scores[m] = min(scores[m], 0.0 if h.mean() == 0 else 100.0 * mi.mean() / h.mean())
    return scores


def timed(f, repeat):
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = f()
        cpu.append(time.process_time() - c0), wall.append(time.perf_counter() - w0)
    return cpu, wall, out


def timed_cli(args, repeat):
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        r = subprocess.run(args, capture_output=True, text=True, check=True)
        wall.append(time.perf_counter() - w0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        out = json.loads(r.stdout)
    return cpu, wall, out


def spread(xs):
    return f"{min(xs):.3f} / {statistics.median(xs):.3f} / {max(xs):.3f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("itbound")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--numpy-repeat", type=int, default=3)
    a = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    print(f"threads: itbound 1 (single-threaded), NumPy 1 (no BLAS calls); python {sys.version.split()[0]}, "
          f"numpy {np.__version__}; repeats: itbound {a.repeat}, NumPy {a.numpy_repeat}")
    measures = [f"m{j}" for j in range(K)]
    for name, levels, seeds in [("A", [5, 5, 4, 4, 5], 5), ("B", [5, 5, 4, 4], 25)]:
        df = make_grid(levels, seeds)
        hps = [f"h{i}" for i in range(len(levels))]
        kw = dict(gap="gap", hparams=hps, measures=measures, seed="seed", test_size=10000)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "runs.csv")
            df.to_csv(path, index=False, float_format="%.17g")
            cli = [a.itbound, "measures", path, "--gap", "gap", "--hparams", ",".join(hps), "--measures",
                   ",".join(measures), "--seed", "seed", "--test-size", "10000"]
            cli_cpu, cli_wall, cli_out = timed_cli(cli, a.repeat)
        py_cpu, py_wall, r = timed(lambda: itbound.measures(df, **kw), a.repeat)
        rob_cpu, rob_wall, rob = timed(lambda: numpy_robust(df, hps, measures, 10000, 12.0), a.numpy_repeat)
        pg_cpu, pg_wall, pg = timed(lambda: numpy_pgdl(df, hps, measures), a.numpy_repeat)
        got = {m.name: m for m in r.measures}
        assert {m["name"]: m["robust"] for m in cli_out["measures"]} == {m: got[m].robust.to_dict() for m in measures}
        diff_robust = max(abs(getattr(got[m].robust, k) - v)
                          for m in measures for k, v in zip(("mean", "p90", "max"), rob[m]) if v is not None)
        diff_pgdl = max(abs(got[m].pgdl - pg[m]) for m in measures)
        numpy_cpu = [x + y for x, y in zip(rob_cpu, pg_cpu)]
        print(f"\ngrid {name}: {len(df)} runs, {r.combinations} combinations x {seeds} seeds, {len(hps)} "
              f"hyper-parameters, {K} measures; {r.environments_kept} environments kept, {r.environments_dropped} "
              f"dropped")
        print(f"{'':28s}{'CPU s min / median / max':>28s}{'wall s (median)':>17s}{'vs itbound.measures':>22s}")
        med = statistics.median(py_cpu)
        for label, cpu, wall in [("itbound measures (CLI)", cli_cpu, cli_wall), ("itbound.measures", py_cpu, py_wall),
                                 ("NumPy (robust + PGDL)", numpy_cpu, [x + y for x, y in zip(rob_wall, pg_wall)]),
                                 ("  NumPy robust", rob_cpu, rob_wall), ("  NumPy PGDL", pg_cpu, pg_wall)]:
            print(f"{label:28s}{spread(cpu):>28s}{statistics.median(wall):>17.3f}"
                  f"{statistics.median(cpu) / med:>21.1f}x")
        print(f"max |itbound - NumPy|: sign-error statistics {diff_robust:.1e}, PGDL scores {diff_pgdl:.1e}")


if __name__ == "__main__":
    main()
