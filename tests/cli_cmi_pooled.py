"""End-to-end: the CMI bounds added from the authors' public code and the compression-scheme bounds, on the bundled
digits runs, against the independent references data/reference/cmi-pooled.csv (cmi_pooled_reference.py: brute-force
counts, 50-digit mpmath); `itbound compression` and `cmi --compression-size`; bad input."""
import csv
import json
import math
import pathlib
import sys

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2])

reference = {}
with open(data / "reference" / "cmi-pooled.csv") as f:
    for row in csv.DictReader(f):
        reference[(row["run"], row["bound"])] = float(row["value"])

for model in ["logreg", "1nn", "tree"]:
    out = json.loads(run("cmi", data / "examples" / f"digits-{model}.npz", "--bootstrap", "0").stdout)
    got = {b["name"]: b for b in out["bounds"]}
    rows = [(name, exact) for (ref_model, name), exact in reference.items() if ref_model == model]
    check(len(rows) >= 6, f"{model}: {len(rows)} reference rows")  # a renamed or emptied table must not pass silently
    for name, exact in rows:
        raw = got[name]["raw_value"]
        # Never below the reference (rounded to 25 digits), and within the fast-rate grid's 1e-9 of it.
        check(exact * (1 - 1e-15) <= raw <= exact * (1 + 1e-9), f"{model} {name}: {raw} vs reference {exact}")
        check(got[name]["guarantee"] == "estimated-bound", f"{model} {name}: guarantee")
        names = [a["name"] for a in got[name]["assumptions"]]
        check(names[0] == "estimated_information" and "enough_runs" in names and
              ("not_below_measured" in names or not got[name]["applicable"]), f"{model} {name}: assumptions {names}")
    # In truth I(L; U) <= I(L; U | Z~): here the pooled estimates are smaller too, so the pooled forms are tighter.
    check(out["estimates"]["emi_mean"] <= out["estimates"]["ecmi_mean"], f"{model}: pooled e-MI above e-CMI")
    check(got["emi-binary-kl"]["value"] <= got["ecmi-binary-kl"]["value"], f"{model}: emi-binary-kl looser")
    check(got["slmi-fast-rate-closed"]["value"] >= got["slmi-fast-rate"]["value"] * (1 - 1e-9), f"{model}: closed form")
    interp = got["ldcmi-interpolating"]
    check(interp["applicable"] == (out["train_error"] == 0 and interp["value"] >= out["heldout_error"]),
          f"{model}: ldcmi-interpolating applicability")

# Compression bounds inside cmi: n = 150 pairs per supersample, k = 10 points of an unordered set.
out = json.loads(run("cmi", data / "examples" / "digits-1nn.npz", "--bootstrap", "0", "--compression-size", "10",
                     "--compression-unordered").stdout)
got = {b["name"]: b for b in out["bounds"]}
cmi = math.log(math.comb(300, 10))  # ln C(2n, k)
sq, fr = got["cmi-compression-sqrt"], got["cmi-compression-fast-rate"]
check(abs(sq["details"]["cmi_bound"] - cmi) < 1e-9 and sq["details"]["cmi_bound"] >= cmi - 1e-12, "cmi bound ln C(2n, k)")
check(abs(sq["value"] - (out["train_error"] + math.sqrt(2 * cmi / 150))) < 1e-9, f"compression sqrt {sq['value']}")
check(abs(fr["value"] - (2 * out["train_error"] + 3 * cmi / 150)) < 1e-9, f"compression fast rate {fr['value']}")
check(sq["guarantee"] == "expectation-bound" and sq["valid"] and sq["inputs"]["k1"] == 3, "compression guarantee")

# The standalone form, and the same numbers through batch.
r = run("compression", "--n", "898", "--compression-size", "10", "--train-error", "0.05")
out = json.loads(r.stdout)
check(r.returncode == 0 and abs(out["cmi_bound"] - 10 * math.log(1796)) < 1e-9, f"compression: {r.stdout[:200]}")
check(abs(out["bounds"][1]["value"] - (0.1 + 3 * 10 * math.log(1796) / 898)) < 1e-9, "compression fast rate")
job = json.dumps({"id": 1, "command": "compression",
                  "args": {"n": 898, "compression_size": 10, "train_error": 0.05}})
r = run("batch", "-", stdin=job)
record = json.loads(r.stdout.splitlines()[0])
check(r.returncode == 0 and record["result"]["cmi_bound"] == out["cmi_bound"], f"batch compression {r.stdout[:200]}")
r = run("compression", "--n", "150", "--compression-size", "3", "--train-error", "0", "--format", "table")
check(r.returncode == 0 and "cmi-compression-fast-rate" in r.stdout, "compression table")

for args, field in [
    (["compression", "--n", "10", "--compression-size", "11", "--train-error", "0"], "compression-size:"),
    (["compression", "--n", "10", "--compression-size", "2", "--train-error", "2"], "train-error:"),
    (["compression", "--n", "0", "--compression-size", "0", "--train-error", "0"], "n:"),
    (["compression", "--n", "10", "--compression-size", "2"], "train-error"),
    (["cmi", data / "examples" / "digits-1nn.npz", "--compression-size", "151"], "compression-size:"),
    (["cmi", data / "examples" / "digits-1nn.npz", "--compression-unordered"], "compression-unordered:"),
]:
    checks.check_error(args, field)

checks.finish()
