"""itbound.cmi with the k-NN estimator and a given total CMI: the same results and errors as the CLI."""
import json
import pathlib
import subprocess

import pytest

import itbound

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "data" / "examples"
XENT = str(EXAMPLES / "digits-logreg-xent.npz")


def test_knn_on_continuous_losses_matches_the_cli(exe):
    r = itbound.cmi(runs=XENT, loss_max=4.0, estimator="knn", k=2).to_dict()
    out = subprocess.run([exe, "cmi", "--runs", XENT, "--loss-max", "4", "--estimator", "knn", "--k", "2", "--full"],
                         capture_output=True, text=True)
    assert out.returncode == 0
    assert r == json.loads(out.stdout)
    names = [b["name"] for b in r["bounds"]]
    assert {"ecmi-binary-kl", "ecmi-fast-rate", "slmi-fast-rate", "ldcmi-sqrt"} <= set(names)
    assert r["knn"]["k"] == 2


def test_total_cmi_and_bad_k():
    r = itbound.cmi(runs=str(EXAMPLES / "digits-tree.npz"), total_cmi=30.0, bootstrap=0)
    total = next(b for b in r["bounds"] if b["name"] == "cmi-total-sqrt")
    assert total["value"] == pytest.approx(r["train_error"] + (2 * 30.0 / 150) ** 0.5, rel=1e-12)
    with pytest.raises(ValueError, match="^k: "):
        itbound.cmi(runs=XENT, loss_max=4.0, estimator="knn", k=0)
