"""Shared 50-digit helpers for the reference generators beside this file (mpmath only, independent of the C++ code):
the binary kl, its upper inverse by bisection, and ln of Maurer's xi(n) summed exactly."""
import mpmath as mp

mp.mp.dps = 50


def kl(q, p):
    def term(a, b):
        return mp.mpf(0) if a == 0 else a * mp.log(a / b)
    return term(q, p) + term(1 - q, 1 - p)


def kl_inverse_upper(q, c):
    """sup{p : kl(q||p) <= c} by 200 bisection steps (the upper end is returned, so never below the exact value)."""
    lo, hi = mp.mpf(q), mp.mpf(1)
    if kl(q, hi - mp.mpf(10) ** -45) <= c:
        return hi
    for _ in range(200):
        mid = (lo + hi) / 2
        if kl(q, mid) <= c:
            lo = mid
        else:
            hi = mid
    return hi


def log_xi(n):
    """ln sum_k C(n,k) (k/n)^k (1-k/n)^(n-k) (mpmath: 0**0 = 1)."""
    n = int(n)
    return mp.log(mp.fsum(mp.binomial(n, k) * (mp.mpf(k) / n) ** k * (1 - mp.mpf(k) / n) ** (n - k) for k in range(n + 1)))
