#!/usr/bin/python3
"""Executes every notebooks/*.ipynb headless with nbclient and fails on the first cell error.

Usage: run_notebooks.py <build>/python [notebook ...]. The kernel is Jupyter's "python3"; it must be this
interpreter (Debian's /usr/bin/python3, which has the itbound module's ABI). The kernel inherits
ITBOUND_PYTHONPATH (read by each notebook's first cell) and PYTHONPATH, so `import itbound` finds the build.
Notebooks run with the repository root as working directory, so they open data/examples/... directly.
"""
import os
import pathlib
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: run_notebooks.py <build>/python [notebook ...]")
    package_dir = str(pathlib.Path(argv[1]).resolve())
    notebooks = [pathlib.Path(p) for p in argv[2:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        sys.exit("no notebooks found")
    kernel = KernelSpecManager().get_kernel_spec("python3").argv[0]
    if os.path.realpath(kernel) != os.path.realpath(sys.executable):
        sys.exit(f"kernel 'python3' runs {kernel}, not {sys.executable}: the itbound module would not load there")
    os.environ["ITBOUND_PYTHONPATH"] = package_dir
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [package_dir, os.environ.get("PYTHONPATH", "")] if p)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets a debugger warning on stderr
    failed = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(ROOT)}}).execute()
        except CellExecutionError as e:
            failed.append(path.name)
            print(f"FAIL {path.name}\n{e}", file=sys.stderr)
            continue
        print(f"ok   {path.name} ({time.perf_counter() - start:.1f} s)")
    if failed:
        sys.exit(f"{len(failed)} notebook(s) failed: {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv)
