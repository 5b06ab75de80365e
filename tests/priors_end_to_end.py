"""End-to-end: `itbound self-certify` on the committed digits example, then `itbound prior` on its posterior,
checking the ledger, the split hash (recomputed here independently) and the disjointness error."""
import json
import pathlib
import struct
import sys
import tempfile

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2]) / "examples" / "priors"


def fnv1a64(values, state=14695981039346656037):
    for v in values:
        for byte in struct.pack("<q", v):
            state = ((state ^ byte) * 1099511628211) % 2**64
    return state


r = run("self-certify", "--train", data / "digits-4v9-train.csv", "--test", data / "digits-4v9-test.csv",
        "--alphas", "0,0.2,0.5", "--scale-count", "6")
check(r.returncode == 0, f"self-certify exit {r.returncode}: {r.stderr}")
out = json.loads(r.stdout)
check(out["valid"] is True and out["value"] < 0.2, f"self-certify not nonvacuous: {out['value']}")
check(abs(sum(c["delta"] for c in out["delta_ledger"]) - 0.05) < 1e-12, "self-certify ledger does not sum to delta")
check(out["value"] >= out["details"]["empirical_gibbs_risk"], "certificate below the empirical risk")
m = out["inputs"]["examples"]
k = out["details"]["prior_set_size"]
check(out["details"]["n"] == m - k, "n is not the bound-set size")
bound, prior = list(range(k, m)), list(range(k))
expected = "fnv1a64:%016x" % fnv1a64(prior, fnv1a64([-1], fnv1a64(bound)))
check(out["details"]["split_hash"] == expected, f"split hash {out['details']['split_hash']} != {expected}")
check("held_out" in out and out["held_out"]["trials"] == 108, "held-out comparison missing")

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    d = len(out["posterior_mean"])
    (tmp / "mean.csv").write_text(",".join(map(repr, out["posterior_mean"])) + "\n")
    (tmp / "std.csv").write_text(repr(out["details"]["posterior_sigma"]) + "\n")
    (tmp / "c0.csv").write_text(",".join(["0"] * d) + "\n")
    (tmp / "c1.csv").write_text("\n".join(map(repr, out["prior_centre"])) + "\n")
    (tmp / "bound.txt").write_text(" ".join(map(str, bound)) + "\n")
    (tmp / "prior.txt").write_text(",".join(map(str, prior)) + "\n")
    (tmp / "overlap.txt").write_text(",".join(map(str, prior + [k])) + "\n")
    args = ["prior", "--posterior-mean", tmp / "mean.csv", "--posterior-std", tmp / "std.csv", "--centre0",
            tmp / "c0.csv", "--centre1", tmp / "c1.csv", "--emp-risk", out["details"]["empirical_gibbs_risk"],
            "--bound-indices", tmp / "bound.txt"]
    r = run(*args, "--prior-indices", tmp / "prior.txt")
    check(r.returncode == 0, f"prior exit {r.returncode}: {r.stderr}")
    p = json.loads(r.stdout)
    check(p["inputs"]["n"] == m - k and p["details"]["split_hash"] == expected, "prior: n or split hash differ from self-certify")
    check(p["valid"] and p["value"] < 0.5, f"prior certificate {p['value']}")
    check(abs(sum(c["delta"] for c in p["delta_ledger"]) - 0.05) < 1e-12, "prior ledger does not sum to delta")
    check(p["assumptions"][0]["holds"] == "yes", "disjointness not recorded")
    r = run(*args, "--prior-indices", tmp / "overlap.txt")
    check(r.returncode == 2 and "prior_indices" in r.stderr, f"overlap not rejected: {r.returncode} {r.stderr}")
    r = run(*args[:-1], tmp / "missing.txt")
    check(r.returncode == 2 and "bound-indices" in r.stderr, f"missing file: {r.returncode} {r.stderr}")

ten = data / "digits-10class-train.csv"
for args, field in [
    (["self-certify", "--train", ten], "train:"),
    (["self-certify", "--train", data / "digits-4v9-train.csv", "--alphas", "0.2,1.5"], "alphas:"),
    (["self-certify", "--train", data / "digits-4v9-train.csv", "--alphas", "0.2,x"], "alphas:"),
    (["self-certify", "--train", data / "missing.csv"], "train:"),
    (["self-certify", "--train", data / "digits-4v9-train.csv", "--test", ten], "test:"),
]:
    r = run(*args)
    check(r.returncode == 2 and field in r.stderr.splitlines()[0], f"{args}: exit {r.returncode}, stderr {r.stderr!r}")

if not checks.failures:
    print("priors end-to-end: ok")
checks.finish()
