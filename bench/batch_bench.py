#!/usr/bin/python3
"""`itbound batch` on N pac-bayes jobs: CPU and wall time per job and bytes of JSON per job (issue 18, item 4).

Usage: batch_bench.py EXE [--baseline OLD_EXE] [--jobs 5000] [--repeat 7] [--threads 1]

There is no outside peer for a batch of certificates; --baseline runs another itbound build on the same jobs in the
same run (an earlier commit, say) and prints the ratio. Per-job figures are (time of N jobs - time of 10 jobs) /
(N - 10): the process start and the reading of the file are left out. Each job is a distinct pac-bayes call at
n = 10,000 (empirical risks 0.05 + 1e-6 j, KL 5), the default (brief) JSON; --full shows the full JSON's size too.
"""
import argparse
import json
import os
import subprocess
import tempfile

from bench_common import Timings, fmt, machine, repeat


def jobs_file(directory, count):
    path = os.path.join(directory, f"jobs{count}.jsonl")
    with open(path, "w") as f:
        for j in range(count):
            f.write(json.dumps({"id": j, "command": "pac-bayes",
                                "args": {"emp_risk": 0.05 + 1e-6 * j, "kl": 5, "n": 10000}}) + "\n")
    return path


def run(exe, path, threads, full=False, out=subprocess.DEVNULL):
    """Runs the batch with its output to `out` (/dev/null while timed: reading a pipe would cost this process CPU)."""
    argv = [exe, "batch", path, "--threads", str(threads)] + (["--full"] if full else [])
    subprocess.run(argv, stdout=out, stderr=subprocess.DEVNULL, check=False)


def output_bytes(exe, path, threads, full=False):
    with tempfile.TemporaryFile() as f:
        run(exe, path, threads, full, f)
        return f.tell()


def per_job(exe, small, large, jobs, threads, times):
    _, t_small = repeat(lambda: run(exe, small, threads), times)
    _, t_large = repeat(lambda: run(exe, large, threads), times)
    size = output_bytes(exe, large, threads)
    m = jobs - 10
    # Paired by repeat: each large run less the median small run, per job.
    base_cpu, base_wall = Timings.spread(t_small.cpu)[1], Timings.spread(t_small.wall)[1]
    return Timings([(c - base_cpu) / m for c in t_large.cpu], [(w - base_wall) / m for w in t_large.wall]), size / jobs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe")
    parser.add_argument("--baseline")
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    print(machine())
    print(f"{args.jobs} pac-bayes jobs, --threads {args.threads}; per job: min / median / max of {args.repeat} runs")
    with tempfile.TemporaryDirectory() as d:
        small, large = jobs_file(d, 10), jobs_file(d, args.jobs)
        results = {}
        for name, exe in [("itbound", args.exe)] + ([("baseline", args.baseline)] if args.baseline else []):
            t, size = per_job(exe, small, large, args.jobs, args.threads, args.repeat)
            results[name] = t
            line = f"{name:9} CPU us/job {fmt(t.cpu, 1e6)}   wall us/job {fmt(t.wall, 1e6)}   JSON {size:,.0f} B/job"
            if args.full and name == "itbound":
                line += f" (--full {output_bytes(exe, large, args.threads, full=True) / args.jobs:,.0f})"
            print(line)
        if args.baseline:
            ratio = Timings.spread(results["baseline"].cpu)[1] / Timings.spread(results["itbound"].cpu)[1]
            print(f"baseline / itbound, median CPU per job: {ratio:.2f}x")


if __name__ == "__main__":
    main()
