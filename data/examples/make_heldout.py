#!/usr/bin/python3
"""Held-out error count of a logistic regression on the UCI handwritten digits (scikit-learn's copy).

Writes digits-heldout.json: the split is fixed by the seed, the test half is never used in training,
so Langford's test-set bound applies to the reported count.
"""
import json
import pathlib

from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

SEED = 0
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.5, random_state=SEED, stratify=y)
model = LogisticRegression(max_iter=2000).fit(X_train, y_train)
errors = int((model.predict(X_test) != y_test).sum())
out = {
    "dataset": "sklearn.datasets.load_digits (UCI optical recognition of handwritten digits)",
    "model": "LogisticRegression(max_iter=2000) on pixels / 16",
    "split": f"train_test_split(test_size=0.5, stratify=y, random_state={SEED})",
    "errors": errors,
    "trials": int(len(y_test)),
}
path = pathlib.Path(__file__).with_name("digits-heldout.json")
path.write_text(json.dumps(out, indent=2) + "\n")
print(path, out["errors"], "/", out["trials"])
