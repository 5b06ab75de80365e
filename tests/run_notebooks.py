#!/usr/bin/python3
"""Executes every notebooks/*.ipynb headless with nbclient and fails on the first cell error.

Usage: run_notebooks.py [--write] <build>/python [notebook ...]. The notebooks are committed with their outputs (so
they read on a code host without running): each must have an output recorded for every code cell, and --write
(scripts/refresh-notebooks.sh) saves the executed notebooks back in place. The kernel is Jupyter's "python3"; it must be this
interpreter (Debian's /usr/bin/python3, which has the itbound module's ABI). As the README's command runs them
(`ITBOUND_PYTHONPATH=build/python jupyter execute notebooks/NAME.ipynb` from the repository root): the kernel starts
in the notebook's directory and inherits ITBOUND_PYTHONPATH as a path relative to the repository root, which each
notebook's first cell resolves (no PYTHONPATH: a notebook that cannot find the build that way fails here).
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


def unexecuted_cells(nb):
    """Indices of code cells with no recorded execution (a notebook committed without its outputs)."""
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and cell.source.strip()
            and cell.get("execution_count") is None]


def main(argv):
    write = "--write" in argv
    argv = [a for a in argv if a != "--write"]
    if len(argv) < 2:
        sys.exit("usage: run_notebooks.py [--write] <build>/python [notebook ...]")
    package_dir = str(pathlib.Path(argv[1]).resolve())
    notebooks = [pathlib.Path(p) for p in argv[2:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        sys.exit("no notebooks found")
    kernel = KernelSpecManager().get_kernel_spec("python3").argv[0]
    if os.path.realpath(kernel) != os.path.realpath(sys.executable):
        sys.exit(f"kernel 'python3' runs {kernel}, not {sys.executable}: the itbound module would not load there")
    os.environ["ITBOUND_PYTHONPATH"] = os.path.relpath(package_dir, ROOT)
    os.environ.pop("PYTHONPATH", None)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets a debugger warning on stderr
    failed = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        if not write and unexecuted_cells(nb):
            failed.append(path.name)
            print(f"FAIL {path.name}: committed without outputs (code cells {unexecuted_cells(nb)}); "
                  "run scripts/refresh-notebooks.sh", file=sys.stderr)
            continue
        start = time.perf_counter()
        try:
            NotebookClient(nb, kernel_name="python3", timeout=120,
                           resources={"metadata": {"path": str(path.resolve().parent)}}).execute()
        except CellExecutionError as e:
            failed.append(path.name)
            print(f"FAIL {path.name}\n{e}", file=sys.stderr)
            continue
        if write:
            nbformat.write(nb, path)
        print(f"ok   {path.name} ({time.perf_counter() - start:.1f} s){' written' if write else ''}")
    if failed:
        sys.exit(f"{len(failed)} notebook(s) failed: {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv)
