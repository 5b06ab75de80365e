#!/usr/bin/python3
"""Design matrices for the self-certification examples (`itbound self-certify`), from scikit-learn's copies of
the UCI handwritten digits and the Wisconsin breast-cancer data.

Each task gets <name>-train.csv and <name>-test.csv: label (-1/+1; 0..9 for digits-10class) then features, last feature a constant 1
(bias). Rows are shuffled once with a fixed seed before anything is fitted, so the prefix S_alpha that
`self-certify` fits the prior on is independent of the labels. The test file is never used for fitting or
certifying; it is only for the comparison column (held-out error, Langford's test-set bound).

Feature maps must not depend on the bound set. Digits: pixels / 16 (fixed). Breast cancer: standardised with
the mean and std of the first 10% of the training rows, which lie in every prefix S_alpha of the declared grid
alpha >= 0.1 used for that task (see run_priors.py), so the map is part of the data-dependent prior.
"""
import pathlib

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits

SEED = 0
TEST_FRACTION = 0.3
OUT = pathlib.Path(__file__).with_name("priors")


def split(x, y, seed):
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]
    n_test = int(round(TEST_FRACTION * len(y)))
    return (x[n_test:], y[n_test:]), (x[:n_test], y[:n_test])


def write(name, part, x, y):
    rows = np.column_stack([y, x, np.ones(len(y))])
    path = OUT / f"{name}-{part}.csv"
    header = f"label,{x.shape[1]} features,bias; {len(y)} rows; written by make_priors_data.py (seed {SEED})"
    np.savetxt(path, rows, fmt="%.8g", delimiter=",", header=header)
    return path


def digits_pair(a, b):
    x, y = load_digits(return_X_y=True)
    keep = (y == a) | (y == b)
    return x[keep] / 16.0, np.where(y[keep] == a, 1.0, -1.0)


def main():
    OUT.mkdir(exist_ok=True)
    tasks = {f"digits-{a}v{b}": digits_pair(a, b) for a, b in [(4, 9), (3, 5), (1, 7)]}
    for name, (x, y) in tasks.items():
        (xt, yt), (xs, ys) = split(x, y, SEED)
        print(write(name, "train", xt, yt), len(yt), write(name, "test", xs, ys), len(ys))
    x, y = load_digits(return_X_y=True)  # all ten classes, labels 0..9, for --one-vs-rest
    (xt, yt), (xs, ys) = split(x / 16.0, y.astype(float), SEED)
    print(write("digits-10class", "train", xt, yt), len(yt), write("digits-10class", "test", xs, ys), len(ys))
    x, y = load_breast_cancer(return_X_y=True)
    (xt, yt), (xs, ys) = split(x, np.where(y == 1, 1.0, -1.0), SEED)
    head = xt[: len(yt) // 10]  # the smallest prefix of the alpha grid (alpha = 0.1)
    mu, sd = head.mean(axis=0), head.std(axis=0) + 1e-12
    print(write("breast-cancer", "train", (xt - mu) / sd, yt), len(yt), write("breast-cancer", "test", (xs - mu) / sd, ys), len(ys))


if __name__ == "__main__":
    main()
