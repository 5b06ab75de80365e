#!/usr/bin/python3
"""ctest python.pip_install: `pip install` of the checkout into a fresh virtual environment, offline.

Usage: venv_install.py SOURCE_DIR BUILD_DIR

Creates `python3 -m venv --system-site-packages` in a temporary directory (this interpreter: Debian's, with
NumPy), runs `pip install --no-index --no-build-isolation --config-settings build-dir=BUILD_DIR SOURCE_DIR`
with no PYTHONPATH, then from outside the source tree: imports itbound from the environment, runs a
command in Python and through the installed `itbound` script, type-checks a snippet against the installed
stubs with mypy (when installed), and uninstalls. BUILD_DIR is the suite's own build tree, configured for
this same interpreter: the backend only brings its targets up to date and packs them, so the test takes
seconds; a cold build through the backend (a temporary tree) is the same code path plus the compile.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

CALLS = '''\
import numpy as np
import itbound
r = itbound.test_set(errors=np.int64(35), trials=899, delta=0.05)
c = itbound.cmi(mask=np.zeros((1, 2, 3)), loss=np.zeros((1, 2, 3, 2)), correction="jackknife")
k: float = itbound.kl_diag_gaussian(np.zeros(3), np.ones(3), np.zeros(3), 0.1)
s = itbound.supersample_stats(np.zeros((1, 2, 3)), np.zeros((1, 2, 3, 2))).merge(itbound.SupersampleStats())
itbound.test_set(erors=35, trials=899)
'''


def run(command, cwd, env, check=True):
    out = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)
    if check and out.returncode != 0:
        sys.exit(f"failed ({out.returncode}): {' '.join(map(str, command))}\n{out.stdout}\n{out.stderr}")
    return out


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    source, build = (pathlib.Path(a).resolve() for a in argv[1:])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="itbound-venv-") as tmp:
        tmp = pathlib.Path(tmp)
        venv = tmp / "venv"
        python, script = venv / "bin" / "python", venv / "bin" / "itbound"
        # Debian's pip comes in through the system site-packages (ensurepip would copy pip in: ~10 s).
        run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv], tmp, env)
        run([python, "-m", "pip", "install", "--no-index", "--no-build-isolation",
             "--config-settings", f"build-dir={build}", source], tmp, env)
        installed = pathlib.Path(run([python, "-c", "import itbound; print(itbound.__file__)"], tmp, env).stdout.strip())
        if venv not in installed.parents:
            sys.exit(f"itbound imported from {installed}, not from the environment {venv}")
        for name in ("_itbound.pyi", "py.typed"):
            if not (installed.parent / name).exists():
                sys.exit(f"{name} missing from the installed package {installed.parent}")
        value = float(run([python, "-c", "import itbound; print(repr(itbound.test_set(errors=35, trials=899).value))"],
                          tmp, env).stdout)
        cli = json.loads(run([script, "test-set", "--errors", "35", "--trials", "899"], tmp, env).stdout)
        if cli["value"] != value:
            sys.exit(f"the installed CLI gives {cli['value']}, the installed module {value}")
        checked = run([python, "-c", "import mypy"], tmp, env, check=False).returncode == 0
        if checked:  # the installed stubs as an editor sees them: good calls pass, a misspelt keyword fails
            (tmp / "calls.py").write_text(CALLS)
            out = run([python, "-m", "mypy", "--no-incremental", "--strict", "calls.py"], tmp, env, check=False).stdout
            errors = [line for line in out.splitlines() if ": error:" in line]
            if len(errors) != 1 or 'calls.py:7: error: Unexpected keyword argument "erors"' not in errors[0]:
                sys.exit(f"mypy through the installed stubs: expected one error, on line 7's misspelt keyword:\n{out}")
        run([python, "-m", "pip", "uninstall", "-y", "itbound"], tmp, env)
        if run([python, "-c", "import itbound"], tmp, env, check=False).returncode == 0 or script.exists():
            sys.exit("pip uninstall left itbound behind (RECORD incomplete)")
    print(f"venv install: import, command, CLI{', stubs (mypy)' if checked else ''} and uninstall ok "
          f"in {time.perf_counter() - start:.1f} s; test_set value {value!r}")


if __name__ == "__main__":
    main(sys.argv)
