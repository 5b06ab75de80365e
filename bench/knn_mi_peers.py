#!/usr/bin/python3
"""KSG mutual information on N one-dimensional pairs: itbound vs scikit-learn 1.2, one core each.

sklearn's mutual_info_regression (n_neighbors=3) is timed as users call it: it rescales and adds
1e-10-scale noise, which moves the estimate by far less than its sampling error; itbound gets the
same noise-free data. Times are CPU seconds (the process's own, so other jobs on a shared machine do not
inflate them; the ratio uses them), best of --repeat runs for itbound and of up to --repeat runs for
sklearn (one run where a run takes over 10 s); wall-clock seconds are shown beside them.
Usage: knn_mi_peers.py DRIVER [N ...] [--repeat R]   (DRIVER: <build>/bin/knn_mi_driver)
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # one core for every method; must precede the NumPy import

import argparse  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.feature_selection import mutual_info_regression  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("driver")
    ap.add_argument("sizes", nargs="*", default=["1e6"])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rho = 0.6
    print(f"bivariate Gaussian rho={rho}, closed form {-0.5 * np.log(1 - rho ** 2):.6f} nats, k=3, one core")
    print("seconds: CPU time, best of the runs (wall-clock in brackets); ratio = sklearn / itbound CPU time")
    print(f"{'N':>9} {'itbound s':>18} {'sklearn s':>18} {'ratio':>7} {'itbound MI':>12} {'sklearn MI':>12}")
    for n in [int(float(a)) for a in args.sizes]:
        rng = np.random.default_rng(n)
        x = rng.standard_normal(n)
        y = rho * x + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)
        payload = np.array([n], np.int64).tobytes() + x.tobytes() + y.tobytes()
        ours, ours_cpu, ours_wall = None, float("inf"), float("inf")
        for _ in range(args.repeat):
            out = subprocess.run([args.driver, "ksg", "3"], input=payload, capture_output=True, check=True).stdout.split()
            ours, ours_wall, ours_cpu = float(out[0]), min(ours_wall, float(out[1])), min(ours_cpu, float(out[2]))
        theirs, theirs_cpu, theirs_wall = None, float("inf"), float("inf")
        for _ in range(args.repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            theirs = mutual_info_regression(x.reshape(-1, 1), y, n_neighbors=3, random_state=0)[0]
            theirs_cpu, theirs_wall = min(theirs_cpu, time.process_time() - c0), min(theirs_wall, time.perf_counter() - w0)
            if theirs_wall > 10:
                break
        print(f"{n:>9} {ours_cpu:>8.3f} [{ours_wall:>7.3f}] {theirs_cpu:>8.3f} [{theirs_wall:>7.3f}]"
              f" {theirs_cpu / ours_cpu:>7.1f} {ours:>12.6f} {theirs:>12.6f}")


if __name__ == "__main__":
    main()
