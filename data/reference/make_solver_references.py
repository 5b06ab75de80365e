#!/usr/bin/python3
"""High-precision reference tables for the solvers (mpmath, 50 digits), independent of the C++ code.

Writes, beside this script:
  kl_inverse.csv  q,c,upper,lower,upper_ceil,lower_floor
  binomial.csv    k,m,delta,upper,lower,upper_ceil,lower_floor
  maurer_xi.csv   n,log_xi
q, c, delta are doubles written with repr() (exact on read-back); upper/lower carry 40 significant digits;
*_ceil / *_floor are the nearest doubles on the safe side of the exact value (what a sound solver may return
at best). Run: /usr/bin/python3 data/reference/make_solver_references.py [TABLE.csv ...]  (all tables: about
half an hour, most of it the binomial rows with m up to 1e9).
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


def kl_tiny(q, c, upper):
    """The inverses where q or the root is below 1e-250: bisection in t = ln|p - q| (relative resolution in p - q
    whatever its scale), kl at 150 digits (its two terms cancel to about (p - q)^2 / (2q))."""
    with mp.workdps(150):
        q, c = mp.mpf(q), mp.mpf(c)

        def kl(p):
            return q * mp.log(q / p) + (1 - q) * (mp.log1p(-q) - mp.log1p(-p))

        sign = 1 if upper else -1
        span = (1 - q) if upper else q

        def f(t):  # increasing in t: kl grows as p moves away from q (to +inf at p = 0 or 1)
            p = q + sign * mp.exp(t)
            return kl(p) - c if 0 < p < 1 else mp.inf

        if upper and kl(mp.mpf(1) - mp.mpf(10) ** -140) <= c:
            return mp.mpf(1)
        t = bisect(f, mp.mpf(-1600), mp.log(span), iters=400)
        root = q + sign * mp.exp(t)
        if upper or root > q / 2:
            return +root
        # A lower root far below q: q - p carries no digits of p, so bisect in ln p (decreasing kl) instead.
        if kl(mp.mpf(10) ** -5000) <= c:
            return mp.mpf(0)
        return mp.exp(bisect(lambda z: c - kl(mp.exp(z)), mp.log(mp.mpf(10) ** -5000), mp.log(q / 2), iters=400))


def kl_tiny_rows(rng):
    """q and c down to the subnormals: a grid, and random pairs in the region q in [2.6e-307, 1e-300], c subnormal
    where a cancelling fallback once certified points below the root."""
    qs = [5e-324, 1e-320, 1e-310, 2.6e-307, 1e-305, 1e-300, 1e-290, 1e-280, 1e-270, 1e-200, 1e-100, 0.5]
    cs = [5e-324, 1e-320, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-250, 1e-200, 1e-100, 1e-30]
    pairs = [(q, c) for q in qs for c in cs]
    for _ in range(300):
        pairs.append((10 ** rng.uniform(math.log10(2.6e-307), -300), 10 ** rng.uniform(-323.3, math.log10(2.2e-308))))
    ends = [(q, c) for q in (0.0, 1.0) for c in cs + [710.0, 740.0]]  # closed forms; e^-c subnormal for the last two
    rows = []
    for q, c in pairs + ends:
        up, lo = (kl_upper(q, c), kl_lower(q, c)) if q in (0.0, 1.0) else (kl_tiny(q, c, True), kl_tiny(q, c, False))
        rows.append(f"{q!r},{c!r},{mp.nstr(up, 40)},{mp.nstr(lo, 40)},{ceil_double(up)!r},{floor_double(lo)!r}")
    return rows


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
    return rows + kl_tiny_rows(rng)


def log_binom_term(m, j, p):
    return (mp.loggamma(m + 1) - mp.loggamma(j + 1) - mp.loggamma(m - j + 1)
            + j * mp.log(p) + (m - j) * mp.log1p(-p))


def tail_sum(m, start, p, step):
    """sum of P[Bin(m,p) = j] from j = start moving by step (-1 or +1) while terms matter; terms shrink that way.
    The term ratios j (1-p) / ((m-j+1) p) are exact rationals (p is a binary mpf), so the sum relative to the first
    term runs in 256-bit fixed point on Python integers (each floor division loses under one unit of 2^-256; the
    sum is stopped at 2^-190 of itself), about 20 times faster than mpf arithmetic at m = 1e9."""
    sign, man, exp, _ = mp.mpf(p)._mpf_
    assert sign == 0 and exp < 0
    den = 1 << -exp  # p = man / den
    succ, fail = man, den - man  # p and 1 - p times den
    one = 1 << 256
    term, total, j = one, one, start
    while True:
        if step < 0:
            if j == 0:
                break
            term = term * j * fail // ((m - j + 1) * succ)
        else:
            if j == m:
                break
            term = term * (m - j) * succ // ((j + 1) * fail)
        j += step
        total += term
        if term < total >> 190:
            break
    return mp.exp(log_binom_term(m, start, p)) * mp.mpf(total) / one


def newton(f, df, p):
    """Root of a monotone f near p in (0, 1): Newton steps, kept inside a bracket in the log-odds
    l = ln(p / (1 - p)) (found by widening around p; a step that leaves it bisects instead)."""
    def at(l):
        return 1 / (1 + mp.exp(-l))

    def logodds(x):
        return mp.log(x / (1 - x))

    l0, h = logodds(p), mp.mpf(10) ** -9
    while True:
        a, b = l0 - h, l0 + h
        fa, fb = f(at(a)), f(at(b))
        if fa * fb <= 0:
            break
        h *= 16
    x = at(l0)
    fx = f(x)
    for _ in range(400):
        slope = df(x)
        xn = x - fx / slope if slope != 0 else mp.mpf(-1)
        newton_step = at(a) < xn < at(b)
        if not newton_step:  # a flat or far-off start (scipy's proposal can be wrong at m = 1e8): bisect
            xn = at((a + b) / 2)
        fn = f(xn)
        if fn * fa > 0:
            a, fa = logodds(xn), fn
        else:
            b, fb = logodds(xn), fn
        if newton_step and abs(xn - x) < min(xn, 1 - xn) * mp.mpf(10) ** -46:
            return xn
        if b - a < mp.mpf(10) ** -46:
            return at((a + b) / 2)
        x, fx = xn, fn
    raise RuntimeError("no convergence")


def binomial_limits(k, m, delta):
    with mp.workdps(80):  # 1 - p down to 1e-21 (k = m - 1, m = 1e9) still carries 55 digits
        return binomial_limits_at(k, m, delta)


def binomial_limits_at(k, m, delta):
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
        lower = d ** (mp.mpf(1) / m)  # exact for m = 1 (a rounded exp(log) fell just below d)
    else:
        p0 = mp.mpf(float(special.betaincinv(k, m - k + 1, delta)))
        lower = newton(lambda p: tail_sum(m, k, p, +1) - d,
                       lambda p: m * mp.exp(log_binom_term(m - 1, k - 1, p)), p0)
    return upper, lower


def binomial_table():
    rows = ["k,m,delta,upper,lower,upper_ceil,lower_floor"]
    cases = []
    for m in [1, 2, 10, 100, 1000, 10**4, 10**5, 10**6, 10**7]:
        ks = sorted({k for k in [0, 1, m // 100, m // 10, m // 2, m - 1, m] if 0 <= k <= m})
        cases += [(k, m, delta) for k in ks for delta in [0.5, 0.05, 1e-3, 1e-6, 1e-12]]
    # m up to 1e9, where Boost's incomplete beta once certified limits below the exact ones: a grid, and random
    # (k, m, delta) with m log-uniform in [1e7, 1e9] and k from 0 to m.
    for m in [3 * 10**7, 10**8, 3 * 10**8, 10**9]:
        ks = [0, 1, 10, m // 10**4, m // 100, m // 10, m // 2, m - 1, m]
        cases += [(k, m, delta) for k in ks for delta in [0.5, 0.05, 1e-3, 1e-6, 1e-12]]
    rng = random.Random(20260513)
    for _ in range(60):
        m = int(10 ** rng.uniform(7, 9))
        k = rng.choice([rng.randint(0, 20), int(m * 10 ** rng.uniform(-6, 0))])
        cases.append((k, m, rng.choice([0.5, 0.05, 1e-3, 1e-6, 1e-12])))
    for k, m, delta in cases:
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
    import sys

    tables = {"kl_inverse.csv": kl_table, "binomial.csv": binomial_table, "maurer_xi.csv": maurer_table}
    for name in sys.argv[1:] or tables:  # optionally only the tables named
        (HERE / name).write_text("\n".join(tables[name]()) + "\n")
        print("wrote", HERE / name)
