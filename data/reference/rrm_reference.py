#!/usr/bin/python3
"""References for `itbound rrm` (bounds/rrm.hpp) on the bundled example data/examples/digits-rrm.npz, recomputed
independently: accuracies by counting, every plug-in MI by counting the (E, N) pairs with 50-digit mpmath
(E = (prediction - y) mod C, N = (noisy label - y) mod C; clamped to [0, ln C] as the estimator is), Miller-Madow as
plug-in + (k_E + k_N - k_EN - 1) / (2m) (Miller 1955), then (bounds/RRM.md)

  memorization bound = sqrt(information / 2) / eta     (information = C^pc / n, or C^dc pooled)
  rrm bound          = robustness + memorization bound + max(rationality, 0)

Writes rrm.csv: quantity, value (25 digits). Run: /usr/bin/python3 data/reference/rrm_reference.py
"""
import csv
import os
from collections import Counter

import mpmath as mp
import numpy as np

mp.mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))


def plug_in(pairs, classes, miller_madow=False):
    m = len(pairs)
    joint, ce, cn = Counter(pairs), Counter(e for e, _ in pairs), Counter(v for _, v in pairs)
    mi = mp.fsum(mp.mpf(c) / m * mp.log(mp.mpf(c) * m / (ce[e] * cn[v])) for (e, v), c in joint.items())
    if miller_madow:
        mi += mp.mpf(len(ce) + len(cn) - len(joint) - 1) / (2 * m)
    return min(max(mi, mp.mpf(0)), mp.log(classes))


def main():
    d = np.load(os.path.join(HERE, "..", "examples", "digits-rrm.npz"))
    y, clean, noisy_y, noisy_pred = d["y"].astype(int), d["clean_pred"].astype(int), d["noisy_labels"].astype(int), \
        d["noisy_pred"].astype(int)
    C, eta = int(d["num_classes"]), mp.mpf(float(d["eta"]))
    K, n = noisy_y.shape
    E, N = (noisy_pred - y) % C, (noisy_y - y) % C
    frac = lambda a, b: mp.mpf(int(a)) / int(b)
    train0 = frac(np.sum(clean == y), n)
    train_eta = frac(np.sum(E == 0), K * n)
    ntrain = frac(np.sum((E == 0) & (N != 0)), np.sum(N != 0))
    test = frac(np.sum(d["test_pred"] == d["test_y"]), len(d["test_y"]))
    per = [plug_in(list(zip(E[:, i], N[:, i])), C) for i in range(n)]
    per_mm = [plug_in(list(zip(E[:, i], N[:, i])), C, True) for i in range(n)]
    pairs = list(zip(E.ravel(), N.ravel()))
    rob, memo, rat = train0 - train_eta, train_eta - ntrain, ntrain - test
    bound = lambda info: mp.sqrt(info / 2) / eta
    values = {
        "train_accuracy_clean": train0, "train_noisy": train_eta, "noised_train": ntrain, "test_accuracy": test,
        "gap": train0 - test, "robustness": rob, "memorization": memo, "rationality": rat,
        "per_example_mean": mp.fsum(per) / n, "per_example_mean_mm": mp.fsum(per_mm) / n,
        "pooled": plug_in(pairs, C), "pooled_mm": plug_in(pairs, C, True),
    }
    values["memorization-pc"] = bound(values["per_example_mean"])
    values["memorization-pc-miller-madow"] = bound(values["per_example_mean_mm"])
    values["memorization-dc"] = bound(values["pooled"])
    values["rrm"] = rob + min(values["memorization-pc"], 1) + max(rat, 0)
    values["rrm-dc"] = rob + min(values["memorization-dc"], 1) + max(rat, 0)
    out = os.path.join(HERE, "rrm.csv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["quantity", "value"])
        for k, v in values.items():
            w.writerow([k, mp.nstr(v, 25)])
            print(k, mp.nstr(v, 10))
    print(out)


if __name__ == "__main__":
    main()
