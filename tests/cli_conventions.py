"""End-to-end: the command line's conventions (--version, help, suggestions for misspelt commands and flags, aliases
of renamed flags) and CSV input as people write it (columns by name, extra columns, a pandas index column)."""
import json
import pathlib
import sys
import tempfile

import numpy as np

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check, check_error = checks.run, checks.check, checks.check_error
data = pathlib.Path(sys.argv[2])

r = run("--version")
check(r.returncode == 0 and r.stdout.startswith("itbound ") and r.stdout.strip().split()[1][0].isdigit(),
      f"--version: {r.stdout!r} {r.stderr!r}")
r = run("help", "pac-bayes")
check(r.returncode == 0 and "Usage: itbound pac-bayes" in r.stdout and "--mc-mean-error,--mc-error" in r.stdout,
      f"help pac-bayes: {r.stdout[:200]!r}")
check(r.stdout == run("pac-bayes", "--help").stdout.replace(sys.argv[1], "itbound"), "help COMMAND differs from --help")
r = run("help")
check(r.returncode == 0 and "Usage: itbound" in r.stdout and "loo-cmi" in r.stdout, f"help: {r.stdout[:200]!r}")
check("Default: ." not in run("prior", "--help").stdout, "an empty default in prior --help")

# Suggestions: one line on stderr, exit 2, naming what was meant.
for args, message in [
    (["pac-bayes", "--emprisk", "0.05", "--kl", "1", "--n", "10"], "unknown flag --emprisk for 'pac-bayes' (did you mean --emp-risk?)"),
    (["pac-bayes", "--empirical-risk=0.05", "--kl", "1", "--n", "10"], "(did you mean --emp-risk?)"),
    (["cmi", str(data / "examples" / "digits-1nn.npz"), "--estimater", "knn"], "(did you mean --estimator?)"),
    (["cmo"], "unknown command 'cmo' (did you mean cmi?)"),
    (["help", "trajectroy"], "(did you mean trajectory?)"),
]:
    r = run(*args)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and message in lines[0], f"{args}: {r.stderr!r}")

# Renamed flags: the published spellings are aliases, the same parameter (given twice is an error).
new = run("pac-bayes", "--kl", "5", "--n", "1000", "--mc-samples", "4", "--mc-mean-error", "0.21875")
old = run("pac-bayes", "--kl", "5", "--n", "1000", "--mc-samples", "4", "--mc-error", "0.21875")
check(new.returncode == 0 and new.stdout == old.stdout, f"--mc-error alias: {old.stderr}")
check_error(["pac-bayes", "--kl", "5", "--n", "1000", "--mc-samples", "4", "--mc-error", "0.2", "--mc-mean-error", "0.2"],
            "mc-mean-error")
r = run("batch", "-", stdin=json.dumps({"id": 1, "command": "pac-bayes",
                                        "args": {"kl": 5, "n": 1000, "mc_samples": 4, "mc_error": 0.21875}}))
check(json.loads(r.stdout)["result"] == json.loads(new.stdout), f"batch alias: {r.stdout[:200]}")

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    # Supersample runs as pandas writes a long table: index column, columns in another order, an extra column.
    runs = np.load(data / "examples" / "digits-1nn.npz")
    mask, loss, pred = runs["mask"], runs["loss"], runs["pred"]
    k1, k2, n = mask.shape
    rows = ["," + ",".join(["loss1", "run", "pred1", "u", "seed", "supersample", "pair", "loss0", "pred0"])]
    for s in range(k1):
        for j in range(k2):
            for i in range(n):
                rows.append(f"{len(rows) - 1},{loss[s, j, i, 1]},{j},{pred[s, j, i, 1]},{int(mask[s, j, i])},7,{s},{i},"
                            f"{loss[s, j, i, 0]},{pred[s, j, i, 0]}")
    (tmp / "runs.csv").write_text("\n".join(rows) + "\n")
    want = json.loads(run("cmi", data / "examples" / "digits-1nn.npz", "--bootstrap", "0").stdout)
    got = run("cmi", tmp / "runs.csv", "--bootstrap", "0")
    check(got.returncode == 0 and json.loads(got.stdout)["bounds"] == want["bounds"], f"cmi from a pandas CSV: {got.stderr}")
    (tmp / "bad.csv").write_text("supersample,run,pair,u,loss_0,loss1\n0,0,0,1,0,1\n")
    r = run("cmi", tmp / "bad.csv")
    check(r.returncode == 2 and "found 'supersample,run,pair,u,loss_0,loss1', missing loss0" in r.stderr,
          f"header error: {r.stderr!r}")
    # Per-sample Monte Carlo errors as a pandas column among others.
    (tmp / "mc.csv").write_text(",seed,errors\n0,11,0.25\n1,12,0.5\n2,13,0.0\n3,14,0.125\n")
    r = run("pac-bayes", "--kl", "5", "--n", "1000", "--mc-sample-errors", tmp / "mc.csv")
    check(r.returncode == 0 and json.loads(r.stdout)["bounds"] == json.loads(new.stdout)["bounds"], f"mc csv: {r.stderr}")
    # self-certify: the label column found by name wherever it is, an index column dropped.
    train = data / "examples" / "priors" / "digits-1v7-train.csv"
    table = np.loadtxt(train, delimiter=",", comments="#")
    header = ",".join([""] + [f"x{c}" for c in range(table.shape[1] - 1)] + ["label"])
    body = [",".join([str(i)] + [repr(v) for v in row[1:]] + [repr(row[0])]) for i, row in enumerate(table)]
    (tmp / "train.csv").write_text(header + "\n" + "\n".join(body) + "\n")
    a = run("self-certify", "--train", train, "--alphas", "0.2", "--scale-count", "3")
    b = run("self-certify", "--train", tmp / "train.csv", "--alphas", "0.2", "--scale-count", "3")
    check(a.returncode == 0 and b.returncode == 0 and json.loads(a.stdout)["value"] == json.loads(b.stdout)["value"],
          f"self-certify with a header: {b.stderr}")

if not checks.failures:
    print("conventions: ok")
checks.finish()
