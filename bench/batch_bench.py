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


def per_job(t_small, t_large, jobs):
    """Per job: each large run less the median small run, over the jobs the large run has more."""
    m = jobs - 10
    base_cpu, base_wall = Timings.spread(t_small.cpu)[1], Timings.spread(t_small.wall)[1]
    return Timings([(c - base_cpu) / m for c in t_large.cpu], [(w - base_wall) / m for w in t_large.wall])


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
    print(f"{args.jobs} pac-bayes jobs, --threads {args.threads}; per job: min / median / max of {args.repeat} runs, "
          "the builds' runs interleaved")
    builds = [("itbound", args.exe)] + ([("baseline", args.baseline)] if args.baseline else [])
    with tempfile.TemporaryDirectory() as d:
        small, large = jobs_file(d, 10), jobs_file(d, args.jobs)
        raw = {name: (Timings(), Timings()) for name, _ in builds}
        # Repeat by repeat, each build in turn: a busy spell on the shared machine slows both builds alike.
        for _ in range(args.repeat):
            for name, exe in builds:
                for path, timings in [(small, raw[name][0]), (large, raw[name][1])]:
                    _, t = repeat(lambda: run(exe, path, args.threads), 1)
                    timings.add(t.cpu[0], t.wall[0])
        results = {}
        for name, exe in builds:
            t = results[name] = per_job(*raw[name], args.jobs)
            size = output_bytes(exe, large, args.threads) / args.jobs
            line = f"{name:9} CPU us/job {fmt(t.cpu, 1e6)}   wall us/job {fmt(t.wall, 1e6)}   JSON {size:,.0f} B/job"
            if args.full and name == "itbound":
                line += f" (--full {output_bytes(exe, large, args.threads, full=True) / args.jobs:,.0f})"
            print(line)
        if args.baseline:
            ours, theirs = results["itbound"], results["baseline"]
            cpu = Timings.spread(theirs.cpu)[1] / Timings.spread(ours.cpu)[1]
            wall = Timings.spread(theirs.wall)[1] / Timings.spread(ours.wall)[1]
            print(f"baseline / itbound, medians per job: CPU {cpu:.2f}x, wall {wall:.2f}x")


if __name__ == "__main__":
    main()
