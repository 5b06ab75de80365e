#!/usr/bin/python3
"""KSG mutual information on N one-dimensional pairs: itbound vs scikit-learn 1.2, both single-threaded on one core.

sklearn's mutual_info_regression (n_neighbors=3) is timed as users call it: it rescales and adds 1e-10-scale
noise, which moves the estimate by far less than its sampling error; itbound gets the same noise-free data. Exact
agreement on identical data with sklearn's internal _compute_mi_cc is the test tests/knn_mi_sklearn.py.
itbound's times come from its driver (tests/knn_mi_driver.cpp): the estimator call alone, --repeat times in one
process; the first call faults in its scratch memory, the later ones reuse it (as a Python session's second call
does). Times: CPU seconds of the estimator (what other jobs on a shared machine inflate least), min / median /
max over the repeats; sklearn's as process CPU time, up to --repeat runs (one run where a run takes over 10 s).
Usage: knn_mi_peers.py DRIVER [N ...] [--repeat R]   (DRIVER: <build>/bin/knn_mi_driver)
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # one core for every method; must precede the NumPy import

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.feature_selection import mutual_info_regression  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import fmt, machine, repeat  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("driver")
    ap.add_argument("sizes", nargs="*", default=["1e5", "1e6"])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rho = 0.6
    print(f"KSG, bivariate Gaussian rho={rho} (closed form {-0.5 * np.log(1 - rho ** 2):.6f} nats), k=3")
    print(f"machine: {machine()}")
    print("threads: itbound single-threaded (the estimators run on the calling thread); sklearn single-threaded "
          "(mutual_info_regression has no n_jobs in 1.2; OMP/OPENBLAS/MKL_NUM_THREADS=1); pin with taskset for one core")
    print("CPU seconds, min / median / max; ratio = sklearn median / itbound later calls' median")
    print(f"{'N':>9} {'itbound first call':>19} {'itbound later calls':>28} {'sklearn':>28} {'ratio':>7} "
          f"{'itbound MI':>11} {'sklearn MI':>11}")
    for n in [int(float(a)) for a in args.sizes]:
        rng = np.random.default_rng(n)
        x = rng.standard_normal(n)
        y = rho * x + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)
        payload = np.array([n], np.int64).tobytes() + x.tobytes() + y.tobytes()
        out = subprocess.run([args.driver, "ksg", "3", "--repeat", str(args.repeat + 1)], input=payload,
                             capture_output=True, check=True).stdout.split()
        ours, first, later = float(out[0]), float(out[2]), [float(v) for v in out[3:6]]
        theirs, t = repeat(lambda: mutual_info_regression(x.reshape(-1, 1), y, n_neighbors=3, random_state=0)[0], 1)
        while len(t.cpu) < args.repeat and max(t.wall) < 10:
            t.add(*_one(x, y))
        print(f"{n:>9} {first:>19.3f} {fmt(later):>28} {fmt(t.cpu):>28} {np.median(t.cpu) / later[1]:>7.1f} "
              f"{ours:>11.6f} {theirs:>11.6f}")


def _one(x, y):
    _, t = repeat(lambda: mutual_info_regression(x.reshape(-1, 1), y, n_neighbors=3, random_state=0), 1)
    return t.cpu[0], t.wall[0]


if __name__ == "__main__":
    main()
