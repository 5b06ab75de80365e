"""End-to-end: `itbound measures` on a table whose sign-errors are counted by hand here, the same table as CSV, JSON
(columns and records) and NPZ, a batch job, the bundled digits grid, and bad input (one line naming the field,
exit 2)."""
import json
import pathlib
import sys
import tempfile

import numpy as np

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check
data = pathlib.Path(sys.argv[2])
tmp = pathlib.Path(tempfile.mkdtemp(prefix="itbound-measures-cli-"))

# A 2 x 2 grid, two seeds: gap = 0.1 a + 0.2 b + 0.01 seed. `good` is the gap, `bad` its negative, `flat` constant,
# `half` agrees with the gap when a varies and disagrees when b varies. Without the noise filter every environment
# has 2 x 2 pairs of weight 1 (ESS 4): sign-errors 0, 1, 1/2 for good, bad, flat; half: 0 (a varied), 1 (b varied).
rows = []
for a in (0, 1):
    for b in (0, 1):
        for s in (0, 1):
            gap = 0.1 * a + 0.2 * b + 0.01 * s
            rows.append({"a": a, "b": b, "seed": s, "gap": gap, "good": gap, "bad": -gap, "flat": 1.0,
                         "half": 0.1 * a - 0.2 * b + 0.01 * s})
columns = list(rows[0])
csv = tmp / "runs.csv"
csv.write_text("# a comment line\n" + ",".join(columns) + "\n" +
               "".join(",".join(repr(r[c]) for c in columns) + "\n" for r in rows))
(tmp / "records.json").write_text(json.dumps(rows))
(tmp / "columns.json").write_text(json.dumps({c: [r[c] for r in rows] for c in columns}))
np.savez(tmp / "runs.npz", **{c: np.array([r[c] for r in rows]) for c in columns})

args = ["--gap", "gap", "--hparams", "a,b", "--seed", "seed", "--test-size", "1000", "--no-noise-filter",
        "--min-ess", "4"]
r = run("measures", csv, *args)
check(r.returncode == 0, f"csv: exit {r.returncode}: {r.stderr}")
out = json.loads(r.stdout)
got = {m["name"]: m for m in out["measures"]}
check([m["name"] for m in out["measures"]] == ["good", "flat", "half", "bad"], f"ranking {list(got)}")
for name, (mean, worst) in {"good": (0, 0), "bad": (1, 1), "flat": (0.5, 0.5), "half": (0.5, 1)}.items():
    check(got[name]["robust"]["mean"] == mean and got[name]["robust"]["max"] == worst, f"{name}: {got[name]['robust']}")
    check(got[name]["robust"]["environments"] == 8, f"{name}: environments")
half = {h["hparam"]: h for h in got["half"]["per_hparam"]}
check(half["a"]["max"] == 0 and half["b"]["mean"] == 1 and half["b"]["environments"] == 4, f"half per hparam {half}")
check(out["environments_kept"] == 8 and out["environments_dropped"] == 0 and out["runs"] == 8, "counts")
check(out["summary"].startswith("ranked 4 measures on 8 runs (4 combinations): smallest robust sign-error good = 0"),
      out["summary"])
for other in ("records.json", "columns.json", "runs.npz"):
    r = run("measures", tmp / other, *args)
    check(r.returncode == 0 and json.loads(r.stdout) == out, f"{other}: differs from the CSV: {r.stderr}")
table = run("measures", csv, *args, "--format", "table")
check(table.returncode == 0 and table.stdout.startswith(out["summary"]) and "robust.max" in table.stdout,
      f"table: {table.stdout[:300]}")

# The same through a batch job.
job = {"id": "m", "command": "measures", "args": {"runs": str(csv), "gap": "gap", "hparams": "a,b", "seed": "seed",
                                                  "test-size": 1000, "no-noise-filter": True, "min-ess": 4}}
(tmp / "jobs.json").write_text(json.dumps([job]))
b = run("batch", tmp / "jobs.json")
record = json.loads(b.stdout.splitlines()[0]) if b.returncode == 0 and b.stdout else {}
check(record.get("result") == out, f"batch: {b.stdout[:300]} {b.stderr}")

# The bundled digits grid, as scripts/run-example.sh runs it.
grid = data / "examples" / "digits-grid.csv"
r = run("measures", grid, "--gap", "gap", "--hparams", "lr,width,depth,train_size", "--seed", "seed",
        "--test-size", "1397", "--negate", "sharpness_sigma", "--measures",
        "pacbayes_kl_bound,pacbayes_kl_per_n,test_set_bound,l2,l2_dist,params,inverse_margin,log_prod_of_spec,"
        "log_prod_of_spec_over_margin,log_spec_init_main,log_prod_of_fro,log_prod_of_fro_over_margin,fro_over_spec,"
        "fro_dist,dist_spec_init,param_norm,path_norm,path_norm_over_margin,sharpness_sigma,epochs")
check(r.returncode == 0, f"digits grid: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    grid_out = json.loads(r.stdout)
    check(len(grid_out["measures"]) == 20 and grid_out["runs"] >= 150, f"digits grid: {grid_out['summary']}")
    check(grid_out["pgdl_status"].startswith("computed"), grid_out["pgdl_status"])

# Bad input: one line on stderr naming the field, exit 2, nothing on stdout.
base = [csv, "--hparams", "a,b", "--test-size", "1000"]
checks.check_error(["measures", *base, "--gap", "nope"], "gap: no column 'nope'")
text_gap = tmp / "text_gap.csv"
text_gap.write_text("a,b,gap,m\n0,0,0.1,1\n1,0,n/a,2\n")
checks.check_error(["measures", text_gap, "--gap", "gap", "--hparams", "a,b", "--test-size", "10"],
                   "gap: column 'gap' is not numeric (row 2: 'n/a')")
checks.check_error(["measures", *base, "--gap", "gap", "--measures", "good,unknown"], "measures: no column 'unknown'")
checks.check_error(["measures", *base[:-1], "0", "--gap", "gap"], "test-size")
checks.check_error(["measures", *base[:-1], "-5", "--gap", "gap"], "test-size")
checks.check_error(["measures", *base, "--gap", "gap", "--negate", "gap"], "negate: 'gap' is not one of the measures")
checks.check_error(["measures", csv, "--hparams", "a,depth", "--test-size", "10", "--gap", "gap"],
                   "hparams: no column 'depth'")
checks.check_error(["measures", *base, "--gap", "gap", "--min-ess", "0"], "min-ess")
ragged = tmp / "ragged.csv"
ragged.write_text("a,b,gap\n0,0,0.1\n1,0\n")
checks.check_error(["measures", ragged, "--gap", "gap", "--hparams", "a,b", "--test-size", "10"], "runs: ")
checks.check_error(["measures", tmp / "missing.csv", "--gap", "gap", "--hparams", "a", "--test-size", "10"], "runs")
checks.finish()
