"""pac_bayes(dp_epsilon=...) and dp_gibbs_prior from Python: the same results as the CLI, errors naming the field."""
import json
import math
import subprocess

import pytest

import itbound


def test_dp_prior_matches_the_cli(exe):
    r = itbound.pac_bayes(emp_risk=0.05, kl=5.0, n=253, dp_epsilon=0.1).to_dict()
    out = subprocess.run([exe, "pac-bayes", "--full", "--emp-risk", "0.05", "--kl", "5", "--n", "253", "--dp-epsilon", "0.1"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and r == json.loads(out.stdout)
    assert r["best"]["name"] == "kl-dp-prior"


def test_gibbs_prior_epsilon_and_the_free_region():
    p = itbound.dp_gibbs_prior(tau=16, n=253)
    assert p.epsilon == pytest.approx(32 / 253, rel=1e-15) and p.epsilon >= 32 / 253
    assert p.free_tau == pytest.approx(math.sqrt(253 * math.log(60)) / 2, rel=1e-13)
    # At the free tau the privacy charge is 2 ln(3/delta), whatever the KL: as if the prior were bought with delta/9.
    dp = itbound.pac_bayes(emp_risk=0.1, kl=3.0, n=253, dp_epsilon=p.free_epsilon)
    cert = next(b for b in dp.bounds if b.name == "kl-dp-prior")
    assert cert.details["log_inv_beta"] == pytest.approx(2 * math.log(60), rel=1e-12)
    with pytest.raises(ValueError, match="^tau: "):
        itbound.dp_gibbs_prior(tau=-1, n=10)
    with pytest.raises(ValueError, match="^dp-epsilon: "):
        itbound.pac_bayes(emp_risk=0.1, kl=1.0, n=10, dp_epsilon=-1.0)
