#!/usr/bin/python3
"""Recorded training trajectories on the UCI digits (scikit-learn's load_digits), for `itbound trajectory`.

A one-hidden-layer tanh network (64-32-10, d = 2410 parameters, gradients written by hand) trained on the
cross-entropy; the gap bounded is that of the 0-1 loss (test error - training error).

- Langevin dynamics over supersamples (itbound.recorders.LangevinRecorder): 2n = 1600 digits drawn at random form
  n = 800 pairs, one of each pair selected by a fair coin; full-batch steps W <- W - eta (grad + lam W) + N(0, 2 eta /
  beta I). Bounds: haghifam-ld (tracked pair J drawn by the recorder) and neu-sgld (held-out gradient on the
  unselected halves and the 197 digits outside the supersample). Gap: error on the unselected halves - training error.
  Several runs (seeds), one file each: every bound here is an expectation, and one run is a plug-in estimate.
- SGD (itbound.recorders.SGDRecorder): n = 1000 training digits, minibatches of 100, the other 797 held out (test error,
  held-out gradients, the perturbed held-out gradients of the gradient sensitivity, the Delta terms). Bound: neu-sgd
  with the perturbation schedule declared below (constant sigma_t = 0.006, fixed before the run: a final level
  sqrt(300) 0.006 = 0.10 per coordinate, which leaves the trained network's predictions nearly unchanged).

Usage (from the repository root, after building): PYTHONPATH=build/python /usr/bin/python3
data/examples/make_trajectory_runs.py [--out data/examples] [--runs 3]. Deterministic given the seeds; about a
minute on one core. The notebook notebooks/trajectory.ipynb runs shorter versions of the same functions.
"""
import argparse
import pathlib

import numpy as np
from sklearn.datasets import load_digits

from itbound.recorders import LangevinRecorder, SGDRecorder

HIDDEN, CLASSES = 32, 10
# The run's settings, fixed before any run (no tuning on these files' bounds).
LANGEVIN = dict(n=800, steps=200, step_size=0.5, inverse_temperature=800.0, weight_decay=1e-3)
SGD = dict(n=1000, steps=300, step_size=0.5, batch_size=100, perturbation=0.006, perturbation_samples=2)


def digits():
    x, y = load_digits(return_X_y=True)
    return x / 16.0, y


class MLP:
    """64 -> HIDDEN (tanh) -> 10 with the parameters as one flat vector; mean cross-entropy gradients by hand."""

    def __init__(self, inputs):
        self.shapes = [(inputs, HIDDEN), (HIDDEN,), (HIDDEN, CLASSES), (CLASSES,)]
        self.dimension = sum(int(np.prod(s)) for s in self.shapes)

    def init(self, rng):
        fan_in = [self.shapes[0][0], 1, HIDDEN, 1]
        return np.concatenate([rng.normal(0, 1 / np.sqrt(f), int(np.prod(s))) if len(s) == 2 else np.zeros(s[0])
                               for s, f in zip(self.shapes, fan_in)])

    def unpack(self, w):
        out, i = [], 0
        for s in self.shapes:
            m = int(np.prod(s))
            out.append(w[i:i + m].reshape(s))
            i += m
        return out

    def logits(self, w, x):
        w1, b1, w2, b2 = self.unpack(w)
        return np.tanh(x @ w1 + b1) @ w2 + b2

    def gradient(self, w, x, y):
        """Gradient of the mean cross-entropy over (x, y) at w."""
        w1, b1, w2, b2 = self.unpack(w)
        z = np.tanh(x @ w1 + b1)
        o = z @ w2 + b2
        p = np.exp(o - o.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(y)), y] -= 1.0
        p /= len(y)
        dz = (p @ w2.T) * (1.0 - z * z)
        return np.concatenate([(x.T @ dz).ravel(), dz.sum(axis=0), (z.T @ p).ravel(), p.sum(axis=0)])

    def error(self, w, x, y):
        return float(np.mean(np.argmax(self.logits(w, x), axis=1) != y))


def langevin_run(path, seed, n, steps, step_size, inverse_temperature, weight_decay):
    """Full-batch Langevin dynamics on a supersample of the digits; returns the recorder (closed, finished)."""
    x, y = digits()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    pairs, rest = order[:2 * n].reshape(n, 2), order[2 * n:]
    net = MLP(x.shape[1])
    rec = LangevinRecorder(path, n=n, dimension=net.dimension, seed=seed,
                           prior=f"digits supersample (seed {seed}), MLP 64-{HIDDEN}-10 tanh, cross-entropy")
    train, ghost = rec.training_set(pairs), rec.heldout_set(pairs)
    heldout = np.concatenate([ghost, rest])  # independent of the training set: the population gradient's estimate
    candidates = pairs[rec.index]
    w = net.init(rng)
    for _ in range(steps):
        decay = weight_decay * w  # data independent: cancels in every difference the bounds use
        g = net.gradient(w, x[train], y[train]) + decay
        noise = rec.noise(step_size, inverse_temperature)
        rec.step(step_size=step_size, inverse_temperature=inverse_temperature,
                 candidate_gradients=[net.gradient(w, x[c:c + 1], y[c:c + 1]) for c in candidates], noise=noise,
                 gradient=g, heldout_gradient=net.gradient(w, x[heldout], y[heldout]) + decay)
        w = w - step_size * g + noise
    rec.finish(train_loss=net.error(w, x[train], y[train]), test_loss=net.error(w, x[ghost], y[ghost]))
    return rec


def sgd_run(path, seed, n, steps, step_size, batch_size, perturbation, perturbation_samples):
    """Minibatch SGD on n digits, the rest held out; returns the recorder (closed, finished)."""
    x, y = digits()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    train, heldout = order[:n], order[n:]
    net = MLP(x.shape[1])
    rec = SGDRecorder(path, n=n, dimension=net.dimension, perturbation=perturbation,
                      perturbation_samples=perturbation_samples, seed=seed)
    w = net.init(rng)
    xh, yh = x[heldout], y[heldout]
    for _ in range(steps):
        batch = train[rng.choice(n, batch_size, replace=False)]  # indices drawn independently of the data
        g = net.gradient(w, x[batch], y[batch])
        rec.step(step_size=step_size, batch_size=batch_size, gradient=g, heldout_gradient=net.gradient(w, xh, yh),
                 perturbed_heldout_gradients=lambda xi: net.gradient(w + xi, xh, yh))
        w = w - step_size * g
    xt, yt = x[train], y[train]
    rec.finish(train_loss=net.error(w, xt, yt), test_loss=net.error(w, xh, yh),
               losses_at=lambda xi: (net.error(w + xi, xt, yt), net.error(w + xi, xh, yh)))
    return rec


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="data/examples", help="directory for the .jsonl files")
    parser.add_argument("--runs", type=int, default=3, help="Langevin runs (seeds 0, 1, ...)")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    recorders = [(f"langevin seed {s}", langevin_run(out / f"trajectory-digits-langevin-{s}.jsonl", s, **LANGEVIN))
                 for s in range(args.runs)]
    recorders.append(("sgd seed 0", sgd_run(out / "trajectory-digits-sgd.jsonl", 0, **SGD)))
    for name, rec in recorders:
        print(f"{name}: {rec.path}: {rec.result().summary}")


if __name__ == "__main__":
    main()
