"""End-to-end regressions of issue 13 (outside checks): each reproducer gives a sound value or one line on stderr
naming the field, exit 2; batch exit codes and summary; deep nesting never crashes; messages never echo a whole value."""
import json
import pathlib
import subprocess
import sys
import tempfile

import mpmath as mp
import numpy as np

from cli_check import Checks

mp.mp.dps = 50
checks = Checks(sys.argv[1])
run, check, check_error = checks.run, checks.check, checks.check_error
tmp = pathlib.Path(tempfile.mkdtemp())


def out_of(*args):
    r = run(*args)
    check(r.returncode == 0, f"{args}: exit {r.returncode} {r.stderr}")
    return json.loads(r.stdout) if r.returncode == 0 else {}


# Item 1: an (N, n) matrix of per-example errors is N Monte Carlo samples (row means), never N n of them.
rng = np.random.default_rng(13)
E = (rng.random((100, 2000)) < 0.2).astype(float)
np.save(tmp / "E.npy", E)
matrix = out_of("pac-bayes", "--kl", "5", "--n", "2000", "--mc-errors", tmp / "E.npy")
same = out_of("pac-bayes", "--kl", "5", "--n", "2000", "--mc-samples", "100", "--mc-error", repr(matrix["mc"]["mean_error"]))
check(matrix["mc"]["samples"] == 100 and matrix["mc"]["rows_averaged_over"] == 2000, f"mc: {matrix.get('mc')}")
check(abs(matrix["mc"]["mean_error"] - E.mean()) <= 1e-15, "mc mean")
check(matrix["mc_upper"] == same["mc_upper"], f"mc_upper {matrix['mc_upper']} != {same['mc_upper']}")
check_error(["pac-bayes", "--kl", "5", "--n", "1000", "--mc-errors", tmp / "E.npy"], "mc-sample-errors")
np.save(tmp / "E3.npy", E.reshape(10, 10, 2000))
check_error(["pac-bayes", "--kl", "5", "--n", "2000", "--mc-errors", tmp / "E3.npy"], "mc-sample-errors")
np.save(tmp / "mi.npy", np.full((10, 200), 0.01))  # a "vector" file flattened to 2000 values matched n = 2000
check_error(["mi-bound", "--n", "2000", "--bound", "individual", "--mi-file", tmp / "mi.npy"], "mi-file")

# KL parameter files: arrays of equal size but other shapes would pair the wrong entries once flattened.
np.savez(tmp / "q23.npz", mean=np.zeros((2, 3)), std=np.ones((3, 2)))
np.savez(tmp / "p23.npz", mean=np.zeros((2, 3)), std=np.ones((2, 3)))
check_error(["kl-divergence", "--posterior", tmp / "q23.npz", "--prior", tmp / "p23.npz"], "posterior")
check(out_of("kl-divergence", "--posterior", tmp / "p23.npz", "--prior", tmp / "p23.npz").get("dimension") == 6, "same shapes")

# Items 2 and 12: underflowing delta shares are named errors, not negative deltas or NaN.
check_error(["pac-bayes", "--kl", "5", "--n", "1000", "--mc-samples", "100", "--mc-error", "0.1", "--delta-mc", "1e-320",
             "--split-candidates", "1000000", "--epoch-candidates", "1000"], "delta-mc")

# Item 3: q = 1e-300, c = 5e-324, against the root found here at 150 digits.
with mp.workdps(150):
    q, c = mp.mpf(1e-300), mp.mpf(5e-324)
    kl = lambda p: q * mp.log(q / p) + (1 - q) * (mp.log1p(-q) - mp.log1p(-p))
    lo, hi = q, q * (1 + mp.mpf("1e-9"))
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if kl(mid) < c else (lo, mid)
inv = out_of("kl-inverse", "--q", "1e-300", "--c", "5e-324")
check(mp.mpf(inv["upper"]) >= hi and inv["upper"] <= float(hi) * (1 + 1e-12), f"kl-inverse upper {inv['upper']} vs {hi}")

# Item 5: test-set at m = 1e9 is never below the exact Clopper-Pearson limit (closed form for k = 1).
ts = out_of("test-set", "--errors", "1", "--trials", "1000000000", "--delta", "0.001")
m, d = mp.mpf(10) ** 9, mp.mpf("0.001")
tail = lambda p: mp.exp(m * mp.log1p(-p)) * (1 + m * p / (1 - p))
lo, hi = mp.mpf("1e-9"), mp.mpf("2e-8")
for _ in range(200):
    mid = (lo + hi) / 2
    lo, hi = (mid, hi) if tail(mid) > d else (lo, mid)
check(mp.mpf(ts["value"]) >= hi and ts["value"] <= float(hi) * (1 + 1e-12), f"test-set {ts['value']} vs {hi}")

# Item 7: prior std 1e-160 against posterior std 1: the KL is 5e319 > DBL_MAX, reported as inf, never nan.
np.savez(tmp / "q.npz", mean=np.zeros(1), std=np.ones(1))
np.savez(tmp / "p.npz", mean=np.zeros(1), std=np.full(1, 1e-160))
r = run("kl-divergence", "--posterior", tmp / "q.npz", "--prior", tmp / "p.npz")
check(r.returncode == 0 and json.loads(r.stdout)["kl"] == "inf", f"kl-divergence: {r.returncode} {r.stdout} {r.stderr}")
check_error(["pac-bayes", "--emp-risk", "0.1", "--n", "100", "--posterior", tmp / "q.npz", "--prior", tmp / "p.npz"],
            "posterior")

# Item 10: nesting far past any format's needs is a named error (it was a segfault at ~60,000 levels).
deep = "[" * 200000 + "]" * 200000
(tmp / "deep.json").write_text(deep)
(tmp / "deep_kl.json").write_text('{"mean": ' + deep + "}")
check_error(["pac-bayes", "--kl", "5", "--n", "100", "--mc-errors", tmp / "deep.json"], "mc-sample-errors")
check_error(["kl-divergence", "--posterior", tmp / "deep_kl.json", "--prior", tmp / "deep_kl.json"], "posterior")
for command in ("trajectory", "cmi", "loo-cmi"):
    check_error([command, tmp / "deep.json"], "")
# ... and a message never echoes a whole value.
r = run("batch", "-", stdin=json.dumps({"id": 1, "command": "kl-inverse", "args": {"q": "x" * 100000, "c": 1}}) + "\n")
check(r.returncode == 1 and len(r.stdout) < 1000, f"long value echoed: {len(r.stdout)} characters")

# Item 11: exit 1 when a job fails, 2 when there is nothing to run; a one-line summary on stderr.
good = {"id": 1, "command": "kl-inverse", "args": {"q": 0.1, "c": 1}}
bad = {"id": 2, "command": "kl-inverse", "args": {"q": 2, "c": 1}}
r = run("batch", "-", stdin=json.dumps([good, good]))
check(r.returncode == 0 and r.stderr.strip() == "itbound batch: 2 jobs, 2 ok, 0 failed", f"batch ok: {r.returncode} {r.stderr!r}")
r = run("batch", "-", stdin=json.dumps([good, bad]))
check(r.returncode == 1 and r.stderr.strip() == "itbound batch: 2 jobs, 1 ok, 1 failed", f"batch failed: {r.returncode} {r.stderr!r}")
r = run("batch", "-", stdin='[{"id": 1, "command": "kl-inverse", "args": {"q": 0.1, "c": 1}}, {"id": 2,, }]')
records = [json.loads(line) for line in r.stdout.splitlines()]
check(r.returncode == 1 and len(records) == 2 and records[0]["ok"] and "job 1 of the array" in records[1]["error"]["message"],
      f"array syntax error: {r.stdout}")
raw = subprocess.run([sys.argv[1], "batch", "-"], input=b"\x93{'x'\n", capture_output=True)  # not UTF-8: it aborted
check(raw.returncode == 1 and b"malformed_job" in raw.stdout, f"non-UTF-8 job line: exit {raw.returncode}")
(tmp / "empty.jsonl").write_text("\n\n")
check_error(["batch", tmp / "empty.jsonl"], "holds no jobs")
check_error(["batch", tmp], "is a directory")

# Item 12: pac-bayes documents n up to 4.5e15 and refused n > 1e12.
big = out_of("pac-bayes", "--emp-risk", "0.1", "--kl", "5", "--n", "4500000000000000")
check(all(c["value"] >= 0.1 for c in big.get("bounds", [])) and big.get("bounds"), "pac-bayes n = 4.5e15")
check_error(["pac-bayes", "--emp-risk", "0.1", "--kl", "5", "--n", "4500000000000001"], "n")
# A directory given as any input file says so.
check_error(["trajectory", tmp], "is a directory")
check_error(["pac-bayes", "--kl", "5", "--n", "100", "--mc-errors", tmp], "mc-sample-errors")
check_error(["kl-divergence", "--posterior", tmp, "--prior", tmp / "p.npz"], "posterior")

checks.finish()
