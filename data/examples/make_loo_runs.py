#!/usr/bin/python3
"""Leave-one-out runs of two scikit-learn models on the UCI digits (format: data/SCHEMA.md, "Leave-one-out runs").

For each of K1 supersamples, N + 1 distinct digits are drawn; every index is left out REPEATS times (an
exhaustive design, so U is exactly uniform over the runs), the model is trained on the other N digits and its
0-1 loss is recorded on all N + 1. Models: 1-nearest-neighbour (deterministic and interpolating: the plug-in
loo-CMI of each supersample is exact) and a strongly regularised logistic regression (deterministic, not
interpolating). Leaving each index out twice lets itbound check determinism on the data.
Writes data/examples/digits-loo-<model>.npz. Deterministic (fixed seed).
"""
import os
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

K1, N, REPEATS = 5, 99, 2
MODELS = {
    "1nn": lambda: KNeighborsClassifier(n_neighbors=1),
    "logreg": lambda: LogisticRegression(C=0.1, max_iter=5000),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    rng = np.random.default_rng(2022)
    supersamples = [rng.choice(len(y), size=N + 1, replace=False) for _ in range(K1)]
    # Run r of every supersample leaves out index r mod (N + 1), in a shuffled run order.
    left_out = np.stack([rng.permutation(np.tile(np.arange(N + 1), REPEATS)) for _ in range(K1)]).astype(np.int16)
    for name, make in MODELS.items():
        loss = np.zeros((K1, REPEATS * (N + 1), N + 1), dtype=np.uint8)
        for s, idx in enumerate(supersamples):
            for r, u in enumerate(left_out[s]):
                train = np.delete(idx, u)
                model = make().fit(x[train], y[train])
                loss[s, r] = model.predict(x[idx]) != y[idx]
        path = os.path.join(here, f"digits-loo-{name}.npz")
        np.savez_compressed(path, loss=loss, left_out=left_out)
        held = np.take_along_axis(loss, left_out[..., None].astype(int), axis=2).mean()
        train_err = (loss.sum(axis=2) - np.take_along_axis(loss, left_out[..., None].astype(int), axis=2)[..., 0]).mean() / N
        print(f"{path}: train error {train_err:.4f}, leave-one-out error {held:.4f}, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
