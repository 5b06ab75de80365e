#!/usr/bin/python3
"""kl(q||p) to 25 significant digits (mpmath at 80 digits) on points that stress its evaluation in double precision.

Writes kl_values.csv (q,p,kl) beside this script; tests/unit-kl_batch.cpp checks the scalar and the
vectorised kl against it (the certified array inverses rely on the vectorised kl's error bound).
q, p are doubles written with repr() (exact on read-back); kl carries 25 significant digits.
Points: uniform pairs; p close to q (relative 1e-15 .. 1e-1); the edges of the evaluation's branches,
where p/q or (1-p)/(1-q) is near sqrt(2), sqrt(1/2) or 2 (the ratio's binade changes); q just below
1/2 with p just above it; q and p within 1e-15 .. 1e-3 of 0 or 1; tiny q (down to 1e-150) and tiny p.
Run: /usr/bin/python3 data/reference/make_kl_values.py [--n N] [--out FILE] (N = 3000 by default; the
error bound quoted in solvers/src/kl_lanes_impl.hpp was measured with --n 400000).
"""
import argparse
import math
import pathlib
import random

import mpmath as mp

mp.mp.dps = 80  # the direct formula cancels up to 16 digits when p and q are adjacent doubles


def kl(q, p):
    q, p = mp.mpf(q), mp.mpf(p)
    return q * mp.log(q / p) + (1 - q) * (mp.log1p(-q) - mp.log1p(-p))  # log1p: q, p may be ~1e-150


def points(n, rng):
    def log_uniform(lo, hi):
        return math.exp(rng.uniform(math.log(lo), math.log(hi)))

    def near_ratio(base, ratio):
        """base * ratio * (1 + tiny), rounded to a double; ratio one of the branch edges."""
        return base * ratio * (1 + rng.choice([-1, 1]) * log_uniform(1e-16, 1e-2))

    kinds = ["uniform", "close", "edge1", "edge2", "half", "ends", "tiny"]
    out = []
    while len(out) < n:
        kind = kinds[len(out) % len(kinds)]
        if kind == "uniform":
            q, p = rng.random(), rng.random()
        elif kind == "close":
            q = rng.random() if rng.random() < 0.5 else log_uniform(1e-150, 1.0)
            p = q * (1 + rng.choice([-1, 1]) * log_uniform(1e-15, 1e-1))
        elif kind == "edge1":  # p/q near a binade edge
            q = log_uniform(1e-150, 1.0) if rng.random() < 0.5 else rng.random()
            p = near_ratio(q, rng.choice([math.sqrt(2), math.sqrt(0.5), 2.0, 0.5]))
        elif kind == "edge2":  # (1-p)/(1-q) near a binade edge
            omq = log_uniform(1e-15, 1.0) if rng.random() < 0.5 else rng.random()
            q = 1 - omq
            p = 1 - near_ratio(1 - q, rng.choice([math.sqrt(2), math.sqrt(0.5), 2.0, 0.5]))
        elif kind == "half":  # q just below 1/2 (1 - q inexact), p just above
            q = 0.5 - rng.randrange(1, 2**40) * 2.0**-54
            p = 0.5 + rng.randrange(0, 2**40) * 2.0**-53
        elif kind == "ends":
            q = rng.choice([log_uniform(1e-15, 1e-3), 1 - log_uniform(1e-15, 1e-3), rng.random()])
            p = rng.choice([log_uniform(1e-15, 1e-3), 1 - log_uniform(1e-15, 1e-3)])
        else:  # tiny q or p
            q = log_uniform(1e-150, 1e-6) if rng.random() < 0.7 else rng.random()
            p = log_uniform(1e-150, 1e-6) if rng.random() < 0.7 else rng.random()
        if 0.0 < q < 1.0 and 0.0 < p < 1.0 and q != p:
            out.append((q, p))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--out", default=str(pathlib.Path(__file__).parent / "kl_values.csv"))
    ap.add_argument("--seed", type=int, default=20261201)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w") as f:
        f.write("q,p,kl\n")
        for q, p in points(args.n, rng):
            f.write(f"{q!r},{p!r},{mp.nstr(kl(q, p), 25, strip_zeros=False)}\n")


if __name__ == "__main__":
    main()
