"""itbound.loo_cmi: generated from the loo-cmi Params, the same result as the CLI, errors as ValueError."""
import json
import math
import pathlib
import subprocess

import numpy as np
import pytest

import itbound

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "data" / "examples"


def test_loo_cmi_matches_the_cli_and_the_identity(exe):
    path = EXAMPLES / "digits-loo-1nn.npz"
    r = itbound.loo_cmi(runs=path)  # os.PathLike accepted
    out = subprocess.run([exe, "loo-cmi", "--runs", str(path), "--full"], capture_output=True, text=True)
    assert out.returncode == 0
    assert json.loads(r.to_json()) == json.loads(out.stdout)
    # 1-NN interpolates and is deterministic; with each index left out twice the estimate is exact and
    # equals r ln(n+1) - (1 - r) ln(1 - r) per supersample, r its leave-one-out error.
    assert r.train_error == 0 and r.design["exact"]
    points = r.shape["points"]
    for info, rate in zip(r.per_supersample["loo_cmi"], r.per_supersample["loo_error"]):
        assert info == pytest.approx(rate * math.log(points) - (1 - rate) * math.log1p(-rate), rel=1e-12)
    bounds = {b["name"]: b for b in r.bounds}
    assert bounds["loo-interpolating-lower"]["value"] <= r.loo_error <= bounds["loo-interpolating-upper"]["value"]


def test_loo_cmi_arguments_and_errors(tmp_path):
    path = tmp_path / "runs.npz"
    np.savez(path, loss=np.array([[[1, 0, 0], [0, 0, 0], [0, 0, 0]]]), left_out=np.array([[0, 1, 2]]))
    r = itbound.loo_cmi(runs=str(path), correction="miller-madow")
    assert r.correction == "miller-madow" and r.shape == {"k1": 1, "k2": 3, "n": 2, "points": 3}
    # r = 1/3 on 3 points: plug-in I = H(L) = ln 3 - (2/3) ln 2; Miller-Madow adds (Kx - 1)/(2m) = 1/6.
    assert r.estimates["loo_cmi"] == pytest.approx(math.log(3) - 2 / 3 * math.log(2) + 1 / 6, rel=1e-14)
    np.savez(tmp_path / "bad.npz", loss=np.zeros((1, 2, 3)), left_out=np.array([[0, 5]]))
    with pytest.raises(ValueError, match="^left_out: values must be"):
        itbound.loo_cmi(runs=str(tmp_path / "bad.npz"))
    with pytest.raises(ValueError, match="^loss: value 1 outside the declared range"):
        itbound.loo_cmi(runs=str(path), loss_max=0.5)
    with pytest.raises(ValueError, match="^correction:"):
        itbound.loo_cmi(runs=str(path), correction="bogus")
