"""End-to-end: `itbound trajectory` on the bundled recorded digits runs (data/examples/make_trajectory_runs.py).

Each bound is recomputed here from the file with plain Python (the posterior forecaster from its definition), each
applicable bound must be at or above the measured gap the file records, and bad final records are refused.
Usage: cli_trajectory_runs.py ITBOUND_EXE DATA_DIR"""
import json
import math
import pathlib
import sys
import tempfile

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
examples = pathlib.Path(sys.argv[2]) / "examples"


def read(path):
    lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    return lines[0], lines[1:-1], lines[-1]["final"]


def itbound(path):
    r = run("trajectory", path)
    check(r.returncode == 0, f"{path}: exit {r.returncode}: {r.stderr}")
    out = json.loads(r.stdout)
    return out, {c["name"]: c for c in out["bounds"]}


def close(a, b, what):
    check(math.isclose(a, b, rel_tol=1e-12), f"{what}: itbound {a!r}, by hand {b!r}")


langevin = sorted(examples.glob("trajectory-digits-langevin-*.jsonl"))
check(len(langevin) >= 3, f"bundled Langevin runs: {langevin}")
for path in langevin + [examples / "trajectory-digits-sgd.jsonl"]:
    check(path.stat().st_size < 1_000_000, f"{path}: {path.stat().st_size} bytes, not well under 1 MB")
    header, steps, final = read(path)
    out, certs = itbound(path)
    gap = final["test_loss"] - final["train_loss"]
    close(out["gap"], gap, f"{path.name} gap")
    n = header["n"]
    if "langevin" in path.name:
        expect = ("haghifam-ld", "neu-sgld")
        # haghifam-ld: KL_t = eta^2 ||xi||^2 / (2 sigma^2 n^2), sigma^2 = 2 eta / beta; the posterior forecaster's mass
        # on the unselected candidate is sigmoid(a_t), a_t += -KL_t - eta / (n sigma) <v, eps>.
        plain = forecast = a = 0.0
        variance_sum = 0.0
        for s in steps:
            var = 2 * s["step_size"] / s["inverse_temperature"]
            kl = s["step_size"] ** 2 * s["two_sample_incoherence"] / (2 * var * n * n)
            theta = 1 / (1 + math.exp(-a))
            plain += kl
            forecast += theta**2 * kl
            a += -kl - s["step_size"] / (n * math.sqrt(var)) * s["noise_alignment"]
            variance_sum += s["step_size"] ** 2 * s["gradient_variance"] / var
        d = certs["haghifam-ld"]["details"]
        close(d["plain"], math.sqrt(2 * plain), f"{path.name} haghifam-ld plain")
        close(d["constant_forecast"], math.sqrt(2 * plain) / 2, f"{path.name} haghifam-ld constant forecast")
        close(d["forecaster"], math.sqrt(2 * forecast), f"{path.name} haghifam-ld forecaster")
        close(certs["haghifam-ld"]["value"], d["forecaster"], f"{path.name} haghifam-ld value")
        close(certs["neu-sgld"]["value"], math.sqrt(0.25 / n * variance_sum), f"{path.name} neu-sgld")
    else:
        expect = ("neu-sgd",)
        total = level_sq = 0.0
        for s in steps:
            total += s["step_size"] ** 2 / s["perturbation_std"] ** 2 * (s["gradient_sensitivity"] + s["gradient_variance"])
            level_sq += s["perturbation_std"] ** 2
        delta = [v for v in final["value_sensitivity"] if math.isclose(v["level"], math.sqrt(level_sq), rel_tol=1e-9)]
        check(len(delta) == 1, f"{path.name}: Delta terms at the final level")
        raw = math.sqrt(4 * 0.25 / n * total) + delta[0]["test"] - delta[0]["train"]
        close(certs["neu-sgd"]["raw_value"], raw, f"{path.name} neu-sgd")
    for name in expect:
        c = certs[name]
        check(c["applicable"] and c["guarantee"] == "estimated-bound", f"{path.name} {name}: {c.get('reason')}")
        check(c["value"] >= gap, f"{path.name} {name} = {c['value']} below the measured gap {gap}")
        check(c["assumptions"][-1]["name"] == "not_below_measured", f"{path.name} {name}: gap not checked")
    print(f"{path.name}: gap {gap:.4f}; " + ", ".join(f"{k} {certs[k]['value']:.4f}" for k in expect))

# The table names the measured gap beside the bounds.
r = run("trajectory", langevin[0], "--format", "table")
check("measured gap" in r.stdout and "haghifam-ld" in r.stdout, f"table: {r.stdout[:300]}")

# Bad final records: exit 2, the field named.
with tempfile.TemporaryDirectory() as tmp:
    bad = pathlib.Path(tmp) / "bad.jsonl"
    header, steps, final = read(langevin[0])
    for record, field in (({"train_loss": 1.5}, "final.train_loss"), ({"gap": 0.1}, "final.gap"),
                          ({"value_sensitivity": [{"level": -1, "train": 0, "test": 0}]}, "final.value_sensitivity[0].level")):
        bad.write_text("\n".join(json.dumps(x) for x in [header, *steps[:3], {"final": record}]) + "\n")
        checks.check_error(["trajectory", bad], field)
    bad.write_text("\n".join(json.dumps(x) for x in [header, {"final": final}, steps[0]]) + "\n")
    checks.check_error(["trajectory", bad], "step[0]")
checks.finish()
