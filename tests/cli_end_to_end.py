"""End-to-end: the built itbound executable on the bundled example and on bad input."""
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


example = json.loads((data / "examples" / "digits-heldout.json").read_text())
r = run("test-set", "--errors", str(example["errors"]), "--trials", str(example["trials"]), "--delta", "0.05")
check(r.returncode == 0, f"test-set exit {r.returncode}: {r.stderr}")
out = json.loads(r.stdout)
rate = example["errors"] / example["trials"]
check(rate < out["value"] <= out["kl_relaxation"] < 1, f"test-set ordering: {out}")
check(out["name"] == "test-set" and out["valid"] is True, "test-set certificate fields")

r = run("kl-inverse", "--q", "0", "--c", "1")
check(r.returncode == 0 and abs(json.loads(r.stdout)["upper"] - 0.6321205588285577) < 1e-15, "kl-inverse q=0")
check('"upper": 0.63212055882855778' in r.stdout, "17 significant digits: " + r.stdout)

for args, field in [
    (["kl-inverse", "--q", "1.5", "--c", "1"], "q:"),
    (["kl-inverse", "--q", "nan", "--c", "1"], "q:"),
    (["kl-inverse", "--q", "0.5", "--c", "-1"], "c:"),
    (["kl-inverse", "--q", "0.5"], "c:"),
    (["test-set", "--errors", "5", "--trials", "3"], "errors:"),
    (["test-set", "--errors", "1", "--trials", "3", "--delta", "1"], "delta:"),
    (["test-set", "--errors", "x", "--trials", "3"], "errors:"),
    (["no-such-command"], "no-such-command"),
]:
    r = run(*args)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and field in lines[0],
          f"{args}: exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")

# Trajectory: the second step lacks incoherence_sq, so only Pensia applies (values by hand in unit-trajectory.cpp).
r = run("trajectory", "--file", str(data / "examples" / "trajectory-small.jsonl"))
check(r.returncode == 0, f"trajectory exit {r.returncode}: {r.stderr}")
certs = {c["name"]: c for c in json.loads(r.stdout)["certificates"]}
check(abs(certs["pensia"]["value"] - 0.05606285131093379) < 1e-14, f"trajectory pensia: {certs['pensia']}")
check(not certs["negrea"]["valid"] and certs["negrea"]["missing"] == "incoherence_sq", "trajectory negrea missing")
r = run("trajectory", "--file", str(data / "examples" / "trajectory-small.jsonl"), "--bound", "negrea")
check(r.returncode == 0 and [c["name"] for c in json.loads(r.stdout)["certificates"]] == ["negrea"], "--bound")
r = run("trajectory", "--file", str(data / "no-such-file.jsonl"))
check(r.returncode == 2 and r.stderr.count("file:") == 1, f"trajectory missing file: {r.stderr!r}")

# mi-bound: Xu-Raginsky sqrt(2 (1/2)^2 5 / 1000) = 0.05; individual (1/4)(0.1 + 3 * 0.2) = 0.175.
r = run("mi-bound", "--mi", "5", "--n", "1000")
check(r.returncode == 0 and abs(json.loads(r.stdout)["value"] - 0.05) < 1e-14, f"mi-bound: {r.stdout}{r.stderr}")
r = run("mi-bound", "--mi", "0.02, 0.08,0.08,0.08", "--n", "4", "--bound", "individual")
check(r.returncode == 0 and abs(json.loads(r.stdout)["value"] - 0.175) < 1e-14, f"mi-bound individual: {r.stderr}")
r = run("mi-bound", "--mi", "-0.01", "--n", "4")
check(r.returncode == 2 and r.stderr.count("mi:") == 1, f"mi-bound negative mi: {r.stderr!r}")

r = run("test-set", "--help")
check(r.returncode == 0 and "Allowed: (0, 1)" in r.stdout, "help shows ranges")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
