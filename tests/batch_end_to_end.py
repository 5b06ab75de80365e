"""End-to-end: `itbound batch` (file and stdin, 1 and 3 threads) gives the single commands' results, a summary on
stderr and exit 1 when a job failed."""
import json
import os
import pty
import subprocess
import sys
import tempfile

from cli_check import Checks

checks = Checks(sys.argv[1])
check = checks.check
exe = sys.argv[1]


jobs = [{"id": f"t{k}", "command": "test-set", "args": {"errors": k, "trials": 120, "delta": 0.05}} for k in range(0, 30, 3)]
jobs += [{"id": i, "command": "kl-inverse", "args": {"q": q, "c": 0.3}} for i, q in enumerate([0.0, 0.2, 0.9, 1.0])]
jobs.insert(3, {"id": "bad", "command": "kl-inverse", "args": {"q": 2, "c": 0.3}})
jobs.insert(5, {"id": "unknown", "command": "no-such"})

single = []
for job in jobs:
    argv = [exe, job["command"]] + [x for k, v in job.get("args", {}).items() for x in (f"--{k}", str(v))]
    r = subprocess.run(argv, capture_output=True, text=True)
    single.append((r.returncode, r.stdout, r.stderr))

with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    f.write("\n".join(json.dumps(j) for j in jobs) + "\n")
    path = f.name

runs = {
    "file": subprocess.run([exe, "batch", path], capture_output=True, text=True),
    "stdin+threads": subprocess.run([exe, "batch", "-", "--threads", "3"], input=json.dumps(jobs),
                                    capture_output=True, text=True),
}
for name, r in runs.items():
    # Exit 1: some jobs failed (two here); the one-line summary is all that goes to stderr.
    summary = f"itbound batch: {len(jobs)} jobs, {len(jobs) - 2} ok, 2 failed"
    check(r.returncode == 1 and r.stderr.strip() == summary, f"{name}: exit {r.returncode} {r.stderr}")
    records = [json.loads(line) for line in r.stdout.splitlines()]
    check(len(records) == len(jobs), f"{name}: {len(records)} records for {len(jobs)} jobs")
    for job, rec, (code, out, err) in zip(jobs, records, single):
        check(rec["id"] == job["id"], f"{name}: order {rec['id']} != {job['id']}")
        if code == 0:
            # Same numbers to the last digit as the single command's output.
            check(rec["ok"] and rec["result"] == json.loads(out), f"{name}: {job['id']} differs")
        else:
            check(not rec["ok"], f"{name}: {job['id']} should fail")
            if rec["error"]["code"] == "invalid_argument":
                check(err.strip() == "itbound: error: " + rec["error"]["message"], f"{name}: message {err!r} vs {rec}")

# A long batch draws a progress bar on a terminal stderr, and nothing when stderr is a pipe.
long_jobs = "\n".join(json.dumps({"id": i, "command": "kl-inverse", "args": {"q": 0.5, "c": 1}}) for i in range(250))
r = subprocess.run([exe, "batch", "-"], input=long_jobs, capture_output=True, text=True)
check(r.returncode == 0 and r.stderr.strip() == "itbound batch: 250 jobs, 250 ok, 0 failed"
      and len(r.stdout.splitlines()) == 250, f"long batch, piped stderr: {r.stderr!r}")


def progress_on_tty():
    primary, secondary = pty.openpty()
    p = subprocess.run([exe, "batch", "-", "--threads", "2"], input=long_jobs.encode(), stdout=subprocess.PIPE,
                       stderr=secondary)
    os.close(secondary)
    bar = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal's other end is closed once everything is read
            break
        if not chunk:
            break
        bar += chunk
    os.close(primary)
    check(p.returncode == 0 and b"250/250" in bar and len(p.stdout.splitlines()) == 250,
          f"progress bar on a tty: {bar[-80:]!r}")


try:
    progress_on_tty()
except OSError as e:  # a bare chroot or container may have no pseudo-terminals at all
    print(f"skipped the progress-bar check: no pseudo-terminal ({e})")

r = subprocess.run([exe, "batch", "/no/such/file"], capture_output=True, text=True)
check(r.returncode == 2 and "FILE" in r.stderr, f"missing file: {r.returncode} {r.stderr}")
r = subprocess.run([exe, "docs"], capture_output=True, text=True)
check(r.returncode == 0 and "## `test-set`" in r.stdout and "`--trials`" in r.stdout, "docs")

print(f"{len(jobs)} jobs, {len(checks.failures)} failures")
checks.finish()
