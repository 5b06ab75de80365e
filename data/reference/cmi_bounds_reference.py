#!/usr/bin/python3
"""50-digit references for the supersample CMI bounds of bounds/cmi_bounds.hpp (losses scaled to [0, 1]).

Writes data/reference/cmi-bounds.csv with columns kind, train, info, value:

  binary-kl   sup{R in [0, 1] : kl(train || (train + R) / 2) <= info}        (Hellstrom & Durisi 2022)
  fast-rate   inf over (c0, c1) with exp(c0) + exp(-c0 c1) <= 2 of c1 train + info / c0
              (the linear e-CMI bound with info = mean e-CMI; Wang & Mao's fast-rate bound with
              info = (1/n) sum_i [I(L_i^+; U_i) + I(L_i^-; U_i)], i.e. c0 = 2 C2, c1 = 1 + C1)

Computed independently of the C++ code: the binary kl by bisection on p in [train, (1 + train)/2]; the
fast-rate infimum from its one-dimensional form h(c0) = (train A(c0) + info) / c0 with the smallest feasible
c1 = A(c0) / c0, A(c0) = -ln(2 - e^{c0}), c0 in (0, ln 2). h'(c0) has the sign of
N(c0) = train (c0 A'(c0) - A(c0)) - info, which is increasing (A is convex), negative near 0 and positive near
ln 2 when train > 0: the minimiser is the root of N, found by bisection. Limits: train = 0 gives info / ln 2
(c0 -> ln 2), info = 0 gives train (c0 -> 0).
"""
import csv
import os

import mpmath as mp

mp.mp.dps = 50
TRAIN = ["0", "1e-4", "0.01", "0.05", "0.1", "0.3", "0.5", "0.9", "1"]
INFO = ["0", "1e-6", "1e-3", "0.01", "0.05", "0.2", "0.6931471805599453", "2"]


def kl(q, p):
    t = mp.mpf(0) if q == 0 else q * mp.log(q / p)
    return t + (mp.mpf(0) if q == 1 else (1 - q) * mp.log((1 - q) / (1 - p)))


def bisect(f, lo, hi, iters=400):
    """Root of an increasing f on [lo, hi] (f(lo) <= 0 <= f(hi))."""
    for _ in range(iters):
        mid = (lo + hi) / 2
        if f(mid) <= 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def binary_kl(q, c):
    top = (1 + q) / 2
    if c == 0:
        return q
    if q == 1 or kl(q, top) <= c:
        return mp.mpf(1)
    p = bisect(lambda p: kl(q, p) - c, q, top)
    return 2 * p - q


def fast_rate(train, info):
    if train == 0:
        return info / mp.log(2)
    if info == 0:
        return train
    a = lambda c0: -mp.log(2 - mp.exp(c0))
    da = lambda c0: mp.exp(c0) / (2 - mp.exp(c0))
    n = lambda c0: train * (c0 * da(c0) - a(c0)) - info
    c0 = bisect(n, mp.mpf(10) ** -40, mp.log(2) - mp.mpf(10) ** -40)
    return (train * a(c0) + info) / c0


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cmi-bounds.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "train", "info", "value"])
        for t in TRAIN:
            for i in INFO:
                q, c = mp.mpf(t), mp.mpf(i)
                w.writerow(["binary-kl", t, i, mp.nstr(binary_kl(q, c), 25)])
                w.writerow(["fast-rate", t, i, mp.nstr(fast_rate(q, c), 25)])
    print(path)


if __name__ == "__main__":
    main()
