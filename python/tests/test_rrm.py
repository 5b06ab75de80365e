"""itbound.rrm from a file and from NumPy arrays: the same result as the CLI; errors naming the member."""
import json
import pathlib
import subprocess

import numpy as np
import pytest

import itbound

RUNS = pathlib.Path(__file__).resolve().parents[2] / "data" / "examples" / "digits-rrm.npz"


def test_file_and_arrays_match_the_cli(exe):
    r = itbound.rrm(runs=str(RUNS), bootstrap=0).to_dict()
    out = subprocess.run([exe, "rrm", str(RUNS), "--full", "--bootstrap", "0"], capture_output=True, text=True)
    assert out.returncode == 0 and r == json.loads(out.stdout)
    assert itbound.rrm(**dict(np.load(RUNS)), bootstrap=0).to_dict() == r
    arrays = itbound.rrm(**dict(np.load(RUNS)), bootstrap=20)
    assert arrays.gap == pytest.approx(arrays.robustness + arrays.memorization + arrays.rationality, abs=1e-15)
    assert isinstance(arrays.information.interval, np.ndarray) and arrays.information.interval.shape == (2,)


def test_bad_arrays_name_the_member():
    d = dict(np.load(RUNS))
    with pytest.raises(ValueError, match="^eta: "):
        itbound.rrm(**{**d, "eta": 0.5})
    with pytest.raises(ValueError, match="^noisy_labels: "):
        itbound.rrm(**{**d, "noised": np.ones_like(d["noised"])})
    with pytest.raises(ValueError, match="^runs: "):
        itbound.rrm(runs=str(RUNS), **d)
