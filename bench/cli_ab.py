#!/usr/bin/python3
"""Two or more itbound builds on the same command, their processes started in turn (A, B, A, B, ...), so that
a busy shared machine slows each build alike: min / median / max of CPU (user + system of the process, threads
summed) and wall milliseconds per build. Columns of separate benchmark runs do not compare builds on this
machine; this does.

Usage: bench/cli_ab.py EXE [EXE ...] [--repeat 20] -- ARGS...
  e.g. bench/cli_ab.py old/bin/itbound build/bin/itbound -- cmi runs.npz
  (runs.npz as bench/cmi_bench.py makes it: python3 -c "import cmi_bench as c, numpy as np;
   m, l = c.make_runs(5, 50, 50000); np.savez('runs.npz', mask=m, loss=l.astype(np.uint8))" from bench/)
Run it twice with the builds' order swapped: the first build of a pair can gain or lose a few percent.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import Timings, fmt, machine  # noqa: E402


def main():
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exes", nargs="+")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv[:split])
    command = argv[split + 1:]
    if not command:
        parser.error("give the command after --")
    print(machine())
    print(f"command: {' '.join(command)}; {args.repeat} processes per build, started in turn")
    times = {exe: Timings() for exe in args.exes}
    for _ in range(args.repeat):
        for exe in args.exes:
            start = time.perf_counter()
            child = subprocess.Popen([exe] + command, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            if status != 0:
                sys.exit(f"{exe} failed (exit code {os.waitstatus_to_exitcode(status)})")
            times[exe].add(usage.ru_utime + usage.ru_stime, time.perf_counter() - start)
    print(f"{'build':50s} {'CPU ms min / median / max':>30s} {'wall ms min / median / max':>30s}")
    for exe, t in times.items():
        print(f"{exe:50s} {fmt(t.cpu, 1e3)} {fmt(t.wall, 1e3)}")


if __name__ == "__main__":
    sys.exit(main())
