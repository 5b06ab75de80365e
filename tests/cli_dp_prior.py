"""End-to-end: `pac-bayes --dp-epsilon` (kl-dp-prior) and `dp-gibbs-prior`, on the command line and in batch; bad input."""
import json
import math
import sys

from cli_check import Checks

checks = Checks(sys.argv[1])
run, check = checks.run, checks.check

# An exact Gibbs sample at tau = 16 over n = 253 bound examples (0-1 loss): epsilon = 32 / 253.
r = run("dp-gibbs-prior", "--tau", "16", "--n", "253")
gibbs = json.loads(r.stdout)
check(r.returncode == 0 and abs(gibbs["epsilon"] - 32 / 253) < 1e-15 and gibbs["epsilon"] >= 32 / 253,
      f"dp-gibbs-prior epsilon {r.stdout[:200]}")
check("SGLD" in gibbs["sampling"] and "approximate" in gibbs["sampling"], "dp-gibbs-prior says SGLD only approximates")
check(abs(gibbs["free_epsilon"] - math.sqrt(math.log(60) / 253)) < 1e-14, "free epsilon")

eps = repr(gibbs["epsilon"])
r = run("pac-bayes", "--emp-risk", "0.05", "--kl", "5", "--n", "253", "--dp-epsilon", eps)
out = json.loads(r.stdout)
got = {b["name"]: b for b in out["bounds"]}
dp = got["kl-dp-prior"]
check(r.returncode == 0 and out["best"]["name"] == "kl-dp-prior" and dp["valid"], f"kl-dp-prior best: {out['summary']}")
check(dp["delta"] == 0.05 and dp["guarantee"] == "certificate" and dp["inputs"]["dp_epsilon"] == float(eps), "dp echo")
check([a["name"] for a in dp["assumptions"]][:2] == ["loss_range", "prior_differentially_private"], "dp assumptions")
check(all(not b["applicable"] for n, b in got.items() if n != "kl-dp-prior"), "fixed-prior bounds must not apply")
# Below free_epsilon: ln(1/beta) = 2 ln(3/delta) exactly as the helper reports.
check(abs(dp["details"]["log_inv_beta"] - 2 * math.log(60)) < 1e-12, f"log_inv_beta {dp['details']['log_inv_beta']}")

jobs = "\n".join(json.dumps(j) for j in [
    {"id": "dp", "command": "pac-bayes", "args": {"emp_risk": 0.05, "kl": 5, "n": 253, "dp_epsilon": float(eps)}},
    {"id": "gibbs", "command": "dp-gibbs-prior", "args": {"tau": 16, "n": 253}},
    {"id": "bad", "command": "pac-bayes", "args": {"emp_risk": 0.05, "kl": 5, "n": 253, "dp_epsilon": -1}},
])
records = [json.loads(line) for line in run("batch", "-", stdin=jobs).stdout.splitlines()]
check(records[0]["result"]["best"]["value"] == out["best"]["value"], "batch pac-bayes --dp-epsilon")
check(records[1]["result"]["epsilon"] == gibbs["epsilon"], "batch dp-gibbs-prior")
check("error" in records[2] and "dp-epsilon" in records[2]["error"]["message"], f"batch bad dp: {records[2]}")

for args, field in [
    (["pac-bayes", "--emp-risk", "0.1", "--kl", "1", "--n", "100", "--dp-epsilon", "-0.5"], "dp-epsilon"),
    (["pac-bayes", "--emp-risk", "0.1", "--kl", "1", "--n", "100", "--dp-epsilon", "nan"], "dp-epsilon"),
    (["dp-gibbs-prior", "--tau", "-1", "--n", "10"], "tau"),
    (["dp-gibbs-prior", "--tau", "1", "--n", "0"], "n"),
    (["dp-gibbs-prior", "--tau", "1", "--n", "10", "--loss-range", "0"], "loss-range"),
]:
    checks.check_error(args, field)

checks.finish()
