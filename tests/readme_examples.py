"""The README's examples run as written, from the repository root.

Usage: readme_examples.py <build>/python <itbound executable>

- Every ```pycon block is a doctest session (ELLIPSIS and NORMALIZE_WHITESPACE), run with the built module first on
  sys.path, as `PYTHONPATH=build/python /usr/bin/python3` would.
- Every indented `$ build/bin/itbound ... --format table` example prints exactly the lines shown under it (a last line
  `…` shows only the first lines).
"""
import doctest
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
readme = (ROOT / "README.md").read_text()
os.chdir(ROOT)
sys.path.insert(0, str(pathlib.Path(sys.argv[1]).resolve()))
exe = sys.argv[2]
failures = []

blocks = re.findall(r"^```pycon\n(.*?)^```$", readme, re.M | re.S)
if not blocks:
    failures.append("README.md has no ```pycon block")
for i, block in enumerate(blocks):
    test = doctest.DocTestParser().get_doctest(block, {}, f"README.md pycon block {i + 1}", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    if runner.failures:
        failures.append(f"{test.name}: {runner.failures} of {runner.tries} examples failed (above)")

lines = readme.splitlines()
tables = 0
for at, line in enumerate(lines):
    m = re.match(r"^    \$ build/bin/itbound (.*--format table.*)$", line)
    if not m:
        continue
    shown = []
    for following in lines[at + 1:]:
        if following.startswith("    $ ") or (following and not following.startswith("    ")):
            break
        shown.append(following[4:])
    while shown and not shown[-1]:
        shown.pop()
    prefix = bool(shown) and shown[-1] == "\u2026"
    if prefix:
        shown.pop()
    r = subprocess.run([exe, *m.group(1).split()], capture_output=True, text=True)
    printed = r.stdout.rstrip("\n").split("\n")
    if prefix:
        printed = printed[: len(shown)]
    tables += 1
    if r.returncode != 0 or printed != shown:
        diff = next((f"line {k + 1}: shown {a!r}, printed {b!r}" for k, (a, b) in enumerate(zip(shown, printed)) if a != b),
                    f"{len(shown)} lines shown, {len(printed)} printed")
        failures.append(f"README `itbound {m.group(1)}`: exit {r.returncode} {r.stderr.strip()}; {diff}")
if tables == 0:
    failures.append("README.md shows no --format table output")

for f in failures:
    print("FAIL:", f)
if not failures:
    print(f"README: {len(blocks)} Python session(s) and {tables} table outputs as shown")
sys.exit(1 if failures else 0)
