#!/usr/bin/python3
"""50-digit references for bounds/compression.hpp (Steinke & Zakynthinou 2020, COLT, PMLR 125, Theorems 2 and 7).

Writes compression.csv with columns n, k, unordered, train, cmi, sqrt, fast_rate for losses in [0, 1]:
  cmi       = min(k ln(2n), n ln 2)            (ordered k-tuple)
            = min(ln C(2n, k), n ln 2)         (unordered set of exactly k), ln C from mpmath's log-gamma
  sqrt      = min(1, train + sqrt(2 cmi / n))  (Theorem 2 (1))
  fast_rate = min(1, 2 train + 3 cmi / n)      (Theorem 2 (3))
"""
import csv
import os

import mpmath as mp

mp.mp.dps = 50
SIZES = [1, 10, 150, 898, 1000000]
TRAIN = ["0", "0.05"]


def cmi(n, k, unordered):
    n, k = mp.mpf(n), mp.mpf(k)
    c = mp.loggamma(2 * n + 1) - mp.loggamma(k + 1) - mp.loggamma(2 * n - k + 1) if unordered else k * mp.log(2 * n)
    return min(c, n * mp.log(2))


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compression.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["n", "k", "unordered", "train", "cmi", "sqrt", "fast_rate"])
        for n in SIZES:
            for k in sorted(k for k in {0, 1, 2, 10, n // 2, n} if k <= n):
                for unordered in (0, 1):
                    c = cmi(n, k, unordered)
                    for t in TRAIN:
                        train = mp.mpf(t)
                        sq = min(mp.mpf(1), train + mp.sqrt(2 * c / n))
                        fr = min(mp.mpf(1), 2 * train + 3 * c / n)
                        w.writerow([n, k, unordered, t, mp.nstr(c, 25), mp.nstr(sq, 25), mp.nstr(fr, 25)])
    print(path)


if __name__ == "__main__":
    main()
