"""End-to-end: the built itbound executable on the bundled example and on bad input."""
import json
import pathlib
import sys

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2])


example = json.loads((data / "examples" / "digits-heldout.json").read_text())
r = run("test-set", "--errors", str(example["errors"]), "--trials", str(example["trials"]), "--delta", "0.05")
check(r.returncode == 0, f"test-set exit {r.returncode}: {r.stderr}")
out = json.loads(r.stdout)
rate = example["errors"] / example["trials"]
check(rate < out["value"] <= out["details"]["kl_relaxation"] < 1, f"test-set ordering: {out}")
check(out["name"] == "test-set" and out["valid"] is True, "test-set certificate fields")

r = run("kl-inverse", "--q", "0", "--c", "1")
check(r.returncode == 0 and abs(json.loads(r.stdout)["upper"] - 0.6321205588285577) < 1e-15, "kl-inverse q=0")
check('"upper": 0.6321205588285578,' in r.stdout, "the shortest digits that read back: " + r.stdout)

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
certs = {c["name"]: c for c in json.loads(r.stdout)["bounds"]}
check(abs(certs["pensia"]["value"] - 0.05606285131093379) < 1e-14, f"trajectory pensia: {certs['pensia']}")
check(not certs["negrea"]["applicable"] and certs["negrea"]["details"]["missing"] == "incoherence_sq",
      "trajectory negrea missing")
# The same two steps as NPZ (numpy.savez members): the same certificates.
r = run("trajectory", "--file", str(data / "examples" / "trajectory-small.npz"))
npz = json.loads(r.stdout) if r.returncode == 0 else {}
check(npz.get("format") == "npz" and npz["bounds"] == list(certs.values()), f"trajectory npz: {r.stdout}{r.stderr}")
# The input file may be given positionally, as the issue's `itbound trajectory FILE` reads.
r = run("trajectory", str(data / "examples" / "trajectory-small.jsonl"))
check(r.returncode == 0 and json.loads(r.stdout)["bounds"] == list(certs.values()), f"trajectory FILE: {r.stderr}")
r = run("trajectory", "--file", str(data / "examples" / "trajectory-small.jsonl"), "--bound", "negrea")
check(r.returncode == 0 and [c["name"] for c in json.loads(r.stdout)["bounds"]] == ["negrea"], "--bound")
r = run("trajectory", "--file", str(data / "no-such-file.jsonl"))
check(r.returncode == 2 and r.stderr.count("file:") == 1, f"trajectory missing file: {r.stderr!r}")

# mi-bound: Xu-Raginsky sqrt(2 (1/2)^2 5 / 1000) = 0.05; individual (1/4)(0.1 + 3 * 0.2) = 0.175.
r = run("mi-bound", "--mi", "5", "--n", "1000")
check(r.returncode == 0 and abs(json.loads(r.stdout)["value"] - 0.05) < 1e-14, f"mi-bound: {r.stdout}{r.stderr}")
r = run("mi-bound", "--mi", "0.02, 0.08,0.08,0.08", "--n", "4", "--bound", "individual")
check(r.returncode == 0 and abs(json.loads(r.stdout)["value"] - 0.175) < 1e-14, f"mi-bound individual: {r.stderr}")

# The same per-example values from a file; and estimated by KSG from paired samples of (W, Z_i).
import tempfile  # noqa: E402

import numpy as np  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    np.save(tmp / "mi.npy", np.array([0.02, 0.08, 0.08, 0.08]))
    r = run("mi-bound", "--mi-file", str(tmp / "mi.npy"), "--n", "4", "--bound", "individual")
    check(r.returncode == 0 and abs(json.loads(r.stdout)["value"] - 0.175) < 1e-14, f"mi-bound --mi-file: {r.stderr}")
    # W = mean of the 3 examples + noise, Z_i ~ N(0, 1): I(W; Z_i) = -ln(1 - rho^2)/2, rho^2 = (1/9)/(1/3 + 0.09).
    rng = np.random.default_rng(7)
    z = rng.standard_normal((3000, 3))
    np.savez(tmp / "samples.npz", w=z.mean(axis=1) + 0.3 * rng.standard_normal(3000), z=z)
    r = run("mi-bound", "--samples", str(tmp / "samples.npz"), "--n", "3", "--bound", "individual")
    check(r.returncode == 0, f"mi-bound --samples: {r.stderr}")
    out = json.loads(r.stdout)
    raw = out["estimates"]["raw"]
    truth = -0.5 * np.log(1 - (1 / 9) / (1 / 3 + 0.09))
    check(len(raw) == 3 and all(abs(v - truth) < 0.05 for v in raw), f"mi-bound KSG estimates {raw} vs {truth}")
    expected = np.mean([np.sqrt(2 * 0.25 * max(v, 0.0)) for v in raw])
    check(abs(out["value"] - expected) < 1e-12, f"mi-bound --samples value {out['value']} vs {expected}")
    check(any(a["name"] == "estimated_information" for a in out["assumptions"]), "mi-bound --samples says it estimated")
    # Discrete examples (fair bits), W their mean: I(W; Z_i) = H(Bin(5)) - H(Bin(4)) = 0.116 nats. KSG on the ties
    # gave about -2.2, clamped to a bound of 0: it must refuse, naming the estimator; plug-in is meant for it.
    bits = rng.integers(0, 2, size=(200, 5)).astype(float)
    np.savez(tmp / "bits.npz", w=bits.mean(axis=1), z=bits)
    r = run("mi-bound", "--samples", str(tmp / "bits.npz"), "--n", "5", "--bound", "individual")
    check(r.returncode == 2 and r.stderr.count("estimator:") == 1 and "mixed" in r.stderr,
          f"mi-bound KSG on ties: {r.returncode} {r.stdout[:200]!r} {r.stderr!r}")
    r = run("mi-bound", "--samples", str(tmp / "bits.npz"), "--n", "5", "--bound", "individual", "--estimator", "plug-in")
    out = json.loads(r.stdout) if r.returncode == 0 else {}
    # Plug-in MI recomputed here from the counts, per column; the bound is the mean of sqrt(2 (1/4) I_i).
    mi = []
    for i in range(5):
        _, joint = np.unique(np.stack([bits.mean(axis=1), bits[:, i]], axis=1), axis=0, return_counts=True)
        _, cw = np.unique(bits.mean(axis=1), return_counts=True)
        _, cz = np.unique(bits[:, i], return_counts=True)
        mi.append(sum(-np.sum(c / 200 * np.log(c / 200)) for c in (cw, cz)) + np.sum(joint / 200 * np.log(joint / 200)))
    check(r.returncode == 0 and max(abs(a - b) for a, b in zip(out["estimates"]["raw"], mi)) < 1e-12
          and abs(out["value"] - np.mean(np.sqrt(0.5 * np.array(mi)))) < 1e-12, f"mi-bound plug-in on ties: {r.stderr}")
    check(r.returncode == 0 and out["value"] > 0.2, "plug-in bound near sqrt(2 (1/4) 0.116) = 0.241")
    for args, field in [(["--samples", str(tmp / "samples.npz")], "samples:"),
                        (["--mi", "0.1", "--mi-file", str(tmp / "mi.npy"), "--bound", "individual"], "mi:"),
                        (["--mi-file", str(tmp / "nope.npy"), "--bound", "individual"], "mi-file:")]:
        r = run("mi-bound", "--n", "3", *args)
        check(r.returncode == 2 and r.stderr.count(field) == 1, f"mi-bound {args}: {r.stderr!r}")
r = run("mi-bound", "--mi", "-0.01", "--n", "4")
check(r.returncode == 2 and r.stderr.count("mi:") == 1, f"mi-bound negative mi: {r.stderr!r}")

r = run("test-set", "--help")
check(r.returncode == 0 and "Allowed: (0, 1)" in r.stdout, "help shows ranges")

# pac-bayes: the whole family, the best valid bound, the Monte Carlo step and its ledger.
r = run("pac-bayes", "--emp-risk", "0.1", "--kl", "5000", "--n", "30000", "--delta", "0.025", "--baseline-error", "0.9")
check(r.returncode == 0, f"pac-bayes exit {r.returncode}: {r.stderr}")
out = json.loads(r.stdout)
names = [b["name"] for b in out["bounds"]]
check(names == ["kl", "kl-2sqrtn", "kl-langford-seeger", "kl-dr17", "mcallester", "quad", "lambda", "catoni",
                "pinsker", "bernstein-relaxation"], f"pac-bayes names {names}")
check(out["best"]["name"] == "kl" and out["best"]["value"] == out["bounds"][0]["value"] and out["mc_upper"] is None,
      "pac-bayes best")
for b in out["bounds"]:
    check(b["valid"] and b["details"]["nonvacuous"] and 0.1 <= b["value"] < 1 and abs(b["delta"] - 0.025) < 1e-15,
          f"pac-bayes {b['name']}")
check(0 <= out["bounds"][0]["value"] - 0.3494218934005326 < 1e-8, "pac-bayes kl vs mpmath")
r = run("pac-bayes", "--kl", "10", "--n", "5000", "--delta", "0.025", "--mc-samples", "1000", "--mc-mean-error", "0.05",
        "--delta-mc", "0.01")
out = json.loads(r.stdout)
check(abs(out["mc_upper"] - 0.07565109632739392) < 1e-12, "pac-bayes mc_upper vs mpmath")
check(all(abs(b["delta"] - 0.035) < 1e-15 and b["raw_value"] >= out["mc_upper"] for b in out["bounds"]),
      "pac-bayes MC ledger")
for args, field in [
    (["pac-bayes", "--kl", "1", "--n", "10"], "emp-risk:"),
    (["pac-bayes", "--emp-risk", "0.1", "--kl", "-1", "--n", "10"], "kl:"),
    (["pac-bayes", "--emp-risk", "0.1", "--kl", "1", "--n", "0"], "n:"),
    (["pac-bayes", "--kl", "1", "--n", "10", "--mc-samples", "5"], "mc-mean-error:"),
]:
    r = run(*args)
    check(r.returncode == 2 and field in r.stderr, f"{args}: exit {r.returncode}, stderr {r.stderr!r}")

# pac-bayes --posterior/--prior: KL from stored diagonal Gaussians (JSON), isotropic prior; mpmath reference
# 256.2238026183378 (data/reference/kl_divergence.py, "isotropic").
import tempfile
with tempfile.TemporaryDirectory() as tmp:
    q, p = pathlib.Path(tmp) / "q.json", pathlib.Path(tmp) / "p.json"
    q.write_text(json.dumps({"mean": [0.1, -0.3, 2.0, 0.0], "std": [0.05, 0.2, 1.0, 0.3]}))
    p.write_text(json.dumps({"mean": 0, "std": 0.1}))
    r = run("pac-bayes", "--emp-risk", "0.1", "--posterior", str(q), "--prior", str(p), "--n", "1000")
    check(r.returncode == 0 and 0 <= json.loads(r.stdout)["kl"] - 256.2238026183378 < 1e-10, f"pac-bayes KL from files {r.stderr}")
    r = run("pac-bayes", "--emp-risk", "0.1", "--posterior", str(q), "--n", "1000")
    check(r.returncode == 2 and "prior:" in r.stderr, "pac-bayes posterior without prior")

# A prior variance picked on Dziugaite & Roy's grid: j = 250 costs 2 ln 250 + ln(pi^2/6) nats of confidence.
r = run("pac-bayes", "--emp-risk", "0.05", "--kl", "30", "--n", "5000", "--prior-grid-index", "250")
plain = run("pac-bayes", "--emp-risk", "0.05", "--kl", "30", "--n", "5000")
check(r.returncode == 0 and json.loads(r.stdout)["bounds"][0]["value"] > json.loads(plain.stdout)["bounds"][0]["value"],
      "pac-bayes grid charge")
r = run("pac-bayes", "--emp-risk", "0.05", "--kl", "30", "--n", "5000", "--prior-grid-index", "0")
check(r.returncode == 2 and "prior-grid-index:" in r.stderr, "pac-bayes grid index 0")

checks.finish()
