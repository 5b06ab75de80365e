"""What every benchmark here prints the same way: the machine (CPU model, cores, load, date), timings as
min / median / max over repeats, and the thread count of each side.

CPU times are the process's own (user + system, children included), which other jobs on a shared machine
inflate far less than wall-clock times; both are recorded.
"""
import datetime
import os
import resource
import statistics
import time


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def machine():
    """One line: CPU model, logical CPUs, load average, date (UTC)."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"{cpu_model()}, {os.cpu_count()} logical CPUs, load average {load:.1f}, {date}"


def cpu_seconds():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Timings:
    """CPU and wall seconds of repeated runs."""

    def __init__(self, cpu=(), wall=()):
        self.cpu, self.wall = list(cpu), list(wall)

    def add(self, cpu, wall):
        self.cpu.append(cpu)
        self.wall.append(wall)

    def scaled(self, factor):
        return Timings([c * factor for c in self.cpu], [w * factor for w in self.wall])

    @staticmethod
    def spread(values):
        return min(values), statistics.median(values), max(values)


def repeat(fn, times):
    """(first result, Timings of `times` runs of fn())."""
    out, t = None, Timings()
    for k in range(times):
        c, w = cpu_seconds(), time.perf_counter()
        result = fn()
        t.add(cpu_seconds() - c, time.perf_counter() - w)
        if k == 0:
            out = result
    return out, t


def fmt(values, scale=1.0, width=8, digits=3):
    """'min / median / max' of values * scale."""
    return " / ".join(f"{v * scale:{width}.{digits}g}" for v in Timings.spread(values))
