#!/usr/bin/python3
"""RRM runs (data/RRM-SCHEMA.md) of a "representation, then simple classifier" pipeline on the UCI digits.

Representation: PCA to 20 dimensions, fitted once on the training inputs without their labels (as a self-supervised
representation would be) and then fixed. Classifier: multinomial logistic regression on the 20 features. One clean run
on the labels y, and K = 20 runs on eta-noisy labels (eta = 0.05: each label, independently with probability eta,
replaced by a uniformly random *different* class; a fresh noise draw per run). Train/test split 1200 / 597 with a fixed
seed; accuracies against the clean labels. Writes data/examples/digits-rrm.npz. Deterministic.
"""
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression

K, ETA, DIM, TRAIN, SEED = 20, 0.05, 20, 1200, 2021


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    x, y = load_digits(return_X_y=True)
    classes = int(y.max()) + 1
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(y))
    train, test = order[:TRAIN], order[TRAIN:]
    features = PCA(n_components=DIM, random_state=SEED).fit(x[train] / 16.0).transform(x / 16.0)
    fit = lambda labels: LogisticRegression(max_iter=5000).fit(features[train], labels)
    clean = fit(y[train])
    noisy_labels = np.zeros((K, TRAIN), dtype=np.int16)
    noisy_pred = np.zeros((K, TRAIN), dtype=np.int16)
    noised = np.zeros((K, TRAIN), dtype=np.uint8)
    for k in range(K):
        flip = rng.random(TRAIN) < ETA
        shift = rng.integers(1, classes, size=TRAIN)  # 1..C-1: a uniformly random different class
        labels = np.where(flip, (y[train] + shift) % classes, y[train])
        noisy_labels[k], noised[k] = labels, flip
        noisy_pred[k] = fit(labels).predict(features[train])
    path = os.path.join(here, "digits-rrm.npz")
    np.savez_compressed(path, y=y[train].astype(np.int16), clean_pred=clean.predict(features[train]).astype(np.int16),
                        noisy_labels=noisy_labels, noisy_pred=noisy_pred, noised=noised,
                        test_pred=clean.predict(features[test]).astype(np.int16), test_y=y[test].astype(np.int16),
                        num_classes=np.int64(classes), eta=np.float64(ETA))
    print(f"{path}: clean train accuracy {np.mean(clean.predict(features[train]) == y[train]):.4f}, test accuracy "
          f"{np.mean(clean.predict(features[test]) == y[test]):.4f}, noised share {noised.mean():.4f}")


if __name__ == "__main__":
    main()
