#!/usr/bin/python3
"""High-precision reference tables for the solvers (mpmath, 50 digits), independent of the C++ code.

Writes, beside this script:
  kl_inverse.csv  q,c,upper,lower,upper_ceil,lower_floor
  binomial.csv    k,m,delta,upper,lower,upper_ceil,lower_floor
  maurer_xi.csv   n,log_xi
q, c, delta are doubles written with repr() (exact on read-back); upper/lower carry 40 significant digits;
*_ceil / *_floor are the nearest doubles on the safe side of the exact value (what a sound solver may return
at best). Run: /usr/bin/python3 data/reference/make_solver_references.py  (about a minute).
"""
import math
import pathlib
import random

import mpmath as mp
from scipy import special

mp.mp.dps = 50
HERE = pathlib.Path(__file__).parent


def ceil_double(v):
    d = float(v)
    return d if mp.mpf(d) >= v else math.nextafter(d, math.inf)


def floor_double(v):
    d = float(v)
    return d if mp.mpf(d) <= v else math.nextafter(d, -math.inf)


def entropy(q):
    return -(q * mp.log(q) + (1 - q) * mp.log(1 - q))


def bisect(f, lo, hi, iters=220):
    """Root of an increasing f on [lo, hi]."""
    for _ in range(iters):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def kl_upper(q, c):
    q, c = mp.mpf(q), mp.mpf(c)
    if c == 0 or q == 1:
        return q
    if q == 0:
        return -mp.expm1(-c)
    # y = -ln(1-p): kl = q ln(q/p) + (1-q)(ln(1-q) + y), increasing in y for p > q.
    def f(y):
        p = -mp.expm1(-y)
        return q * (mp.log(q) - mp.log(p)) + (1 - q) * (mp.log1p(-q) + y) - c
    y = bisect(f, -mp.log1p(-q), (c + entropy(q) + 1) / (1 - q))
    return -mp.expm1(-y)


def kl_lower(q, c):
    q, c = mp.mpf(q), mp.mpf(c)
    if c == 0 or q == 0:
        return q
    if q == 1:
        return mp.exp(-c)
    # z = ln p: kl = q (ln q - z) + (1-q)(ln(1-q) - ln(1-e^z)), decreasing in z for p < q.
    def f(z):
        return -(q * (mp.log(q) - z) + (1 - q) * (mp.log1p(-q) - mp.log1p(-mp.exp(z))) - c)
    return mp.exp(bisect(f, -(c + entropy(q) + 1) / q, mp.log(q)))


def kl_table():
    qs = [0.0, 1e-300, 1e-12, 1e-9, 1e-6, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99,
          1 - 1e-6, 1 - 1e-9, 1 - 1e-12, 1.0]
    cs = [0.0, 1e-12, 1e-9, 1e-6, 1e-3, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 700.0, 1000.0]
    pairs = [(q, c) for q in qs for c in cs]
    rng = random.Random(20261122)
    for i in range(1500):
        kind = i % 3
        if kind == 0:
            q = rng.random()
        elif kind == 1:
            q = 10 ** rng.uniform(-15, 0)
        else:
            q = 1 - 10 ** rng.uniform(-15, 0)
        pairs.append((q, 10 ** rng.uniform(-12, 3)))
    rows = ["q,c,upper,lower,upper_ceil,lower_floor"]
    for q, c in pairs:
        up, lo = kl_upper(q, c), kl_lower(q, c)
        rows.append(f"{q!r},{c!r},{mp.nstr(up, 40)},{mp.nstr(lo, 40)},{ceil_double(up)!r},{floor_double(lo)!r}")
    return rows


def log_binom_term(m, j, p):
    return (mp.loggamma(m + 1) - mp.loggamma(j + 1) - mp.loggamma(m - j + 1)
            + j * mp.log(p) + (m - j) * mp.log1p(-p))


def tail_sum(m, start, p, step):
    """sum of P[Bin(m,p) = j] from j = start moving by step (-1 or +1) while terms matter; terms shrink that way."""
    term = mp.exp(log_binom_term(m, start, p))
    total, j = term, start
    ratio_down = (1 - p) / p  # t_{j-1}/t_j = j/(m-j+1) * (1-p)/p
    while True:
        if step < 0:
            if j == 0:
                break
            term *= mp.mpf(j) / (m - j + 1) * ratio_down
        else:
            if j == m:
                break
            term *= mp.mpf(m - j) / (j + 1) / ratio_down
        j += step
        total += term
        if term < total * mp.mpf(10) ** -55:
            break
    return total


def newton(f, df, p):
    for _ in range(60):
        step = f(p) / df(p)
        p -= step
        if abs(step) < p * mp.mpf(10) ** -46:
            break
    return p


def binomial_limits(k, m, delta):
    d = mp.mpf(delta)
    if k == m:
        upper = mp.mpf(1)
    elif k == 0:
        upper = -mp.expm1(mp.log(d) / m)
    else:
        p0 = mp.mpf(1) - mp.mpf(float(special.betaincinv(m - k, k + 1, delta)))
        upper = newton(lambda p: tail_sum(m, k, p, -1) - d,
                       lambda p: -m * mp.exp(log_binom_term(m - 1, k, p)), p0)
    if k == 0:
        lower = mp.mpf(0)
    elif k == m:
        lower = mp.exp(mp.log(d) / m)
    else:
        p0 = mp.mpf(float(special.betaincinv(k, m - k + 1, delta)))
        lower = newton(lambda p: tail_sum(m, k, p, +1) - d,
                       lambda p: m * mp.exp(log_binom_term(m - 1, k - 1, p)), p0)
    return upper, lower


def binomial_table():
    rows = ["k,m,delta,upper,lower,upper_ceil,lower_floor"]
    for m in [1, 2, 10, 100, 1000, 10**4, 10**5, 10**6, 10**7]:
        ks = sorted({k for k in [0, 1, m // 100, m // 10, m // 2, m - 1, m] if 0 <= k <= m})
        for k in ks:
            for delta in [0.5, 0.05, 1e-3, 1e-6, 1e-12]:
                up, lo = binomial_limits(k, m, delta)
                rows.append(f"{k},{m},{delta!r},{mp.nstr(up, 40)},{mp.nstr(lo, 40)},"
                            f"{ceil_double(up)!r},{floor_double(lo)!r}")
    return rows


def log_xi(n):
    mp.mp.dps = 30
    total = mp.mpf(2)  # k = 0 and k = n
    lg_n = mp.loggamma(n + 1)
    for k in range(1, n):
        total += mp.exp(lg_n - mp.loggamma(k + 1) - mp.loggamma(n - k + 1)
                        + k * mp.log(mp.mpf(k) / n) + (n - k) * mp.log(mp.mpf(n - k) / n))
    mp.mp.dps = 50
    return mp.log(total)


def maurer_table():
    rows = ["n,log_xi"]
    for n in list(range(1, 31)) + [50, 100, 1000, 4095, 4096, 4097, 4098, 10000, 100000]:
        rows.append(f"{n},{mp.nstr(log_xi(n), 30)}")
    return rows


if __name__ == "__main__":
    for name, make in [("kl_inverse.csv", kl_table), ("binomial.csv", binomial_table), ("maurer_xi.csv", maurer_table)]:
        (HERE / name).write_text("\n".join(make()) + "\n")
        print("wrote", HERE / name)
