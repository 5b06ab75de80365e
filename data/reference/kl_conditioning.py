#!/usr/bin/python3
"""Reference KL terms where the textbook formulas lose digits (mpmath, 60 digits), for tests/unit-kl_divergence.cpp:
full-covariance Gaussians with integer covariances (exact in double) of condition numbers 1e2 to 1e9, categorical
pairs with p within 1e-9 of q, and a diagonal Gaussian whose exact KL exceeds the largest double.

Writes kl-conditioning.csv: kind,d,cov_q,cov_p,mean_q,mean_p,kappa_p,kappa_q,kl (matrices row-major, entries ';'-separated;
for kind=categorical, cov_q and cov_p hold q and p). Run: /usr/bin/python3 data/reference/kl_conditioning.py
"""
import pathlib
import random

import mpmath as mp

mp.mp.dps = 60
HERE = pathlib.Path(__file__).parent


def gram(rng, d, tilt):
    """B^T B for an integer B whose last column nearly repeats the first: condition number grows with tilt."""
    B = [[rng.randint(-99, 99) for _ in range(d)] for _ in range(d)]
    for row in B:
        row[-1] = row[0] * tilt + rng.randint(-1, 1)
    return [[sum(B[k][i] * B[k][j] for k in range(d)) for j in range(d)] for i in range(d)]


def cond(S):
    ev = mp.eigsy(mp.matrix(S))[0]
    return max(ev) / min(ev)


def gaussian_kl(Sq, Sp, mq, mpv):
    d = len(mq)
    Cq, Cp = mp.matrix(Sq), mp.matrix(Sp)
    Pi = Cp**-1
    diff = mp.matrix([mp.mpf(a) - mp.mpf(b) for a, b in zip(mpv, mq)])
    tr = mp.fsum((Pi * Cq)[i, i] for i in range(d))
    return (tr + (diff.T * Pi * diff)[0] - d + mp.log(mp.det(Cp)) - mp.log(mp.det(Cq))) / 2


def joined(values):
    return ";".join(repr(v) for v in values)


def main():
    rng = random.Random(20260601)
    rows = ["kind,d,cov_q,cov_p,mean_q,mean_p,kappa_p,kappa_q,kl"]
    made = 0
    while made < 120:
        d = rng.randint(2, 5)
        tilt = rng.choice([0, 1, 3, 10, 30, 100, 300])
        Sp, Sq = gram(rng, d, tilt), gram(rng, d, rng.choice([0, 1, 3, 10]))
        if rng.random() < 0.3:  # posterior close to the prior: the terms nearly cancel
            Sq = [[Sp[i][j] * 64 + (rng.randint(-1, 1) if i == j else 0) for j in range(d)] for i in range(d)]
            Sp = [[x * 64 for x in row] for row in Sp]
        try:
            kp, kq = cond(Sp), cond(Sq)
        except ZeroDivisionError:
            continue
        if not (0 < kp < 1e10 and 0 < kq < 1e10):
            continue
        mq = [rng.randint(-8, 8) / 8 for _ in range(d)]
        mpv = [rng.randint(-8, 8) / 8 for _ in range(d)]
        kl = gaussian_kl(Sq, Sp, mq, mpv)
        flat = lambda S: [float(x) for row in S for x in row]
        rows.append(f"gaussian,{d},{joined(flat(Sq))},{joined(flat(Sp))},{joined(mq)},{joined(mpv)},"
                    f"{mp.nstr(kp, 6)},{mp.nstr(kq, 6)},{mp.nstr(kl, 40)}")
        made += 1
    for _ in range(60):  # categorical q, p within 1e-9 .. 1e-16 of each other
        K = rng.randint(2, 6)
        q = [rng.random() for _ in range(K)]
        q = [x / sum(q) for x in q]
        eps = 10 ** rng.uniform(-16, -9)
        p = list(q)
        for i in range(0, K - 1, 2):  # mass moved between pairs: p sums to what q sums to, up to roundings
            shift = eps * min(q[i], q[i + 1]) * rng.uniform(-1, 1)
            p[i], p[i + 1] = q[i] + shift, q[i + 1] - shift
        exact = mp.fsum(mp.mpf(a) * mp.log(mp.mpf(a) / mp.mpf(b)) for a, b in zip(q, p))
        rows.append(f"categorical,{K},{joined(q)},{joined(p)},,,,,{mp.nstr(exact, 40)}")
    # prior std 1e-160 against posterior std 1: KL = (1/2)(1e320 - 1 - ln 1e320) > DBL_MAX.
    big = (mp.mpf(10) ** 320 - 1 - mp.log(mp.mpf(10) ** 320)) / 2
    rows.append(f"diag_gaussian,1,1.0,1e-160,0.0,0.0,,,{mp.nstr(big, 40)}")
    (HERE / "kl-conditioning.csv").write_text("\n".join(rows) + "\n")
    print("wrote", HERE / "kl-conditioning.csv")


if __name__ == "__main__":
    main()
