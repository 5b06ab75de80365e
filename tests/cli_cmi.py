"""End-to-end: `itbound cmi` on the bundled digits runs and on bad input."""
import json
import pathlib
import subprocess
import sys

exe, data = sys.argv[1], pathlib.Path(sys.argv[2])
failures = []


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True)


def check(cond, what):
    if not cond:
        failures.append(what)


names = {"fcmi-sqrt", "ecmi-sqrt", "ldcmi-sqrt", "ldmi-sqrt", "ldmi-interpolating"}
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
        check(all(k in b for k in ("value", "valid", "spread", "reference")), f"{model}: fields of {b['name']}")
        if b["name"].endswith("-sqrt"):
            check(b["value"] >= out["train_error"], f"{model}: {b['name']} below train error")
    check(got["ldmi-interpolating"]["valid"] == (out["train_error"] == 0), f"{model}: interpolating validity")
    r = run("cmi", "--runs", str(data / "examples" / f"digits-{model}.npz"), "--format", "table")
    check(r.returncode == 0 and "ldcmi-sqrt" in r.stdout and "held-out error" in r.stdout, f"{model}: table")

# --per-pair: one value per pair whose mean is the reported mean; without it the output has no per_pair.
r = run("cmi", "--runs", str(data / "examples" / "digits-tree.npz"), "--bootstrap", "0", "--per-pair")
out = json.loads(r.stdout)
n = out["shape"]["n"]
for kind in ["fcmi", "ecmi", "ldcmi", "ldmi"]:
    values = out["per_pair"][kind]
    check(len(values) == n and abs(sum(values) / n - out["estimates"][f"{kind}_mean"]) < 1e-12, f"per_pair {kind}")
check("per_pair" not in json.loads(run("cmi", "--runs", str(data / "examples" / "digits-tree.npz"), "--bootstrap", "0").stdout),
      "per_pair only on request")

for args, field in [
    (["cmi", "--runs", "/nonexistent.npz"], "path:"),
    (["cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--loss-max", "0.5"], "loss:"),
    (["cmi", "--runs", str(data / "examples" / "digits-1nn.npz"), "--correction", "bogus"], "correction:"),
    (["cmi", "--runs", str(data / "examples" / "make_digits_runs.py")], "path:"),
]:
    r = run(*args)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and field in lines[0],
          f"{args}: exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
