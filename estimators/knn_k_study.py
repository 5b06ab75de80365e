"""Bias and spread of itbound's k-NN supersample estimators against k, on losses with known information.

Synthetic runs (1 supersample, n = 400 pairs, k2 runs), the trained and held-out member's losses independent:
  gauss(mu)    trained ~ N(0, 1), held-out ~ N(mu, 1). The likelihood ratio of U depends on the pair only
               through Delta = L^1 - L^0 (log p0/p1 = mu Delta), so e-CMI = ld-CMI = I(Delta; U) with
               Delta | U ~ N(+-mu, 2): smooth densities, integrated numerically (scipy quad).
  uniform(t)   trained ~ U[0, 1], held-out ~ U[t, 1 + t]: densities with edges. e-CMI = ln 2 (1 - (1 - t)^2)
               (given U they overlap on [t, 1]^2 only); ld-CMI = I(Delta; U), Delta | U=0 triangular on
               [t - 1, t + 1] and its mirror given U=1, integrated numerically.
mu = 0 (or t = 0) is the independent case. For each case, k2 and k the script runs
`itbound.cmi(..., estimator="knn", k=k)` (the production code path) and records, per measure: the bias of the
raw mean estimate, the standard deviation of one pair's raw estimate, and the bias of the term the
square-root bound uses, (1/n) sum_i sqrt(2 max(0, I_i)) - sqrt(2 I).

Writes estimators/KNN-K.png and prints the table summarised in estimators/KNN-K.md. Needs the Python
module: PYTHONPATH=build/python /usr/bin/python3 estimators/knn_k_study.py
"""
import math
import os
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy import integrate, stats

import itbound

N_PAIRS = 400
CASES = [("gauss", 0.0), ("gauss", 0.3), ("gauss", 1.0), ("uniform", 0.1), ("uniform", 0.4)]
K2S = [10, 20, 50, 100]
KS = [1, 2, 3, 4, 6, 8, 12, 16]
RANGE = {"gauss": (-9.0, 10.0), "uniform": (0.0, 2.0)}


def mixture_mi(f0, f1, edges):
    """I(X; U) for a fair U and densities f0, f1 of X given U, integrated piecewise between `edges`."""

    def integrand(x):
        a, b = f0(x), f1(x)
        return sum(0.5 * f * math.log(2 * f / (a + b)) for f in (a, b) if f > 0)

    return sum(integrate.quad(integrand, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
               for lo, hi in zip(edges, edges[1:]))


def exact(family, p):
    if family == "gauss":
        sd = math.sqrt(2)
        i = mixture_mi(lambda d: stats.norm.pdf(d, p, sd), lambda d: stats.norm.pdf(d, -p, sd), [-20, 0, 20])
        return {"ecmi": i, "ldcmi": i}
    tri = lambda t: max(0.0, 1.0 - abs(t))
    edges = sorted({-1 - p, -p, p - 1, 0.0, 1 - p, p, 1 + p})
    return {"ecmi": math.log(2) * (1 - (1 - p) ** 2),
            "ldcmi": mixture_mi(lambda d: tri(d - p), lambda d: tri(d + p), edges)}


def write_runs(path, family, p, k2, seed):
    rng = np.random.default_rng(seed)
    mask = rng.integers(0, 2, size=(1, k2, N_PAIRS)).astype(np.uint8)
    if family == "gauss":
        train, held = rng.normal(0, 1, mask.shape), p + rng.normal(0, 1, mask.shape)
    else:
        train, held = rng.uniform(0, 1, mask.shape), p + rng.uniform(0, 1, mask.shape)
    loss = np.where(mask[..., None] == 0, np.stack([train, held], -1), np.stack([held, train], -1))
    np.savez(path, mask=mask, loss=np.clip(loss, *RANGE[family]))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for ci, (family, p) in enumerate(CASES):
            truth = exact(family, p)
            lo, hi = RANGE[family]
            for k2 in K2S:
                path = os.path.join(tmp, f"runs-{ci}-{k2}.npz")
                write_runs(path, family, p, k2, seed=1000 * ci + k2)
                for k in KS:
                    out = itbound.cmi(runs=path, loss_min=lo, loss_max=hi, estimator="knn", k=k, bootstrap=0).to_dict()
                    bounds = {b["name"]: b for b in out["bounds"]}
                    for m in ("ecmi", "ldcmi"):
                        rows.append(dict(case=ci, measure=m, k2=k2, k=k, exact=truth[m],
                                         bias=out["estimates"][f"{m}_mean"] - truth[m],
                                         sd=out["knn"][m]["pair_sd"],
                                         sqrt_bias=bounds[f"{m}-sqrt"]["gap_bound"] / (hi - lo) - math.sqrt(2 * truth[m])))
    measures = {"ecmi": "e-CMI (2-d loss pair)", "ldcmi": "ld-CMI (1-d difference)"}
    fig, axes = plt.subplots(4, len(CASES), figsize=(19, 12.5), sharex=True)
    for ci, (family, p) in enumerate(CASES):
        for mi, m in enumerate(measures):
            sel = [r for r in rows if r["case"] == ci and r["measure"] == m]
            top, bottom = axes[2 * mi, ci], axes[2 * mi + 1, ci]
            for j, k2 in enumerate(K2S):
                rs = [r for r in sel if r["k2"] == k2]
                ks = [r["k"] for r in rs]
                top.plot(ks, [r["sqrt_bias"] for r in rs], "o-", color=f"C{j}", label=f"k2 = {k2}")
                bottom.plot(ks, [r["sd"] for r in rs], "o-", color=f"C{j}")
            top.axhline(0, color="k", lw=0.8)
            bottom.set_ylim(bottom=0)
            label = {"gauss": "mu", "uniform": "t"}[family]
            top.set_title(f"{measures[m]}, {family}({label} = {p}): I = {sel[0]['exact']:.3f}", fontsize=9)
            if ci == 0:
                top.set_ylabel("bias of mean sqrt(2 max(0, I_i))\nvs sqrt(2 I)", fontsize=9)
                bottom.set_ylabel("sd of one pair's\nraw estimate (nats)", fontsize=9)
    for ax in axes[-1]:
        ax.set_xscale("log", base=2)
        ax.set_xlabel("k")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"k-NN (Ross 2014) supersample estimators against k: {N_PAIRS} pairs of k2 runs each; "
                 "gauss: smooth loss densities, uniform: densities with edges", fontsize=11)
    fig.tight_layout()
    png = os.path.join(here, "KNN-K.png")
    fig.savefig(png, dpi=64)
    print(png)
    print("case measure   k2   k   exact   bias_raw_mean   bias_sqrt_term   sd_pair")
    for r in rows:
        family, p = CASES[r["case"]]
        print(f"{family}({p}) {r['measure']:6s} {r['k2']:4d} {r['k']:3d} {r['exact']:.4f} {r['bias']:+.4f} "
              f"{r['sqrt_bias']:+.4f} {r['sd']:.4f}")


if __name__ == "__main__":
    main()
