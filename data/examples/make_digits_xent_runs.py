#!/usr/bin/python3
"""Supersample runs with a continuous loss: clipped cross-entropy of logistic regression on the UCI digits.

For each of k1 supersamples, 2n distinct digits are drawn and paired; for each of k2 selector draws U,
scikit-learn's LogisticRegression is trained on the n chosen members, and the loss on both members of every
pair is the cross-entropy min(-ln p(y | x), CLIP), so the declared loss range is [0, CLIP] (pass
`--loss-max 4` to `itbound cmi`, and `--estimator knn` for these continuous values). A class absent from a
training set has probability 0 and loss CLIP. Integer predictions are stored too (f-CMI).
Writes data/examples/digits-logreg-xent.npz (format: data/SCHEMA.md). Deterministic (fixed seeds).
"""
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

from make_digits_runs import digits_design

K1, K2, N = 3, 20, 100
CLIP = 4.0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    x, y, supersamples, masks = digits_design(K1, K2, N, 2025)
    loss = np.zeros((K1, K2, N, 2))
    pred = np.zeros((K1, K2, N, 2), dtype=np.int16)
    for s, idx in enumerate(supersamples):
        for r in range(K2):
            train = idx[np.arange(N), masks[s, r]]
            model = LogisticRegression(max_iter=5000).fit(x[train], y[train])
            column = {c: j for j, c in enumerate(model.classes_)}
            for side in (0, 1):
                members = idx[:, side]
                proba = model.predict_proba(x[members])
                p_true = np.array([proba[j, column[c]] if c in column else 0.0 for j, c in enumerate(y[members])])
                with np.errstate(divide="ignore"):
                    loss[s, r, :, side] = np.minimum(-np.log(p_true), CLIP)
                pred[s, r, :, side] = model.predict(x[members])
    path = os.path.join(here, "digits-logreg-xent.npz")
    np.savez_compressed(path, mask=masks, loss=loss, pred=pred)
    train_loss = np.take_along_axis(loss, masks[..., None].astype(int), axis=3).mean()
    print(f"{path}: train loss {train_loss:.4f}, held-out loss {loss.mean() * 2 - train_loss:.4f}, "
          f"clipped {np.mean(loss == CLIP):.4f}, size {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
