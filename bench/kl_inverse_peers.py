"""Benchmark of the upper kl inverse sup{p >= q : kl(q||p) <= c}, every method single-threaded on one core.

Pairs: N seeded draws, q ~ Uniform[0, 1], c log-uniform on [1e-6, 10] (numpy default_rng(seed)).
Methods: itbound's array kl_inverse_upper from C++ (the binary; into a preallocated buffer) in every build of
its vector lanes this CPU has, and from Python (itbound.kl_inverse_upper(q, c, out=out), when the module is on
PYTHONPATH); a vectorised NumPy bisection to 1e-12 relative width; scipy.optimize.brentq per pair (timed on a
subsample and scaled). Times: min / median / max over --repeat runs, CPU time of the process (what the ratio
uses) and wall-clock. Accuracy: every method on the same seeded subsample, against mpmath at 40 digits;
UNSOUND counts values below the exact inverse (a bound reported smaller than the truth).
Usage: kl_inverse_peers.py <bench_kl_inverse binary> [--n N] [--repeat R] [--brentq N] [--check N] [--seed S]
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core for every method; must precede the NumPy import

import argparse
import json
import subprocess
import sys
import tempfile


import mpmath
import numpy as np
from scipy.optimize import brentq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import Timings, fmt, machine, repeat  # noqa: E402

TOL = 1e-12


def kl_numpy(q, p):
    """kl(q||p) element-wise, 0 ln 0 = 0 (the direct formula peers use)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(q > 0, q * np.log(q / p), 0.0)
        b = np.where(q < 1, (1 - q) * np.log((1 - q) / (1 - p)), 0.0)
    return a + b


def numpy_bisection(q, c):
    """Bisection on [q, 1] for all pairs at once, until the bracket is 1e-12 relative wide; returns hi."""
    lo = q.copy()
    hi = np.ones_like(q)
    mid = np.empty_like(q)
    f = np.empty_like(q)
    while True:
        width = hi - lo
        if not np.any(width > TOL * hi):
            return hi
        np.add(lo, hi, out=mid)
        mid *= 0.5
        with np.errstate(divide="ignore", invalid="ignore"):
            # f = q ln(q/mid) + (1-q) ln((1-q)/(1-mid)) - c, in place
            np.divide(q, mid, out=f)
            np.log(f, out=f)
            f *= q
            g = np.log((1 - q) / (1 - mid))
            g *= 1 - q
        f[q == 0] = 0.0
        g[q == 1] = 0.0
        f += g
        above = f > c
        np.copyto(hi, mid, where=above)
        np.copyto(lo, mid, where=~above)


def brentq_one(q, c):
    if c == 0 or q == 1:
        return q
    f = lambda p: kl_numpy(np.float64(q), np.float64(p)) - c  # noqa: E731
    if f(np.nextafter(1.0, 0.0)) <= 0:
        return 1.0
    return brentq(f, q, np.nextafter(1.0, 0.0), xtol=1e-300, rtol=TOL)


def exact_upper(q, c):
    """The exact inverse at 40 digits (bisection in mpmath, to 1e-30 relative)."""
    with mpmath.workdps(40):
        q, c = mpmath.mpf(q), mpmath.mpf(c)

        def kl(p):
            a = q * mpmath.log(q / p) if q > 0 else mpmath.mpf(0)
            return a + (1 - q) * mpmath.log((1 - q) / (1 - p))

        lo, hi = q, mpmath.mpf(1)
        while hi - lo > mpmath.mpf("1e-30") * hi:
            mid = (lo + hi) / 2
            if kl(mid) > c:
                hi = mid
            else:
                lo = mid
        return lo


def accuracy(values, exact):
    """Max relative error and the count of values below the exact inverse (unsound)."""
    rel = max(float(abs(mpmath.mpf(float(v)) - e) / e) for v, e in zip(values, exact))
    unsound = sum(1 for v, e in zip(values, exact) if mpmath.mpf(float(v)) < e)
    return rel, unsound


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--brentq", type=int, default=5_000)
    ap.add_argument("--check", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    q = rng.uniform(0.0, 1.0, args.n)
    c = np.exp(rng.uniform(np.log(1e-6), np.log(10.0), args.n))
    check = rng.choice(args.n, size=args.check, replace=False)
    sub = rng.choice(args.n, size=args.brentq, replace=False)

    with tempfile.TemporaryDirectory() as tmp:
        pairs, results = os.path.join(tmp, "pairs.bin"), os.path.join(tmp, "results.bin")
        np.concatenate([q, c]).tofile(pairs)
        run = json.loads(subprocess.run([args.binary, pairs, results, str(args.repeat)], check=True,
                                        capture_output=True, text=True).stdout)
        itb = np.fromfile(results, dtype=np.float64)

    rows = []  # (name, Timings, values on the check subsample or None)
    for k, (build, t) in enumerate(run["lanes"].items()):  # the widest first: the results written back are its
        rows.append((f"itbound C++ array, {build} lanes", Timings(t["cpu"], t["wall"]), None if k else itb[check]))
    try:
        import itbound
        out = np.empty_like(q)
        py, t_py = repeat(lambda: itbound.kl_inverse_upper(q, c, out=out), args.repeat)
        rows.append(("itbound Python kl_inverse_upper(q, c, out=out)", t_py, py[check]))
    except ImportError:
        print("(itbound Python module not on PYTHONPATH: its row is skipped)")
    t = run["scalar_loop"]
    rows.append(("itbound C++ loop over the scalar solver (1 run)", Timings(t["cpu"], t["wall"]), None))
    bis, t_bis = repeat(lambda: numpy_bisection(q, c), max(3, args.repeat // 2))
    rows.append(("NumPy vectorised bisection (1e-12 rel)", t_bis, bis[check]))
    _, t_brentq = repeat(lambda: [brentq_one(q[i], c[i]) for i in sub], 3)
    brq_check = np.array([brentq_one(q[i], c[i]) for i in check])
    rows.append((f"scipy brentq per pair (scaled from {args.brentq})", t_brentq.scaled(args.n / args.brentq), brq_check))

    exact = [exact_upper(q[i], c[i]) for i in check]
    base = float(np.median(rows[0][1].cpu))
    print(f"kl_inverse_upper, {args.n} pairs, q ~ U[0,1], c log-uniform [1e-6, 10], seed {args.seed}")
    print(f"machine: {machine()}")
    print("threads: every method single-threaded (itbound's array call runs on the calling thread; NumPy and SciPy "
          "with OMP/OPENBLAS/MKL_NUM_THREADS=1)")
    print(f"times: ns/pair, min / median / max of {args.repeat} runs (NumPy {len(t_bis.cpu)}, brentq 3); "
          "slower = median CPU time / itbound's first row's")
    print(f"accuracy on {args.check} seeded pairs vs mpmath (40 digits); unsound = value below the exact inverse (the "
          "narrower lanes' accuracy and soundness are checked by the unit tests)")
    print(f"{'method':52s} {'CPU ns/pair':>26s} {'wall ns/pair':>26s} {'slower':>8s} {'max rel err':>11s} {'unsound':>7s}")
    for name, t, vals in rows:
        err, bad = ("-", "-")
        if vals is not None:
            rel, unsound = accuracy(vals, exact)
            err, bad = f"{rel:.2e}", str(unsound)
        print(f"{name:52s} {fmt(t.cpu, 1e9 / args.n)} {fmt(t.wall, 1e9 / args.n)} "
              f"{np.median(t.cpu) / base:7.1f}x {err:>11s} {bad:>7s}")
    print(f"itbound array: {run['not_converged']} not converged, {run['scalar_fallback']} handed to the scalar solver "
          f"({run['uncertified']} inside the lanes' range), {run['bitwise_equal_to_scalar']} of {args.n} bit-identical "
          "to the scalar solver")


if __name__ == "__main__":
    main()
