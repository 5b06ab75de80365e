#!/usr/bin/python3
"""KSG mutual information on N one-dimensional pairs: itbound vs scikit-learn 1.2, one core each.

sklearn's mutual_info_regression (n_neighbors=3) is timed as users call it: it rescales and adds
1e-10-scale noise, which moves the estimate by far less than its sampling error; itbound gets the
same noise-free data. Both estimates and the time of each are printed side by side.
Usage: knn_mi_peers.py DRIVER [N ...]   (DRIVER: <build>/bin/knn_mi_driver)
"""
import os
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.feature_selection import mutual_info_regression  # noqa: E402

driver = sys.argv[1]
sizes = [int(float(a)) for a in sys.argv[2:]] or [1_000_000]
rho = 0.6
print(f"bivariate Gaussian rho={rho}, closed form {-0.5 * np.log(1 - rho ** 2):.6f} nats, k=3")
print(f"{'N':>9} {'itbound s':>10} {'sklearn s':>10} {'ratio':>7} {'itbound MI':>12} {'sklearn MI':>12}")
for n in sizes:
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    y = rho * x + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)
    payload = np.array([n], np.int64).tobytes() + x.tobytes() + y.tobytes()
    out = subprocess.run([driver, "ksg", "3"], input=payload, capture_output=True, check=True).stdout.split()
    ours, ours_s = float(out[0]), float(out[1])
    start = time.perf_counter()
    theirs = mutual_info_regression(x.reshape(-1, 1), y, n_neighbors=3, random_state=0)[0]
    theirs_s = time.perf_counter() - start
    print(f"{n:>9} {ours_s:>10.3f} {theirs_s:>10.3f} {theirs_s / ours_s:>7.1f} {ours:>12.6f} {theirs:>12.6f}")
