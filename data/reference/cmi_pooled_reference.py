#!/usr/bin/python3
"""References for the CMI bounds added from the authors' public code (bounds/CMI-BOUNDS.md, derivations 6-8), on
the bundled digits runs (data/examples/digits-{logreg,1nn,tree}.npz, 0-1 losses).

Independent of the C++ code: every plug-in MI is recomputed by brute-force counting of (X, U) pairs in Python
(uncorrected, clamped to [0, ln 2] as the project's plug-in is), and every bound is evaluated in 50-digit mpmath:

  emi-sqrt               train + (1/n) sum_i sqrt(2 I(L_i; U_i)),   L_i the loss pair, pooled over all k1 k2 runs
  emi-binary-kl          sup{R : kl(train || (train + R)/2) <= mean_i I(L_i; U_i)}
  emi-fast-rate          inf c1 train + mean_i I(L_i; U_i) / c0 over exp(c0) + exp(-c0 c1) <= 2
  slmi-sqrt              train + (1/n) sum_i 2 sqrt(2 (I(L_i^0; U_i) + I(L_i^1; U_i)) / 2)
  slmi-fast-rate-closed  train + 4 I + 4 sqrt(I train),  I = mean_i (I(L_i^0; U_i) + I(L_i^1; U_i)) / 2
  ldcmi-interpolating    mean over supersamples s and pairs i of I^{z_s}(Delta_i; U_i) / ln 2

(binary kl and fast rate by the bisections of cmi_bounds_reference.py). Values before capping at the loss range (the
certificates' raw_value). Writes cmi-pooled.csv: run, bound, value.
Also checks derivation 8 numerically: for a fair U and the channel P(D = 1 | U = 0) = a, P(D = -1 | U = 1) = b,
I(D; U) >= ln 2 (a + b) / 2 on a 201 x 201 grid of (a, b).
"""
import csv
import os
import sys

import mpmath as mp
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cmi_bounds_reference import binary_kl, fast_rate  # noqa: E402

mp.mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "examples")


def plug_in_mi(xs, us):
    """Plug-in I(X; U) in nats (mpmath) from paired samples by counting, clamped to [0, ln 2]."""
    counts = {}
    for x, u in zip(xs, us):
        counts.setdefault(x, [0, 0])[int(u)] += 1
    m = len(us)
    cu = [sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())]
    total = mp.mpf(0)
    for c in counts.values():
        cx = c[0] + c[1]
        for u in (0, 1):
            if c[u]:
                total += mp.mpf(c[u]) / m * mp.log(mp.mpf(c[u]) * m / (mp.mpf(cx) * cu[u]))
    return min(max(total, mp.mpf(0)), mp.log(2))


def references(path):
    d = np.load(path)
    mask, loss = d["mask"], d["loss"]
    k1, k2, n = mask.shape
    train = mp.mpf(sum(int(v) for v in np.take_along_axis(loss, mask[..., None].astype(int), axis=3).ravel())) / (k1 * k2 * n)
    emi, slmi, ldcmi = [], [], []
    for i in range(n):
        pairs = [tuple(p) for p in loss[:, :, i, :].reshape(-1, 2)]
        us = mask[:, :, i].ravel()
        emi.append(plug_in_mi(pairs, us))
        slmi.append((plug_in_mi([p[0] for p in pairs], us) + plug_in_mi([p[1] for p in pairs], us)) / 2)
        for s in range(k1):
            ldcmi.append(plug_in_mi(list(loss[s, :, i, 1] - loss[s, :, i, 0]), mask[s, :, i]))
    mean = lambda v: mp.fsum(v) / len(v)
    i_emi, i_sl = mean(emi), mean(slmi)
    return {
        "emi-sqrt": train + mean([mp.sqrt(2 * v) for v in emi]),
        "emi-binary-kl": binary_kl(train, i_emi),
        "emi-fast-rate": fast_rate(train, i_emi),
        "slmi-sqrt": train + mean([2 * mp.sqrt(2 * v) for v in slmi]),
        "slmi-fast-rate-closed": train + 4 * i_sl + 4 * mp.sqrt(i_sl * train),
        "ldcmi-interpolating": mean(ldcmi) / mp.log(2),
    }


def check_derivation_8():
    worst = mp.inf
    for a in np.linspace(0, 1, 201):
        for b in np.linspace(0, 1, 201):
            a_, b_ = mp.mpf(a), mp.mpf(b)
            joint = [(1 - a_) / 2, a_ / 2, (1 - b_) / 2, b_ / 2]  # (D=0,U=0), (D=1,U=0), (D=0,U=1), (D=-1,U=1)
            pd = {0: joint[0] + joint[2], 1: joint[1], -1: joint[3]}
            mi = mp.mpf(0)
            for p, dval in zip(joint, [0, 1, 0, -1]):
                if p > 0:
                    mi += p * mp.log(p / (pd[dval] / 2))
            worst = min(worst, mi - mp.log(2) * (a_ + b_) / 2)
    assert worst >= -mp.mpf(10) ** -40, worst
    return worst


def main():
    print("derivation 8: min over the grid of I(D; U) - ln 2 (a + b)/2 =", mp.nstr(check_derivation_8(), 5))
    out = os.path.join(HERE, "cmi-pooled.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["run", "bound", "value"])
        for run in ["logreg", "1nn", "tree"]:
            for bound, value in references(os.path.join(EXAMPLES, f"digits-{run}.npz")).items():
                w.writerow([run, bound, mp.nstr(value, 25)])
                print(run, bound, mp.nstr(value, 10))
    print(out)


if __name__ == "__main__":
    main()
