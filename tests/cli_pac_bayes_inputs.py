"""End-to-end: KL terms from NPZ/JSON files of every family, the Dziugaite-Roy grid from a prior variance, and
per-sample Monte Carlo errors (file or inline batch array), each against an mpmath value computed here."""
import json
import pathlib
import sys
import tempfile

import mpmath as mp
import numpy as np

mp.mp.dps = 40
from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check


def kl_of(*args):
    r = run("kl-divergence", *args)
    check(r.returncode == 0, f"kl-divergence {args}: {r.stderr}")
    return json.loads(r.stdout) if r.returncode == 0 else {"kl": float("nan")}


def near_above(value, ref, rel=1e-12):
    return ref <= value <= ref * (1 + rel) + 1e-300


tmp = pathlib.Path(tempfile.mkdtemp())
# Diagonal Gaussian, isotropic prior N(0, 0.1^2 I): the textbook closed form, summed at 40 digits.
mq, sq = [0.1, -0.3, 2.0, 0.0], [0.05, 0.2, 1.0, 0.3]
ref_diag = sum(mp.mpf(s) ** 2 / mp.mpf("0.01") + mp.mpf(m) ** 2 / mp.mpf("0.01") - 1 - 2 * mp.log(mp.mpf(s) / mp.mpf("0.1"))
               for m, s in zip(mq, sq)) / 2
np.savez(tmp / "q.npz", mean=np.array(mq), std=np.array(sq))
np.savez(tmp / "p.npz", mean=np.zeros(4), std=0.1)
(tmp / "q.json").write_text(json.dumps({"mean": mq, "log_var": [float(np.log(s * s)) for s in sq]}))
(tmp / "p.json").write_text(json.dumps({"mean": 0, "std": 0.1}))
for q, p in [("q.npz", "p.npz"), ("q.json", "p.json"), ("q.npz", "p.json")]:
    out = kl_of("--posterior", str(tmp / q), "--prior", str(tmp / p))
    check(near_above(out["kl"], float(ref_diag), 1e-12) and out["dimension"] == 4, f"diag KL {q} {p}: {out}")

# Full covariance: 1/2 [tr(Sp^-1 Sq) + m^T Sp^-1 m - d + ln det Sp - ln det Sq] with mpmath matrices.
cq, cp = [[0.5, 0.1], [0.1, 0.3]], [[2.0, 0.3], [0.3, 1.0]]
Mq, Mp, dm = mp.matrix(cq), mp.matrix(cp), mp.matrix([0.1 - 0.0, 0.2 - 0.5])
Pi = Mp ** -1
ref_full = (sum((Pi * Mq)[i, i] for i in range(2)) + (dm.T * Pi * dm)[0] - 2 + mp.log(mp.det(Mp)) - mp.log(mp.det(Mq))) / 2
np.savez(tmp / "gq.npz", mean=np.array([0.1, 0.2]), cov=np.array(cq))
(tmp / "gp.json").write_text(json.dumps({"mean": [0.0, 0.5], "cov": cp}))
out = kl_of("--posterior", str(tmp / "gq.npz"), "--prior", str(tmp / "gp.json"), "--family", "gaussian")
check(near_above(out["kl"], float(ref_full), 1e-12), f"full-covariance KL {out} vs {ref_full}")

# Bernoulli masks and a categorical distribution: sums of q ln(q/p) terms.
bq, bp = [0.1, 0.9, 0.5], [0.5, 0.25, 0.5]
ref_bern = sum(mp.mpf(q) * mp.log(mp.mpf(q) / p) + (1 - mp.mpf(q)) * mp.log((1 - mp.mpf(q)) / (1 - mp.mpf(p)))
               for q, p in zip(bq, bp))
(tmp / "bq.json").write_text(json.dumps({"prob": bq}))
(tmp / "bp.json").write_text(json.dumps({"prob": bp}))
out = kl_of("--posterior", str(tmp / "bq.json"), "--prior", str(tmp / "bp.json"), "--family", "bernoulli")
check(near_above(out["kl"], float(ref_bern), 1e-12), f"Bernoulli KL {out}")
cq_, cp_ = [0.2, 0.3, 0.5], [0.25, 0.25, 0.5]
ref_cat = sum(mp.mpf(q) * mp.log(mp.mpf(q) / mp.mpf(p)) for q, p in zip(cq_, cp_))
np.savez(tmp / "cq.npz", prob=np.array(cq_))
np.savez(tmp / "cp.npz", prob=np.array(cp_))
out = kl_of("--posterior", str(tmp / "cq.npz"), "--prior", str(tmp / "cp.npz"), "--family", "categorical")
check(near_above(out["kl"], float(ref_cat), 1e-12), f"categorical KL {out}")
# Compression: 1000 bits = 1000 ln 2 nats.
out = kl_of("--code-length-bits", "1000")
check(near_above(out["kl"], float(1000 * mp.log(2)), 1e-15) and out["source"] == "compression", f"compression {out}")

# Dziugaite & Roy's grid: 0.1 exp(-230/100) is point j = 230, charged 2 ln 230 + ln(pi^2/6); the prior file holds
# only the mean, the KL uses variance 0.1 exp(-2.3).
np.savez(tmp / "pm.npz", mean=np.zeros(4))
lam = 0.1 * np.exp(-2.3)
out = kl_of("--posterior", str(tmp / "q.npz"), "--prior", str(tmp / "pm.npz"), "--prior-variance", repr(lam))
g = out.get("prior_grid", {})
ref_charge = 2 * mp.log(230) + mp.log(mp.pi ** 2 / 6)
check(g.get("j") == 230 and near_above(g["charge_nats"], float(ref_charge), 1e-14), f"grid point {out}")
ref_grid_kl = sum(mp.mpf(s) ** 2 / mp.mpf(lam) + mp.mpf(m) ** 2 / mp.mpf(lam) - 1 - mp.log(mp.mpf(s) ** 2 / mp.mpf(lam))
                  for m, s in zip(mq, sq)) / 2
check(near_above(out["kl"], float(ref_grid_kl), 1e-12), f"KL at the grid variance {out}")
r = run("kl-divergence", "--posterior", str(tmp / "q.npz"), "--prior", str(tmp / "pm.npz"), "--prior-variance", "0.011")
check(r.returncode == 2 and "prior_variance" in r.stderr and "not on the grid" in r.stderr, f"off grid: {r.stderr}")
r = run("kl-divergence", "--posterior", str(tmp / "q.npz"), "--prior", str(tmp / "pm.npz"), "--prior-variance", "0.2",
        "--snap-to-grid")
check(r.returncode == 0 and json.loads(r.stdout)["prior_grid"]["j"] == 1, f"snap j <= 0 to 1: {r.stdout} {r.stderr}")
r = run("kl-divergence", "--posterior", str(tmp / "q.npz"), "--prior", str(tmp / "p.npz"), "--prior-variance", repr(lam))
check(r.returncode == 2 and "prior:" in r.stderr, f"prior spread with a grid variance: {r.stderr}")
# pac-bayes from the same files = pac-bayes from the numbers (KL and grid index j).
r = run("pac-bayes", "--emp-risk", "0.05", "--n", "2000", "--posterior", str(tmp / "q.npz"), "--prior", str(tmp / "pm.npz"),
        "--prior-variance", repr(lam))
plain = run("pac-bayes", "--emp-risk", "0.05", "--n", "2000", "--kl", repr(out["kl"]), "--prior-grid-index", "230")
check(r.returncode == 0 and json.loads(r.stdout)["bounds"] == json.loads(plain.stdout)["bounds"], "pac-bayes from files = numbers")
check(json.loads(r.stdout)["kl_source"]["prior_grid"]["j"] == 230, "pac-bayes echoes the grid point")

# Bad input: one field named on stderr, exit code 2.
(tmp / "bad.json").write_text(json.dumps({"mean": [0.1, "x"], "std": [1, 1]}))
for args, field in [
    (["kl-divergence", "--kl", "1", "--code-length-bits", "3"], "kl:"),
    (["kl-divergence", "--posterior", str(tmp / "bad.json"), "--prior", str(tmp / "p.json")], "posterior.mean"),
    (["kl-divergence", "--posterior", str(tmp / "q.npz"), "--prior", str(tmp / "missing.npz")], "prior:"),
    (["kl-divergence", "--posterior", str(tmp / "bq.json"), "--prior", str(tmp / "p.json"), "--family", "bernoulli"], "prior:"),
    (["kl-divergence", "--code-length-bits", "3", "--prior-variance", "0.01"], "prior-variance:"),
    (["pac-bayes", "--n", "10", "--kl", "1", "--mc-sample-errors", str(tmp / "q.npz")], "mc-sample-errors:"),
]:
    r = run(*args)
    check(r.returncode == 2 and field in r.stderr and len(r.stderr.strip().splitlines()) == 1, f"{args}: {r.stderr!r}")

# Per-sample Monte Carlo errors: 0.875 / 4 = 0.21875 exactly, so every file type gives the mean-error certificates.
errors = [0.25, 0.5, 0.0, 0.125]
np.save(tmp / "e.npy", np.array(errors))
np.savez(tmp / "e.npz", errors=np.array(errors), other=np.zeros(2))
(tmp / "e.csv").write_text("\n".join(map(str, errors)) + "\n")
(tmp / "e.json").write_text(json.dumps(errors))
mean = run("pac-bayes", "--kl", "5", "--n", "1000", "--mc-samples", "4", "--mc-mean-error", "0.21875")
want = json.loads(mean.stdout)
for f in ["e.npy", "e.npz", "e.csv", "e.json"]:
    r = run("pac-bayes", "--kl", "5", "--n", "1000", "--mc-sample-errors", str(tmp / f))
    got = json.loads(r.stdout) if r.returncode == 0 else {}
    check(got.get("bounds") == want["bounds"] and got.get("mc_upper") == want["mc_upper"], f"mc-sample-errors {f}: {r.stderr}")
job = json.dumps([{"id": 1, "command": "pac-bayes", "args": {"kl": 5, "n": 1000, "mc_sample_errors": errors}}])
r = run("batch", "-", stdin=job)
rec = json.loads(r.stdout.splitlines()[0]) if r.returncode == 0 else {}
check(rec.get("ok") and rec["result"]["bounds"] == want["bounds"], f"batch inline mc_sample_errors: {r.stdout} {r.stderr}")
job = json.dumps([{"id": 1, "command": "pac-bayes", "args": {"kl": 5, "n": 1000, "mc_sample_errors": [0.1, "a"]}}])
rec = json.loads(run("batch", "-", stdin=job).stdout.splitlines()[0])
check(not rec["ok"] and "mc-sample-errors" in rec["error"]["message"], f"batch bad inline array: {rec}")
r = run("pac-bayes", "--kl", "5", "--n", "1000", "--mc-sample-errors", str(tmp / "e.npy"), "--mc-samples", "4")
check(r.returncode == 2 and "mc-sample-errors:" in r.stderr, "mc-sample-errors with mc-samples")

checks.finish()
