"""KL terms and per-sample Monte Carlo errors from NumPy arrays, checked against mpmath closed forms."""
import mpmath
import numpy as np
import pytest

import itbound

mpmath.mp.dps = 40


def gaussian_kl_mp(mq, sq, mp_, sp):
    return float(sum(mpmath.mpf(s) ** 2 / mpmath.mpf(t) ** 2 + (mpmath.mpf(a) - mpmath.mpf(b)) ** 2 / mpmath.mpf(t) ** 2
                     - 1 - 2 * mpmath.log(mpmath.mpf(s) / mpmath.mpf(t)) for a, s, b, t in zip(mq, sq, mp_, sp)) / 2)


def test_diagonal_gaussian_arrays_and_isotropic_prior():
    mq, sq = np.array([0.1, -0.3, 2.0, 0.0]), np.array([0.05, 0.2, 1.0, 0.3])
    ref = gaussian_kl_mp(mq, sq, np.zeros(4), [0.1] * 4)
    for value in (itbound.kl_diag_gaussian(mq, sq, np.zeros(4), 0.1),
                  itbound.kl_diag_gaussian(mq, sq, np.zeros(4), np.full(4, 0.1)),
                  itbound.kl_diag_gaussian(mq, itbound.std_from_log_var(np.log(sq**2)), np.zeros(4), 0.1)):
        assert ref <= value <= ref * (1 + 1e-12)
    with pytest.raises(ValueError, match="std_q"):
        itbound.kl_diag_gaussian(mq, -sq, np.zeros(4), 0.1)
    with pytest.raises(ValueError, match="mean_p"):
        itbound.kl_diag_gaussian(mq, sq, np.zeros(3), 0.1)


def test_full_covariance_bernoulli_categorical_compression():
    cq, cp = np.array([[0.5, 0.1], [0.1, 0.3]]), np.array([[2.0, 0.3], [0.3, 1.0]])
    mq, mp_ = np.array([0.1, 0.2]), np.array([0.0, 0.5])
    Pi, d = mpmath.matrix(cp.tolist()) ** -1, mpmath.matrix((mq - mp_).tolist())
    ref = float((sum((Pi * mpmath.matrix(cq.tolist()))[i, i] for i in range(2)) + (d.T * Pi * d)[0] - 2
                 + mpmath.log(mpmath.det(mpmath.matrix(cp.tolist()))) - mpmath.log(mpmath.det(mpmath.matrix(cq.tolist())))) / 2)
    assert ref <= itbound.kl_gaussian(mq, cq, mp_, cp) <= ref * (1 + 1e-12)
    q, p = np.array([0.1, 0.9, 0.5]), np.array([0.5, 0.25, 0.5])
    ref = float(sum(mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / b) + (1 - mpmath.mpf(a)) * mpmath.log((1 - mpmath.mpf(a)) / (1 - mpmath.mpf(b)))
                    for a, b in zip(q, p)))
    assert ref <= itbound.kl_bernoulli(q, p) <= ref * (1 + 1e-12)
    q, p = np.array([0.2, 0.3, 0.5]), np.array([0.25, 0.25, 0.5])
    ref = float(sum(mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b)) for a, b in zip(q, p)))
    assert ref <= itbound.kl_categorical(q, p) <= ref * (1 + 1e-12)
    assert itbound.kl_compression(1000) >= float(1000 * mpmath.log(2))
    with pytest.raises(ValueError, match="prob_q"):
        itbound.kl_categorical(np.array([0.5, 0.6]), np.array([0.5, 0.5]))


def test_dziugaite_roy_grid_point():
    g = itbound.prior_variance_grid_point(0.1 * np.exp(-2.3), 0.05)
    assert g["j"] == 230
    assert g["charge_nats"] >= float(2 * mpmath.log(230) + mpmath.log(mpmath.pi ** 2 / 6))
    assert g["delta_j"] <= float(6 * mpmath.mpf("0.05") / (mpmath.pi ** 2 * 230 ** 2))
    with pytest.raises(ValueError, match="prior_variance"):
        itbound.prior_variance_grid_point(0.011, 0.05)
    assert itbound.prior_variance_grid_point(0.2, 0.05, snap=True)["j"] == 1


def test_pac_bayes_takes_per_sample_errors_as_a_numpy_array():
    errors = np.array([0.25, 0.5, 0.0, 0.125])  # mean 0.21875 exactly
    a = itbound.pac_bayes(kl=5, n=1000, mc_sample_errors=errors).to_dict()
    b = itbound.pac_bayes(kl=5, n=1000, mc_samples=4, mc_mean_error=0.21875).to_dict()
    assert a["bounds"] == b["bounds"] and a["mc_upper"] == b["mc_upper"]
    assert itbound.pac_bayes(kl=5, n=1000, mc_sample_errors=list(errors)).to_dict()["bounds"] == b["bounds"]
    # The spellings published before the rename are aliases.
    assert itbound.pac_bayes(kl=5, n=1000, mc_errors=errors) == itbound.pac_bayes(kl=5, n=1000, mc_sample_errors=errors)
    assert (itbound.pac_bayes(kl=5, n=1000, mc_samples=4, mc_error=0.21875)
            == itbound.pac_bayes(kl=5, n=1000, mc_samples=4, mc_mean_error=0.21875))
    with pytest.raises(ValueError, match="given twice"):
        itbound.pac_bayes(kl=5, n=1000, mc_samples=4, mc_error=0.2, mc_mean_error=0.2)
    with pytest.raises(ValueError, match=r"did you mean emp-risk\?"):
        itbound.pac_bayes(kl=5, n=1000, emprisk=0.1)
    with pytest.raises(ValueError, match="mc-sample-errors"):
        itbound.pac_bayes(kl=5, n=1000, mc_sample_errors=np.array([0.5, 1.5]))


def test_pac_bayes_empirical_bernstein_from_the_sample_variance_of_losses():
    # Losses of one hypothesis (KL = 0): the variance is computed from the array, as a user would.
    rng = np.random.default_rng(7)
    losses = 0.1 * (rng.random(5000) < 0.3)
    r = itbound.pac_bayes(emp_risk=losses.mean(), kl=0, n=losses.size, emp_variance=losses.var(ddof=1)).to_dict()
    eb = next(b for b in r["bounds"] if b["name"] == "empirical-bernstein")
    kl = next(b for b in r["bounds"] if b["name"] == "kl")
    assert losses.mean() <= eb["value"] < kl["value"]  # small variance: below the kl bound
    assert r["best"] != "empirical-bernstein"
    with pytest.raises(ValueError, match="emp-variance"):
        itbound.pac_bayes(emp_risk=0.1, kl=0, n=100, emp_variance=0.2)


def test_kl_divergence_command_reads_npz(tmp_path):
    mq, sq = np.array([0.1, -0.3, 2.0, 0.0]), np.array([0.05, 0.2, 1.0, 0.3])
    np.savez(tmp_path / "q.npz", mean=mq, std=sq)
    np.savez(tmp_path / "p.npz", mean=np.zeros(4), std=0.1)
    r = itbound.kl_divergence(posterior=tmp_path / "q.npz", prior=tmp_path / "p.npz")
    assert r.kl == itbound.kl_diag_gaussian(mq, sq, np.zeros(4), 0.1)
    assert itbound.pac_bayes(emp_risk=0.1, n=1000, posterior=tmp_path / "q.npz", prior=tmp_path / "p.npz").kl == r.kl
