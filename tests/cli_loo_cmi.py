"""End-to-end: `itbound loo-cmi` on the bundled leave-one-out digits runs, checked against values computed here
with NumPy from the same files, and on bad input."""
import json
import math
import pathlib
import shutil
import sys
import tempfile

import numpy as np

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2])


def plug_in_mi(symbols, u):
    """Plug-in MI of two discrete sequences (independent of itbound's code)."""
    m = len(u)
    joint, px, pu = {}, {}, {}
    for x, v in zip(symbols, u):
        joint[x, v] = joint.get((x, v), 0) + 1
        px[x] = px.get(x, 0) + 1
        pu[v] = pu.get(v, 0) + 1
    return sum(c / m * math.log(c * m / (px[x] * pu[v])) for (x, v), c in joint.items())


names = {"loo-ecmi-sqrt", "loo-interpolating-upper", "loo-interpolating-lower", "loo-upper-limit"}
tmp = pathlib.Path(tempfile.mkdtemp(prefix="itbound-loo-cli-"))
for model in ["1nn", "logreg"]:
    path = data / "examples" / f"digits-loo-{model}.npz"
    r = run("loo-cmi", "--runs", str(path), "--full")
    check(r.returncode == 0, f"{model}: exit {r.returncode}: {r.stderr}")
    out = json.loads(r.stdout)
    check(set(out) >= {"train_error", "loo_error", "gap", "shape", "correction", "design", "estimates", "bounds"},
          f"{model}: keys {sorted(out)}")
    check(abs(out["gap"] - (out["loo_error"] - out["train_error"])) < 1e-12, f"{model}: gap")
    check(set(out["estimates"]) >= {"loo_cmi", "loo_cmi_spread", "loo_cmi_max"}, f"{model}: estimates")

    # Independent recomputation from the file: errors and, per supersample, the plug-in MI of (loss vector, U).
    f = np.load(path)
    loss, left = f["loss"].astype(float), f["left_out"].astype(int)
    k1, k2, points = loss.shape
    held = np.take_along_axis(loss, left[..., None], axis=2)[..., 0]
    check(abs(out["loo_error"] - held.mean()) < 1e-12, f"{model}: loo error")
    check(abs(out["train_error"] - ((loss.sum(axis=2) - held) / (points - 1)).mean()) < 1e-12, f"{model}: train error")
    mi = [plug_in_mi([row.tobytes() for row in loss[s]], left[s]) for s in range(k1)]
    check(np.allclose(out["per_supersample"]["loo_cmi"], mi, rtol=1e-12, atol=1e-14), f"{model}: plug-in MI")
    check(abs(out["estimates"]["loo_cmi"] - np.mean(mi)) < 1e-12, f"{model}: mean loo-CMI")
    check(out["design"]["exhaustive"] and out["design"]["exact"] and out["design"]["learner"] == "deterministic",
          f"{model}: design {out['design']}")

    got = {b["name"]: b for b in out["bounds"]}
    check(set(got) == names, f"{model}: bound names {sorted(got)}")
    for b in out["bounds"]:
        check(all(k in b for k in ("value", "applicable", "guarantee", "details", "reference", "direction", "assumptions")),
              f"{model}: fields of {b['name']}")
        if b["name"] == "loo-upper-limit":
            check(b["guarantee"] == "certificate" and b["valid"] and b["value"] >= out["loo_error"], f"{model}: ucl")
            continue
        check(b["guarantee"] == "estimated-bound" and b["valid"] is None and "spread" in b["details"],
              f"{model}: {b['name']} is an estimate of a bound")
        check("unchecked" in b["reference"]["where"], f"{model}: {b['name']} reference")
        # Exact designs: the bounds hold for the measured loo error itself, not only in expectation.
        if b["applicable"] and b["direction"] == "upper":
            check(b["value"] >= out["loo_error"], f"{model}: {b['name']} {b['value']} below the loo error")
        if b["applicable"] and b["direction"] == "lower":
            check(b["value"] <= out["loo_error"], f"{model}: {b['name']} {b['value']} above the loo error")
    interpolating = out["train_error"] == 0
    check(got["loo-interpolating-upper"]["applicable"] == interpolating, f"{model}: interpolating applicability")
    check(got["loo-ecmi-sqrt"]["applicable"], f"{model}: sqrt bound applicability")
    if interpolating:
        # Deterministic interpolating learner: I = r ln(n+1) - (1 - r) ln(1 - r) per supersample, r its loo error.
        rate = held.mean(axis=1)
        exact = rate * math.log(points) - (1 - rate) * np.log1p(-np.where(rate < 1, rate, 0))
        check(np.allclose(mi, exact, rtol=1e-12), f"{model}: identity {mi} vs {exact}")
        check(got["loo-interpolating-upper"]["details"]["identity_residual"] < 1e-12, f"{model}: identity residual")
        # Hand formula of the two interpolating bounds on these numbers.
        check(abs(got["loo-interpolating-upper"]["value"] - np.mean(mi) / math.log(points)) < 1e-12, f"{model}: upper")
        check(abs(got["loo-interpolating-lower"]["value"] - np.mean(mi) / (math.log(points) + 1)) < 1e-12, f"{model}: lower")
    sqrt_bound = out["train_error"] + np.mean([points / (points - 1) * math.sqrt(i / 2) for i in mi])
    check(abs(got["loo-ecmi-sqrt"]["raw_value"] - sqrt_bound) < 1e-12, f"{model}: sqrt bound")

    r = run("loo-cmi", "--runs", str(path), "--format", "table")
    check(r.returncode == 0 and "loo-interpolating-upper" in r.stdout and "leave-one-out error" in r.stdout, f"{model}: table")

    # The same runs as JSON and long-form CSV give the same output.
    with open(tmp / f"{model}.json", "w") as g:
        json.dump({"loss": loss.tolist(), "left_out": left.tolist()}, g)
    with open(tmp / f"{model}.csv", "w") as g:
        g.write("supersample,run,left_out,point,loss\n")
        for s in range(k1):
            for j in range(k2):
                g.writelines(f"{s},{j},{left[s, j]},{i},{loss[s, j, i]:g}\n" for i in range(points))
    for other in ("json", "csv"):
        r = run("loo-cmi", "--runs", str(tmp / f"{model}.{other}"), "--full")
        check(r.returncode == 0 and json.loads(r.stdout)["bounds"] == out["bounds"], f"{model}: {other} differs")

    # A random (non-exhaustive) design: the estimate is reported, every bound is invalid.
    np.savez(tmp / f"{model}-random.npz", loss=loss[:, : points // 2], left_out=left[:, : points // 2])
    r = run("loo-cmi", "--runs", str(tmp / f"{model}-random.npz"))
    random_out = json.loads(r.stdout)
    check(r.returncode == 0 and not random_out["design"]["exhaustive"], f"{model}: random design detection")
    check(all(not b["applicable"] and b["reason"].startswith("exhaustive_design")
              for b in random_out["bounds"] if b["name"] != "loo-upper-limit"), f"{model}: random design bounds")

np.savez(tmp / "bad-index.npz", loss=np.zeros((1, 2, 3)), left_out=np.array([[0, 3]]))
np.savez(tmp / "bad-shape.npz", loss=np.zeros((1, 2, 3)), left_out=np.array([0, 1]))
np.savez(tmp / "bad-nan.npz", loss=np.full((1, 2, 3), np.nan), left_out=np.array([[0, 1]]))
example = str(data / "examples" / "digits-loo-1nn.npz")
for args, field in [
    (["loo-cmi", "--runs", "/nonexistent.npz"], "path:"),
    (["loo-cmi", "--runs", example, "--loss-max", "0.5"], "loss:"),
    (["loo-cmi", "--runs", example, "--correction", "bogus"], "correction:"),
    (["loo-cmi", "--runs", str(data / "examples" / "digits-1nn.npz")], "left_out: missing"),
    (["loo-cmi", "--runs", str(tmp / "bad-index.npz")], "left_out: values must be"),
    (["loo-cmi", "--runs", str(tmp / "bad-shape.npz")], "left_out: shape mismatch"),
    (["loo-cmi", "--runs", str(tmp / "bad-nan.npz")], "loss: contains NaN"),
    (["loo-cmi", "--runs", str(data / "examples" / "make_loo_runs.py")], "path:"),
]:
    checks.check_error(args, field)
shutil.rmtree(tmp)
checks.finish()
