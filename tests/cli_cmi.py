"""End-to-end: `itbound cmi` on the bundled digits runs and on bad input."""
import json
import pathlib
import sys

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2])


names = {"fcmi-sqrt", "ecmi-sqrt", "ldcmi-sqrt", "ldmi-sqrt", "ecmi-binary-kl", "ecmi-fast-rate", "slmi-fast-rate",
         "ldmi-interpolating", "heldout-upper-limit",
         # from the authors' public code (bounds/CMI-BOUNDS.md, 6-8; values checked in cli_cmi_pooled.py)
         "emi-sqrt", "emi-binary-kl", "emi-fast-rate", "slmi-sqrt", "slmi-fast-rate-closed", "ldcmi-interpolating"}
pooled_emi = {"emi-sqrt", "emi-binary-kl", "emi-fast-rate"}  # plug-in only: no k-NN pooled pair estimate
for model in ["logreg", "1nn", "tree"]:
    r = run("cmi", "--runs", str(data / "examples" / f"digits-{model}.npz"))
    check(r.returncode == 0, f"{model}: exit {r.returncode}: {r.stderr}")
    out = json.loads(r.stdout)
    check(abs(out["gap"] - (out["heldout_error"] - out["train_error"])) < 1e-12, f"{model}: gap")
    check(set(out["estimates"]) >= {"fcmi_mean", "ecmi_mean", "ldcmi_mean", "ldmi_mean"}, f"{model}: estimates")
    got = {b["name"]: b for b in out["bounds"]}
    check(set(got) == names, f"{model}: bound names {sorted(got)}")
    # Data processing: f-CMI >= e-CMI >= ld-CMI holds for the plug-in estimates too (functions of X).
    e = out["estimates"]
    check(e["fcmi_mean"] >= e["ecmi_mean"] - 1e-12 >= e["ldcmi_mean"] - 2e-12, f"{model}: data processing {e}")
    for b in out["bounds"]:
        check(all(k in b for k in ("value", "applicable", "guarantee", "details", "reference")) and "statement" not in b,
              f"{model}: brief fields of {b['name']}")
        if b["name"] not in ("ldmi-interpolating", "heldout-upper-limit"):
            # Estimated from finitely many runs: an estimate of a bound, never "valid".
            check(b["guarantee"] == "estimated-bound" and b["valid"] is None and "spread" in b["details"],
                  f"{model}: {b['name']} guarantee")
            check(b["value"] >= out["train_error"], f"{model}: {b['name']} below train error")
            check(b["assumptions"][0]["name"] == "estimated_information", f"{model}: {b['name']} assumptions")
    interp = got["ldmi-interpolating"]
    check(interp["guarantee"] == "estimate" and interp["valid"] is None, f"{model}: the identity is an estimate")
    check(interp["applicable"] == (out["train_error"] == 0), f"{model}: interpolating applicability")
    # The one certificate: Chernoff-Hoeffding over the k1 supersamples' held-out errors, at delta = 0.05.
    ucl = got["heldout-upper-limit"]
    check(ucl["guarantee"] == "certificate" and ucl["valid"] and ucl["delta"] == 0.05
          and ucl["value"] >= out["heldout_error"], f"{model}: held-out upper limit {ucl['value']}")
    check(out["summary"].startswith("measured held-out error"), f"{model}: summary {out['summary']}")
    # --full adds the fields written for a person: each bound's statement and the assumptions' texts.
    full = json.loads(run("cmi", "--runs", str(data / "examples" / f"digits-{model}.npz"), "--full").stdout)
    check(all("statement" in b and "statement" in b["assumptions"][0] for b in full["bounds"]), f"{model}: --full")
    r = run("cmi", "--runs", str(data / "examples" / f"digits-{model}.npz"), "--format", "table")
    check(r.returncode == 0 and "ldcmi-sqrt" in r.stdout and "held-out error" in r.stdout, f"{model}: table")

# The total-CMI form when a total is given: train + sqrt(2 CMI / n), n = 150 here.
r = run("cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--total-cmi", "15", "--bootstrap", "0")
out = json.loads(r.stdout)
total = next(b for b in out["bounds"] if b["name"] == "cmi-total-sqrt")
check(abs(total["value"] - (out["train_error"] + (2 * 15 / 150) ** 0.5)) < 1e-12, f"cmi-total-sqrt {total['value']}")
# A given total needs no runs to estimate it, but the held-out error measured on the runs can still refute it.
check([a["name"] for a in total["assumptions"]] == ["expectation", "supplied_information", "not_below_measured"],
      "cmi-total-sqrt assumptions")
r = run("cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--total-cmi", "1e-6", "--bootstrap", "0")
low = next(b for b in json.loads(r.stdout)["bounds"] if b["name"] == "cmi-total-sqrt")
check(not low["applicable"] and low["reason"].startswith("not_below_measured"), f"refuted total CMI: {low['reason']}")

# Continuous losses: clipped cross-entropy of logistic regression, declared range [0, 4], k-NN estimator.
cont = str(data / "examples" / "digits-logreg-xent.npz")
r = run("cmi", "--runs", cont, "--loss-max", "4", "--estimator", "knn", "--k", "3")
check(r.returncode == 0, f"knn: exit {r.returncode}: {r.stderr}")
out = json.loads(r.stdout)
got = {b["name"]: b for b in out["bounds"]}
check(set(got) >= names - {"fcmi-sqrt"} - pooled_emi and not set(got) & pooled_emi, f"knn: bound names {sorted(got)}")
check(out["estimator"] == "knn" and out["knn"]["k"] == 3, "knn: echo")
check(set(out["knn"]["ecmi"]) == {"negative_fraction", "pair_sd", "tied_fraction", "undetermined_fraction"}, f"knn: summary {out['knn']}")
check(out["knn"]["ecmi"]["tied_fraction"] < 0.01, "knn: continuous losses should have (almost) no ties")
for b in out["bounds"]:
    if not b["name"].endswith("-interpolating"):
        check(out["train_error"] <= b["value"] <= 4, f"knn: {b['name']} = {b['value']}")
check(not got["ldmi-interpolating"]["applicable"] and not got["ldcmi-interpolating"]["applicable"],
      "knn: interpolating must not apply to continuous losses")
# The same file under the plug-in estimator: each continuous value is its own category, so the plug-in
# information is near its maximum and the square-root bounds are far looser than the k-NN ones.
plug = json.loads(run("cmi", "--runs", cont, "--loss-max", "4", "--bootstrap", "0").stdout)
check(plug["estimates"]["ecmi_mean"] > out["estimates"]["ecmi_mean"], "plug-in vs knn on continuous losses")
r = run("cmi", "--runs", cont, "--estimator", "knn")
check(r.returncode == 2 and "loss:" in r.stderr, "continuous losses outside the default range [0, 1]")
# --per-pair: one value per pair whose mean is the reported mean; without it the output has no per_pair.
r = run("cmi", "--runs", str(data / "examples" / "digits-tree.npz"), "--bootstrap", "0", "--per-pair")
out = json.loads(r.stdout)
n = out["shape"]["n"]
for kind in ["fcmi", "ecmi", "ldcmi", "ldmi", "slmi"]:
    values = out["per_pair"][kind]
    check(len(values) == n and abs(sum(values) / n - out["estimates"][f"{kind}_mean"]) < 1e-12, f"per_pair {kind}")
check(json.loads(run("cmi", "--runs", str(data / "examples" / "digits-tree.npz"), "--bootstrap", "0").stdout)["per_pair"]
      is None, "per_pair only on request")
# ... and under the k-NN estimator the raw per-pair values, whose means are the reported (raw) means.
out = json.loads(run("cmi", "--runs", cont, "--loss-max", "4", "--estimator", "knn", "--per-pair").stdout)
for kind in ["ecmi", "ldcmi", "ldmi", "slmi"]:
    values = out["per_pair"][kind]
    check(len(values) == out["shape"]["n"] and abs(sum(values) / len(values) - out["estimates"][f"{kind}_mean"]) < 1e-12,
          f"knn per_pair {kind}")

for args, field in [
    (["cmi", "--runs", "/nonexistent.npz"], "path:"),
    (["cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--loss-max", "0.5"], "loss:"),
    (["cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--correction", "bogus"], "correction:"),
    (["cmi", "--runs", str(data / "examples" / "make_digits_runs.py")], "path:"),
    (["cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--estimator", "bogus"], "estimator:"),
    (["cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--estimator", "knn", "--k", "0"], "k:"),
    (["cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--total-cmi", "200"], "total-cmi:"),
    (["cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--total-cmi", "-1"], "total-cmi:"),
]:
    r = run(*args)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and field in lines[0],
          f"{args}: exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")

checks.finish()
