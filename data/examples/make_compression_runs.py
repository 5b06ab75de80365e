#!/usr/bin/python3
"""Supersample runs of a learner with a known compression size, on the UCI digits (format: data/SCHEMA.md).

The learner keeps one prototype per class, the training digit nearest its class's training mean, and predicts with
1-nearest-neighbour among the ten prototypes. Its output is a function of an unordered set of exactly k = 10 of its
training points (with their labels): a compression scheme of size 10 (Steinke & Zakynthinou 2020, Theorem 7), so
`itbound cmi --compression-size 10 --compression-unordered` applies. Every class appears in every training set drawn
here (checked). k1 = 3 supersamples of n = 800 pairs of distinct digits, k2 = 16 selector draws each.
Writes data/examples/digits-prototype-1nn.npz. Deterministic (fixed seed).
"""
import os

import numpy as np

from make_digits_runs import digits_design

K1, K2, N, CLASSES = 3, 16, 800, 10


def fit_prototypes(x, y):
    """Indices (into x) of the ten prototypes: per class, the point nearest the class mean."""
    chosen = []
    for c in range(CLASSES):
        members = np.flatnonzero(y == c)
        assert len(members) > 0, f"class {c} absent from a training set: the compression set would not have 10 points"
        centre = x[members].mean(axis=0)
        chosen.append(members[np.argmin(((x[members] - centre) ** 2).sum(axis=1))])
    return np.array(chosen)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    x, y, supersamples, masks = digits_design(K1, K2, N, 2025)
    loss = np.zeros((K1, K2, N, 2), dtype=np.uint8)
    pred = np.zeros((K1, K2, N, 2), dtype=np.int16)
    for s, idx in enumerate(supersamples):
        for r in range(K2):
            train = idx[np.arange(N), masks[s, r]]
            protos = train[fit_prototypes(x[train], y[train])]
            assert len(set(protos)) == CLASSES
            for side in (0, 1):
                points = idx[:, side]
                nearest = np.argmin(((x[points][:, None, :] - x[protos][None, :, :]) ** 2).sum(axis=2), axis=1)
                pred[s, r, :, side] = y[protos][nearest]
                loss[s, r, :, side] = pred[s, r, :, side] != y[points]
    path = os.path.join(here, "digits-prototype-1nn.npz")
    np.savez_compressed(path, mask=masks, loss=loss, pred=pred)
    train_err = np.take_along_axis(loss, masks[..., None].astype(int), axis=3).mean()
    print(f"{path}: train error {train_err:.4f}, held-out error {loss.mean() * 2 - train_err:.4f}")


if __name__ == "__main__":
    main()
