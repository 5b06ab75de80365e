"""Shared by end-to-end CLI scripts: run the built executable, collect failed checks, check bad-input errors."""
import subprocess
import sys


class Checks:
    def __init__(self, exe):
        self.exe = exe
        self.failures = []

    def run(self, *args, stdin=None):
        return subprocess.run([self.exe, *map(str, args)], capture_output=True, text=True, input=stdin)

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)

    def check_error(self, args, field):
        """Bad input: exit code 2, nothing on stdout, one line on stderr naming `field`."""
        r = self.run(*args)
        lines = r.stderr.strip().splitlines()
        self.check(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and field in lines[0],
                   f"{args}: exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")

    def finish(self):
        for f in self.failures:
            print("FAIL:", f)
        sys.exit(1 if self.failures else 0)
