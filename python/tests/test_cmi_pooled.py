"""The CMI bounds added from the authors' public code and the compression-scheme bounds, from Python: the same
results as the CLI, per-pair pooled e-MI from statistics, errors naming the field."""
import json
import math
import pathlib
import subprocess

import numpy as np
import pytest

import itbound

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "data" / "examples"
LOGREG = str(EXAMPLES / "digits-logreg.npz")


def test_pooled_bounds_match_the_cli_and_the_arrays(exe):
    r = itbound.cmi(runs=LOGREG, bootstrap=0, compression_size=5).to_dict()
    out = subprocess.run([exe, "cmi", LOGREG, "--full", "--bootstrap", "0", "--compression-size", "5"], capture_output=True,
                         text=True)
    assert out.returncode == 0 and r == json.loads(out.stdout)
    names = {b["name"] for b in r["bounds"]}
    assert {"emi-sqrt", "emi-binary-kl", "emi-fast-rate", "slmi-sqrt", "slmi-fast-rate-closed", "ldcmi-interpolating",
            "cmi-compression-sqrt", "cmi-compression-fast-rate"} <= names
    d = np.load(LOGREG)
    arrays = itbound.cmi(mask=d["mask"], loss=d["loss"], pred=d["pred"], bootstrap=0, compression_size=5).to_dict()
    assert arrays == r


def test_pooled_emi_from_statistics_is_the_brute_force_plug_in():
    d = np.load(LOGREG)
    mask, loss = d["mask"], d["loss"]
    emi = itbound.supersample_stats(mask, loss).finalize()["emi"]
    k1, k2, n = mask.shape
    for i in range(0, n, 37):
        pairs = loss[:, :, i, :].reshape(-1, 2)
        u = mask[:, :, i].ravel()
        keys = pairs[:, 0] * 2 + pairs[:, 1]
        mi = 0.0
        for x in np.unique(keys):
            for b in (0, 1):
                c = np.sum((keys == x) & (u == b))
                if c:
                    mi += c / len(u) * math.log(c * len(u) / (np.sum(keys == x) * np.sum(u == b)))
        assert emi[i] == pytest.approx(min(max(mi, 0.0), math.log(2)), abs=1e-14)


def test_compression_command():
    r = itbound.compression(n=898, compression_size=10, train_error=0.05, compression_unordered=True)
    exact = math.log(math.comb(1796, 10))
    assert r.cmi_bound == pytest.approx(exact, rel=1e-12) and r.cmi_bound >= exact * (1 - 1e-15)
    fast = next(b for b in r.bounds if b.name == "cmi-compression-fast-rate")
    assert fast.value == pytest.approx(0.1 + 3 * exact / 898, rel=1e-12)
    assert fast.guarantee == "expectation-bound"
    with pytest.raises(ValueError, match="^compression-size: "):
        itbound.compression(n=10, compression_size=11, train_error=0.0)
