"""SGLD on the UCI digits (softmax regression, clipped gradients, Langevin noise) writes a JSON-lines
trajectory; `itbound trajectory` must report bounds above the measured 0-1 generalization gaps.

Pensia et al.: gap = test error - error on all n training examples. Negrea et al.: the prior's forecast is
the clipped gradient on S_J (the first m training examples), gap = test error - error on S minus S_J.
Both bounds are on the EXPECTED gap, so the gap is averaged over a few independent runs (seeds).
Usage: sgld_digits.py ITBOUND_EXE WORKDIR
"""
import json
import pathlib
import subprocess
import sys

import numpy as np
from sklearn.datasets import load_digits

exe, work = sys.argv[1], pathlib.Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)

X, y = load_digits(return_X_y=True)
X = np.hstack([X / 16.0, np.ones((len(X), 1))])  # bias column; features in [0, 1]
k, d_in = 10, X.shape[1]
d = k * d_in
n, m = 1000, 200                  # training examples, of which the prior's forecast sees the first m
T, batch, eta, beta = 300, 50, 0.5, 40.0
L = 1.0                           # clipping radius: a global bound on the data-dependent drift
decay = 0.01                      # weight decay is data independent (psi_t in Pensia et al.)
sigma = np.sqrt(2 * eta / beta)   # SGLD noise per coordinate


def grad(W, Xb, yb):
    z = Xb @ W
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(yb)), yb] -= 1.0
    return Xb.T @ p / len(yb)


def clip(g):
    norm = np.linalg.norm(g)
    return g if norm <= L else g * (L / norm)


def error(W, Xs, ys):
    return float(np.mean(np.argmax(Xs @ W, axis=1) != ys))


gaps_all, gaps_out, certs = [], [], None
for seed in range(3):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(X))
    tr, te = perm[:n], perm[n:]
    Xtr, ytr, Xj, yj = X[tr], y[tr], X[tr[:m]], y[tr[:m]]
    W = np.zeros((d_in, k))
    path = work / f"sgld-{seed}.jsonl"
    with path.open("w") as f:
        f.write(json.dumps({"dimension": d, "n": n, "prior_examples": m, "loss_min": 0, "loss_max": 1,
                            "gradient_bound_global": True,
                            "prior": "forecast = clipped full gradient on the first m training examples"}) + "\n")
        for t in range(T):
            b = rng.choice(n, size=batch, replace=False)
            g = clip(grad(W, Xtr[b], ytr[b]))
            zeta = clip(grad(W, Xj, yj))  # depends on S_J and the past iterate only
            W = (1 - eta * decay) * W - eta * g + sigma * rng.standard_normal(W.shape)
            f.write(json.dumps({"step_size": eta, "inverse_temperature": beta, "batch_size": batch,
                                "gradient_bound": L, "incoherence_sq": float(np.sum((g - zeta) ** 2))}) + "\n")
    test_err = error(W, X[te], y[te])
    gaps_all.append(test_err - error(W, Xtr, ytr))
    gaps_out.append(test_err - error(W, Xtr[m:], ytr[m:]))
    r = subprocess.run([exe, "trajectory", "--file", str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"itbound failed: {r.stderr}")
    certs = {c["name"]: c for c in json.loads(r.stdout)["certificates"]}
    print(f"seed {seed}: test error {test_err:.4f}, gap {gaps_all[-1]:+.4f} (all n), {gaps_out[-1]:+.4f} (outside S_J); "
          f"pensia {certs['pensia']['value']:.4f}, negrea {certs['negrea']['value']:.4f}")

failures = []
pensia, negrea = certs["pensia"], certs["negrea"]
if not (pensia["valid"] and negrea["valid"]):
    failures.append("certificates not valid")
if not abs(np.mean(gaps_all)) <= pensia["value"]:
    failures.append(f"mean gap {np.mean(gaps_all)} above Pensia bound {pensia['value']}")
if not abs(np.mean(gaps_out)) <= negrea["value"]:
    failures.append(f"mean gap {np.mean(gaps_out)} above Negrea bound {negrea['value']}")
if not negrea["value"] < pensia["value"]:  # the data-dependent forecast should pay off on this task
    failures.append("Negrea bound not below Pensia bound")
# Pensia by hand: every step identical, I = T (d/2) ln(1 + eta^2 L^2 / (d sigma^2)).
I = T * d / 2 * np.log1p(eta**2 * L**2 / (d * sigma**2))
if not abs(pensia["value"] - np.sqrt(2 * 0.25 * I / n)) <= 1e-12:
    failures.append(f"Pensia value {pensia['value']} != hand value {np.sqrt(2 * 0.25 * I / n)}")
print("mean gaps:", np.mean(gaps_all), np.mean(gaps_out))
if failures:
    sys.exit("FAIL: " + "; ".join(failures))
print("ok")
