#!/usr/bin/python3
"""Benchmark (not a test): `itbound trajectory` on a 10^6-step trajectory file against NumPy computing the same sums.

The file carries the fields of a Langevin run (haghifam-ld with its forecaster, neu-sgld) and of an SGD run (neu-sgd
with measured Gamma, neu-sgd-smooth over an 8-schedule family), seeded synthetic values. Rows, min/median/max over
--repeat runs, one thread each (OMP_NUM_THREADS=1):
  itbound CLI on the JSON lines file (streamed, O(1) memory)      CPU seconds of the process (user + system) [wall]
  itbound CLI on the same steps as NPZ
  NumPy on arrays already in memory (cumsum for the forecaster's running log-likelihood ratio)
  NumPy including np.load of the NPZ (the CLI's like-for-like peer)
  Python json + NumPy on the JSON lines file (one json.loads per line, then the NumPy sums)
and the largest relative difference between itbound's values and NumPy's (the bounds, not the raw sums).

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/trajectory_bench.py build/bin/itbound [--steps 1000000] [--repeat 5]
"""
import argparse
import json
import math
import os
import pathlib
import resource
import statistics
import subprocess
import tempfile
import time

import numpy as np

N, D = 800, 2410
SCALES, RATIOS = [0.01, 0.02, 0.05, 0.1], [1.0, 1.000001]
MU, LOSS_MU = 1.0, 1.0


def synthetic(steps, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "step_size": np.full(steps, 0.5), "inverse_temperature": np.full(steps, 800.0), "batch_size": np.full(steps, float(N)),
        "two_sample_incoherence": rng.exponential(1.0, steps), "noise_alignment": rng.normal(size=steps),
        "gradient_variance": rng.exponential(0.05, steps), "perturbation_std": np.full(steps, 0.001),
        "gradient_sensitivity": np.concatenate([[0.0], rng.exponential(0.01, steps - 1)]),
    }


HEADER = {"dimension": D, "n": N, "smoothness": MU, "loss_smoothness": LOSS_MU, "sigma_scales": SCALES, "sigma_ratios": RATIOS}


def numpy_bounds(a):
    """The same bounds from the per-step arrays, before capping at the loss range [0, 1] (R = 1/2): haghifam-ld
    (plain, forecaster), neu-sgld, neu-sgd's square-root term and neu-sgd-smooth (the least over the family)."""
    eta, var = a["step_size"], 2 * a["step_size"] / a["inverse_temperature"]
    kl = eta**2 * a["two_sample_incoherence"] / (2 * var * N * N)
    llr = -kl - eta / (N * np.sqrt(var)) * a["noise_alignment"]
    before = np.concatenate([[0.0], np.cumsum(llr)[:-1]])  # the forecaster sees W_0..W_t only
    theta = 0.5 * (1 + np.tanh(before / 2))                 # sigmoid
    out = {"plain": math.sqrt(2 * kl.sum()), "forecaster": math.sqrt(2 * float(np.sum(theta**2 * kl))),
           "neu-sgld": math.sqrt(0.25 / N * float(np.sum(eta**2 * a["gradient_variance"] / var))),
           "neu-sgd": math.sqrt(1.0 / N * float(np.sum(eta**2 / a["perturbation_std"] ** 2 *
                                                      (a["gradient_sensitivity"] + a["gradient_variance"]))))}
    t = np.arange(len(eta))
    family = []
    for c in SCALES:
        for r in RATIOS:
            sigma2 = c * c * r ** (2.0 * t)
            level = np.concatenate([[0.0], np.cumsum(sigma2)])
            first = math.sqrt(1.0 / N * float(np.sum(eta**2 / sigma2 * (MU**2 * level[:-1] * D + a["gradient_variance"]))))
            family.append(first + LOSS_MU * level[-1] * D)  # Delta bounded by mu_l sigma_{1:T}^2 d
    out["neu-sgd-smooth"] = min(family)
    return out


def itbound_bounds(result):
    c = {b["name"]: b for b in result["bounds"]}
    h = c["haghifam-ld"]["details"]
    return {"plain": h["plain"], "forecaster": h["forecaster"], "neu-sgld": c["neu-sgld"]["raw_value"],
            "neu-sgd": c["neu-sgd"]["details"]["sqrt_term"], "neu-sgd-smooth": c["neu-sgd-smooth"]["raw_value"]}


def cli(exe, path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([exe, "trajectory", str(path)], capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall, json.loads(out)


def in_process(fn):
    cpu, start = time.process_time(), time.perf_counter()
    value = fn()
    return time.process_time() - cpu, time.perf_counter() - start, value


def read_jsonl(path):
    with open(path) as f:
        next(f)
        rows = [json.loads(line) for line in f if not line.startswith('{"final"')]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exe")
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    arrays = synthetic(args.steps)
    with tempfile.TemporaryDirectory() as tmp:
        jsonl, npz = pathlib.Path(tmp) / "run.jsonl", pathlib.Path(tmp) / "run.npz"
        with open(jsonl, "w") as f:
            f.write(json.dumps(HEADER) + "\n")
            keys = list(arrays)
            for row in zip(*(arrays[k].tolist() for k in keys)):
                f.write(json.dumps(dict(zip(keys, row)), separators=(",", ":")) + "\n")
        np.savez(npz, **{k: v for k, v in HEADER.items() if k not in ("sigma_scales", "sigma_ratios")},
                 sigma_scales=np.array(SCALES), sigma_ratios=np.array(RATIOS), **arrays)
        print(f"{args.steps} steps: JSON lines {jsonl.stat().st_size / 1e6:.0f} MB, NPZ {npz.stat().st_size / 1e6:.0f} MB; "
              f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, {args.repeat} repeats")
        rows = {
            "itbound CLI, JSON lines": lambda: cli(args.exe, jsonl),
            "itbound CLI, NPZ": lambda: cli(args.exe, npz),
            "NumPy, arrays in memory": lambda: in_process(lambda: numpy_bounds(arrays)),
            "NumPy incl. np.load (NPZ)": lambda: in_process(lambda: numpy_bounds(dict(np.load(npz)))),
            "Python json + NumPy (JSON lines)": lambda: in_process(lambda: numpy_bounds(read_jsonl(jsonl))),
        }
        results, values = {}, {}
        for name, fn in rows.items():
            runs = [fn() for _ in range(args.repeat if "json +" not in name else max(1, args.repeat // 3))]
            results[name] = runs
            v = runs[-1][2]
            values[name] = itbound_bounds(v) if name.startswith("itbound") else v
        reference = values["NumPy, arrays in memory"]
        print(f"{'':34s} {'CPU s min / median / max':>28s}   {'wall s median':>13s}   max rel. diff vs NumPy")
        for name, runs in results.items():
            cpu = [r[0] for r in runs]
            diff = max(abs(values[name][k] - reference[k]) / reference[k] for k in reference)
            print(f"{name:34s} {min(cpu):8.3f} / {statistics.median(cpu):6.3f} / {max(cpu):6.3f}   "
                  f"{statistics.median(r[1] for r in runs):13.3f}   {diff:.1e}")
        print("values (NumPy):", {k: round(v, 6) for k, v in reference.items()})


if __name__ == "__main__":
    main()
