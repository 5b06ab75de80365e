#!/usr/bin/python3
"""k-NN MI estimators of itbound against scikit-learn 1.2's internals on the same data, to 1e-6.

sklearn's public mutual_info_* scale the data and add 1e-10 noise; the private _compute_mi_cc /
_compute_mi_cd take the data as is, so both sides see identical numbers. sklearn clamps at 0 and
itbound does not: the comparison is max(0, itbound) == sklearn. Usage: knn_mi_sklearn.py DRIVER
"""
import subprocess
import sys

import numpy as np
from sklearn.feature_selection._mutual_info import _compute_mi_cc, _compute_mi_cd

DRIVER = sys.argv[1]


def run(method, k, x, y):
    payload = np.array([len(x)], dtype=np.int64).tobytes() + np.asarray(x, np.float64).tobytes() \
        + np.asarray(y, np.float64).tobytes()
    out = subprocess.run([DRIVER, method, str(k)], input=payload, capture_output=True, check=True).stdout
    return float(out.split()[0])


failures = []


def check(label, ours, theirs):
    ok = abs(max(0.0, ours) - theirs) <= 1e-6
    print(f"{'ok ' if ok else 'BAD'} {label}: itbound {ours:.12f} sklearn {theirs:.12f}")
    if not ok:
        failures.append(label)


rng = np.random.default_rng(20261122)
for n, rho, k in [(500, 0.0, 3), (2000, 0.5, 3), (2000, 0.9, 5), (5000, 0.7, 1), (3000, 0.3, 10)]:
    x = rng.standard_normal(n)
    y = rho * x + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)
    check(f"ksg n={n} rho={rho} k={k}", run("ksg", k, x, y), _compute_mi_cc(x, y, k))
# Non-Gaussian marginals and a heavy tail.
x = rng.exponential(size=3000)
y = np.log(x) + rng.standard_t(2, size=3000)
check("ksg exponential / t2", run("ksg", 3, x, y), _compute_mi_cc(x, y, 3))
# Ties (rounded data): eps_i = 0 for some points, where the counts become exact ties.
x = np.round(rng.standard_normal(2000), 1)
y = np.round(x + rng.standard_normal(2000), 1)
check("ksg rounded data with ties", run("ksg", 3, x, y), _compute_mi_cc(x, y, 3))

# Continuous vs discrete (Ross): a loss-like value whose mean depends on a binary or 3-way label,
# including labels that occur once (dropped on both sides) and a class smaller than k + 1.
for n, shift, k, classes in [(1000, 0.0, 3, 2), (2000, 0.8, 3, 2), (3000, 0.5, 5, 3)]:
    d = rng.integers(0, classes, size=n)
    c = rng.standard_normal(n) + shift * d
    check(f"ross n={n} shift={shift} k={k}", run("ross", k, c, d), _compute_mi_cd(c, d, k))
d = np.concatenate([rng.integers(0, 2, size=500), [7, 8, 9, 9, 9]])
c = rng.standard_normal(d.size) + 0.7 * (d == 1)
check("ross singleton and tiny labels", run("ross", 3, c, d), _compute_mi_cd(c, d, 3))

if failures:
    sys.exit(f"{len(failures)} disagreement(s): {failures}")
