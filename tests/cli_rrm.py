"""End-to-end: `itbound rrm` on the bundled digits example against data/reference/rrm.csv (rrm_reference.py: counts and
50-digit mpmath), the same runs as JSON, batch, and bad input."""
import csv
import json
import pathlib
import sys
import tempfile

import numpy as np

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2])
npz = data / "examples" / "digits-rrm.npz"

with open(data / "reference" / "rrm.csv") as f:
    ref = {row["quantity"]: float(row["value"]) for row in csv.DictReader(f)}

r = run("rrm", npz)
check(r.returncode == 0, f"rrm: exit {r.returncode}: {r.stderr}")
out = json.loads(r.stdout)
bounds = {b["name"]: b for b in out["bounds"]}
got = {"train_accuracy_clean": out["train_accuracy_clean"], "test_accuracy": out["test_accuracy"], "gap": out["gap"],
       "robustness": out["robustness"], "memorization": out["memorization"], "rationality": out["rationality"],
       "train_noisy": out["accuracies"]["train_noisy"], "noised_train": out["accuracies"]["noised_train"],
       **{k: out["information"][k] for k in ("per_example_mean", "per_example_mean_mm", "pooled", "pooled_mm")}}
# The plug-in's sums of c ln c over n K = 24000 samples cancel to ~1e-12 relative (the estimator's formula, shared
# with the supersample estimates): estimates, not certificates, so compared to 1e-11 both ways.
for k, v in got.items():
    check(abs(v - ref[k]) <= 1e-11 * max(1e-3, abs(ref[k])), f"{k}: {v} vs reference {ref[k]}")
for name in ("memorization-pc", "memorization-pc-miller-madow", "memorization-dc", "rrm", "rrm-dc"):
    raw = bounds[name]["raw_value"]
    check(abs(raw - ref[name]) <= 1e-11 * ref[name], f"{name}: {raw} vs reference {ref[name]}")
    check(bounds[name]["guarantee"] == "estimated-bound" and bounds[name]["valid"] is None, f"{name}: guarantee")
check(out["memorization_bound"] == bounds["memorization-pc"]["value"] and out["rrm_bound"] == bounds["rrm"]["value"],
      "memorization_bound / rrm_bound are the certificates' values")
check(bounds["rrm"]["value"] >= out["gap"] and bounds["rrm-dc"]["value"] >= out["gap"], "RRM bounds above the gap")
lo, hi = out["information"]["interval"]
check(0 <= lo <= hi and bounds["memorization-pc"]["details"]["interval_lo"] <= bounds["memorization-pc"]["details"]["interval_hi"],
      "bootstrap interval")
check(run("rrm", npz, "--format", "table").stdout.count("memorization-") == 3, "table")

# The same runs as a JSON object of arrays, with the test accuracy as a number; and through batch.
d = dict(np.load(npz))
test_accuracy = float(np.mean(d.pop("test_pred") == d.pop("test_y")))
with tempfile.TemporaryDirectory() as tmp:
    path = pathlib.Path(tmp) / "runs.json"
    payload = {k: v.tolist() for k, v in d.items()}
    payload["test_accuracy"] = test_accuracy
    path.write_text(json.dumps(payload))
    r = run("rrm", path, "--bootstrap", "0")
    j = json.loads(r.stdout)
    check(r.returncode == 0 and j["rrm_bound"] == out["rrm_bound"] and j["information"]["interval"] is None,
          f"json runs: {r.stderr}")
    record = json.loads(run("batch", "-", stdin=json.dumps({"id": 1, "command": "rrm",
                                                              "args": {"runs": str(path)}})).stdout)
    check(record["result"]["gap"] == j["gap"], "batch rrm")
    # Bad inputs: each names its field.
    for change, field in [
        (lambda p: p.update(eta=0.3), "eta"),
        (lambda p: p.update(noised=[[1] * len(p["y"])] + p["noised"][1:]), "noisy_labels"),
        (lambda p: p.update(num_classes=1), "num_classes"),
        (lambda p: p.pop("clean_pred"), "clean_pred"),
        (lambda p: p.update(test_pred=[0], test_y=[0]), "test_accuracy"),
        (lambda p: p.update(typo=[1]), "typo"),
        (lambda p: p.update(noisy_pred=p["noisy_pred"][:-1]), "noisy_pred"),
    ]:
        bad = json.loads(json.dumps(payload))
        change(bad)
        path.write_text(json.dumps(bad))
        checks.check_error(["rrm", path], field)
checks.check_error(["rrm", "/nonexistent.npz"], "runs")

checks.finish()
