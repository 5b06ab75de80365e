#!/usr/bin/python3
"""Supersample runs of three scikit-learn models on the UCI digits (format: data/SCHEMA.md).

For each of k1 supersamples, 2n distinct digits are drawn and paired; for each of k2 selector draws U,
the model is trained on the n chosen members and its 0-1 loss and prediction are recorded on both
members of every pair. Writes data/examples/digits-<model>.npz. Deterministic (fixed seeds).
"""
import os
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

K1, K2, N = 3, 16, 150
MODELS = {
    "logreg": lambda seed: LogisticRegression(max_iter=2000),
    "1nn": lambda seed: KNeighborsClassifier(n_neighbors=1),
    "tree": lambda seed: DecisionTreeClassifier(random_state=seed),
}


def digits_design(k1, k2, n, seed):
    """The digits scaled to [0, 1], k1 supersamples of n pairs of distinct digits, (k1, k2, n) selectors."""
    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    rng = np.random.default_rng(seed)
    supersamples = [rng.choice(len(y), size=(n, 2), replace=False) for _ in range(k1)]
    masks = rng.integers(0, 2, size=(k1, k2, n)).astype(np.uint8)
    return x, y, supersamples, masks


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    x, y, supersamples, masks = digits_design(K1, K2, N, 2024)
    for name, make in MODELS.items():
        loss = np.zeros((K1, K2, N, 2))
        pred = np.zeros((K1, K2, N, 2), dtype=np.int16)
        for s, idx in enumerate(supersamples):
            for r in range(K2):
                u = masks[s, r]
                train = idx[np.arange(N), u]
                model = make(s * K2 + r).fit(x[train], y[train])
                for side in (0, 1):
                    p = model.predict(x[idx[:, side]])
                    pred[s, r, :, side] = p
                    loss[s, r, :, side] = p != y[idx[:, side]]
        path = os.path.join(here, f"digits-{name}.npz")
        np.savez_compressed(path, mask=masks, loss=loss, pred=pred)
        train_err = np.take_along_axis(loss, masks[..., None].astype(int), axis=3).mean()
        print(f"{path}: train error {train_err:.4f}, held-out error {loss.mean() * 2 - train_err:.4f}")


if __name__ == "__main__":
    main()
