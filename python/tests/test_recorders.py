"""The recorders (itbound.recorders): files `itbound trajectory` reads back to the same bounds, refusals, the
forecaster checked against the path's own likelihoods, and a coverage check on a Gaussian-mean learner whose
expected gap is known in closed form."""
import json
import math
import subprocess

import numpy as np
import pytest

import itbound
from itbound.recorders import LangevinRecorder, SGDRecorder


def cli(exe, path):
    r = subprocess.run([exe, "trajectory", str(path), "--full"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def by_name(certificates):
    return {c["name"] if isinstance(c, dict) else c.name: c for c in certificates}


# ---- the Gaussian-mean learner: Z ~ N(0, s^2 I_d), objective (1/2) ||w - z||^2 (gradient w - z, 1-smooth), bounded
# loss l(w, z) = 1 - exp(-||w - z||^2 / (2 tau^2)) in [0, 1] (1/tau^2-smooth). Gradient descent from W_0 = 0 with
# Gaussian noise of variance v_t per step: W_T = a zbar + N(0, v I), a = 1 - (1 - eta)^T, v = sum_t v_t (1 - eta)^(2(T-1-t)).
D, S, TAU = 2, 1.0, 1.0


def expected_gap(n, eta, T, noise_var=0.0):
    """E[l(W, Z') - (1/n) sum_i l(W, Z_i)] exactly: E exp(-||X||^2 / (2 tau^2)) = (1 + c / tau^2)^(-d/2), X ~ N(0, c I)."""
    a = 1 - (1 - eta) ** T
    v = sum(noise_var * (1 - eta) ** (2 * (T - 1 - t)) for t in range(T))
    c_in = S**2 * (1 - 2 * a / n + a**2 / n) + v   # W - Z_i, Z_i in the training set
    c_out = S**2 * (1 + a**2 / n) + v              # W - Z', Z' independent
    return (1 + c_in / TAU**2) ** (-D / 2) - (1 + c_out / TAU**2) ** (-D / 2)


def loss(w, z):
    return float(np.mean(1 - np.exp(-np.sum((w - z) ** 2, axis=-1) / (2 * TAU**2))))


def langevin_run(path, rng, n, eta, beta, T, heldout=200):
    pairs = rng.normal(0, S, size=(n, 2, D))
    rec = LangevinRecorder(path, n=n, dimension=D, seed=int(rng.integers(2**31)))
    train, ghost = rec.training_set(pairs), rec.heldout_set(pairs)
    fresh = rng.normal(0, S, size=(heldout, D))  # held-out data for the population gradient (neu-sgld)
    w = np.zeros(D)
    for _ in range(T):
        g = w - train.mean(axis=0)
        noise = rec.noise(eta, beta)
        rec.step(step_size=eta, inverse_temperature=beta, candidate_gradients=(w - pairs[rec.index, 0], w - pairs[rec.index, 1]),
                 noise=noise, gradient=g, heldout_gradient=w - fresh.mean(axis=0))
        w = w - eta * g + noise
    rec.finish(train_loss=loss(w, train), test_loss=loss(w, ghost))
    return rec


def test_langevin_file_reads_back_to_the_recorders_result(exe, tmp_path):
    rec = langevin_run(tmp_path / "ld.jsonl", np.random.default_rng(1), n=10, eta=0.1, beta=50.0, T=30)
    assert rec.steps == 30
    out = cli(exe, tmp_path / "ld.jsonl")
    mine = json.loads(rec.result().to_json())
    assert out["format"] == "jsonl" and mine["format"] == "python"
    assert out["bounds"] == mine["bounds"] and out["gap"] == mine["gap"]
    certs = by_name(out["bounds"])
    for name in ("haghifam-ld", "neu-sgld"):
        assert certs[name]["applicable"], certs[name]
        assert certs[name]["guarantee"] == "estimated-bound"
    assert not certs["neu-sgd"]["applicable"]  # no perturbation schedule: Langevin runs are for haghifam-ld, neu-sgld
    h = certs["haghifam-ld"]["details"]
    assert h["constant_forecast"] == h["plain"] / 2


def test_forecaster_is_the_posterior_from_the_paths_own_likelihoods(tmp_path):
    """The sign of the noise term: the core's log-likelihood ratio (from <v, eps>) equals the ratio of the Gaussian
    densities of the recorded path under the two candidates, computed here from the iterates alone; the posterior
    weights of the two candidates sum to one and the forecaster value is rebuilt from them."""
    rng = np.random.default_rng(7)
    n, eta, beta, T = 6, 0.2, 200.0, 40
    pairs = rng.normal(0, S, size=(n, 2, D))
    rec = LangevinRecorder(tmp_path / "ld.jsonl", n=n, dimension=D, seed=3)
    train = rec.training_set(pairs)
    J, chosen = rec.index, rec.selection[rec.index]
    var = 2 * eta / beta
    log_lik = np.zeros(2)  # log density of the path under "pair J's selected example is column c"
    forecast_sum, w = 0.0, np.zeros(D)
    for _ in range(T):
        g = w - train.mean(axis=0)
        noise = rec.noise(eta, beta)
        rec.step(step_size=eta, inverse_temperature=beta, candidate_gradients=(w - pairs[J, 0], w - pairs[J, 1]), noise=noise)
        w_next = w - eta * g + noise
        weights = np.exp(log_lik - log_lik.max())
        weights /= weights.sum()
        assert weights.sum() == pytest.approx(1.0, abs=1e-15)
        theta = weights[1 - chosen]  # the posterior's mass on the unselected candidate, from W_0..W_t only
        xi = pairs[J, 1] - pairs[J, 0]
        forecast_sum += theta**2 * eta**2 * float(xi @ xi) / (2 * var * n**2)
        for c in (0, 1):
            g_c = g + (pairs[J, chosen] - pairs[J, c]) / n  # the full-batch gradient had pair J's column c been selected
            log_lik[c] += -float(np.sum((w_next - (w - eta * g_c)) ** 2)) / (2 * var)
        w = w_next
    details = by_name(rec.certificates())["haghifam-ld"].details
    assert details["final_log_likelihood_ratio"] == pytest.approx(log_lik[1 - chosen] - log_lik[chosen], rel=1e-9, abs=1e-12)
    assert details["forecaster"] == pytest.approx(math.sqrt(2 * forecast_sum), rel=1e-12)
    # The sign flipped (the authors' code) gives a different statistic on the same path.
    assert abs(details["final_log_likelihood_ratio"]) > 1e-3


def test_recorders_refuse_steps_that_break_the_assumptions(tmp_path):
    path = tmp_path / "ld.jsonl"
    rec = LangevinRecorder(path, n=4, dimension=3, seed=0)
    g = (np.zeros(3), np.ones(3))
    rec.step(step_size=0.1, inverse_temperature=10.0, candidate_gradients=g, noise=rec.noise(0.1, 10.0))
    lines = path.read_text().count("\n")
    with pytest.raises(ValueError, match=r"^step\[1\]\.noise: squared norm"):
        rec.step(step_size=0.1, inverse_temperature=10.0, candidate_gradients=g, noise=100 * rec.noise(0.1, 10.0))
    with pytest.raises(ValueError, match=r"^step\[1\]\.batch_size: haghifam-ld needs full-batch"):
        rec.step(step_size=0.1, inverse_temperature=10.0, candidate_gradients=g, noise=rec.noise(0.1, 10.0), batch_size=2)
    with pytest.raises(ValueError, match=r"^step\[1\]\.candidate_gradients\[1\]: must have dimension = 3"):
        rec.step(step_size=0.1, inverse_temperature=10.0, candidate_gradients=(np.zeros(3), np.ones(2)),
                 noise=rec.noise(0.1, 10.0))
    with pytest.raises(ValueError, match=r"^step\[1\]\.noise: must be finite"):
        rec.step(step_size=0.1, inverse_temperature=10.0, candidate_gradients=g, noise=np.full(3, np.nan))
    assert rec.steps == 1 and path.read_text().count("\n") == lines  # nothing written by a refused step
    rec.finish(train_loss=0.1, test_loss=0.2)
    with pytest.raises(ValueError, match=r"comes after the final record"):
        rec.step(step_size=0.1, inverse_temperature=10.0, candidate_gradients=g, noise=rec.noise(0.1, 10.0))

    sgd = SGDRecorder(tmp_path / "sgd.jsonl", n=10, dimension=3, perturbation=0.1, seed=0)
    with pytest.raises(ValueError, match=r"^step\[0\]\.batch_size: must be an integer in \[1, n = 10\]"):
        sgd.step(step_size=0.1, batch_size=11, gradient=np.zeros(3), heldout_gradient=np.zeros(3))
    sgd.step(step_size=0.1, batch_size=5, gradient=np.zeros(3), heldout_gradient=np.ones(3))
    sgd.perturbations()
    with pytest.raises(ValueError, match=r"one held-out gradient per perturbation drawn"):
        sgd.step(step_size=0.1, batch_size=5, gradient=np.zeros(3), heldout_gradient=np.ones(3),
                 perturbed_heldout_gradients=[np.ones(3), np.ones(3)])
    with pytest.raises(ValueError, match=r"^step\[1\]\.noise: squared norm"):
        sgd.step(step_size=0.1, batch_size=5, gradient=np.zeros(3), heldout_gradient=np.ones(3),
                 noise=np.full(3, 5.0), noise_std=0.01)


def test_sgd_recorder_by_hand_and_through_the_cli(exe, tmp_path):
    """A 2-d quadratic with known gradients: every recorded term and the neu-sgd value recomputed from the file."""
    rng = np.random.default_rng(5)
    n, eta, T = 20, 0.2, 8
    data, test = rng.normal(0, S, size=(n, D)), rng.normal(0, S, size=(100, D))
    rec = SGDRecorder(tmp_path / "sgd.jsonl", n=n, dimension=D, perturbation=(0.05, 1.1), perturbation_samples=4,
                      family={"scales": [0.02, 0.05], "ratios": [1.0, 1.2]}, smoothness=1.0, loss_smoothness=1 / TAU**2,
                      seed=11)
    w = np.zeros(D)
    for t in range(T):
        batch = data[rng.choice(n, 5, replace=False)]
        xis = rec.perturbations()
        assert len(xis) == (0 if t == 0 else 4)
        rec.step(step_size=eta, batch_size=5, gradient=w - batch.mean(axis=0), heldout_gradient=w - test.mean(axis=0),
                 perturbed_heldout_gradients=[(w + xi) - test.mean(axis=0) for xi in xis])
        w = w - eta * (w - batch.mean(axis=0))
    levels = dict(rec.levels())
    assert levels["perturbation_std"] == pytest.approx(0.05 * math.sqrt(sum(1.1 ** (2 * k) for k in range(T))), rel=1e-14)
    rec.finish(train_loss=loss(w, data), test_loss=loss(w, test), losses_at=lambda xi: (loss(w + xi, data), loss(w + xi, test)))
    lines = [json.loads(x) for x in (tmp_path / "sgd.jsonl").read_text().splitlines()]
    steps, final = lines[1:-1], lines[-1]["final"]
    assert len(final["value_sensitivity"]) == 1 + 4
    # Gamma for a linear population gradient is ||xi||^2 averaged over the draws: measured, not bounded.
    total, level_sq = 0.0, 0.0
    for s in steps:
        total += s["step_size"] ** 2 / s["perturbation_std"] ** 2 * (s["gradient_sensitivity"] + s["gradient_variance"])
        level_sq += s["perturbation_std"] ** 2
    delta = next(v for v in final["value_sensitivity"] if v["level"] == pytest.approx(math.sqrt(level_sq), rel=1e-12))
    hand = math.sqrt(4 * 0.25 / n * total) + delta["test"] - delta["train"]
    certs = by_name(cli(exe, tmp_path / "sgd.jsonl")["bounds"])
    assert certs["neu-sgd"]["value"] == pytest.approx(min(hand, 1.0), rel=1e-12)
    assert certs["neu-sgd-smooth"]["applicable"]
    assert certs["neu-sgd-smooth"]["details"]["delta_source"].startswith("bounded by loss_smoothness")
    assert by_name(rec.certificates())["neu-sgd"].value == certs["neu-sgd"]["value"]


def test_gaussian_mean_learner_every_bound_at_or_above_the_exact_expected_gap(tmp_path):
    """Coverage-style: over many runs of Langevin dynamics and of SGD on the Gaussian-mean learner, the mean of each
    bound (a one-run plug-in, so a mean over runs) is at or above the closed-form expected gap, and the measured gaps
    average to it."""
    rng = np.random.default_rng(2024)
    n, eta, beta, T, runs = 10, 0.1, 25.0, 20, 150
    values = {"plain": [], "constant_forecast": [], "forecaster": [], "neu-sgld": []}
    gaps = []
    for r in range(runs):
        rec = langevin_run(tmp_path / f"ld{r}.jsonl", rng, n, eta, beta, T)
        c = by_name(rec.certificates())
        for k in ("plain", "constant_forecast", "forecaster"):
            values[k].append(getattr(c["haghifam-ld"], k))
        values["neu-sgld"].append(c["neu-sgld"].value)
        gaps.append(rec.result().gap)
    exact = expected_gap(n, eta, T, noise_var=2 * eta / beta)
    assert exact > 0.02
    assert abs(np.mean(gaps) - exact) < 4 * np.std(gaps) / math.sqrt(runs)  # the closed form is the right one
    for k, v in values.items():
        assert np.mean(v) >= exact, (k, np.mean(v), exact)
    # theta = 1/2 is exactly half of plain, run by run.
    assert values["constant_forecast"] == [p / 2 for p in values["plain"]]

    sgd_values = {"neu-sgd": [], "neu-sgd-smooth": []}
    sgd_gaps = []
    for r in range(runs // 3):
        data, test = rng.normal(0, S, size=(n, D)), rng.normal(0, S, size=(200, D))
        rec = SGDRecorder(tmp_path / f"sgd{r}.jsonl", n=n, dimension=D, perturbation=0.3,
                          family={"scales": [0.1, 0.2, 0.3], "ratios": [1.0, 1.05]}, smoothness=1.0,
                          loss_smoothness=1 / TAU**2, seed=r)
        w = np.zeros(D)
        for _ in range(T):
            xis = rec.perturbations()
            g = w - data.mean(axis=0)  # full batch
            rec.step(step_size=eta, batch_size=n, gradient=g, heldout_gradient=w - test.mean(axis=0),
                     perturbed_heldout_gradients=[w + xi - test.mean(axis=0) for xi in xis])
            w = w - eta * g
        rec.finish(train_loss=loss(w, data), test_loss=loss(w, test),
                   losses_at=lambda xi: (loss(w + xi, data), loss(w + xi, test)), samples=50)
        c = by_name(rec.certificates())
        for k in sgd_values:
            assert c[k].applicable, (k, c[k].reason)
            sgd_values[k].append(c[k].value)
        sgd_gaps.append(rec.result().gap)
    exact = expected_gap(n, eta, T)
    assert abs(np.mean(sgd_gaps) - exact) < 4 * np.std(sgd_gaps) / math.sqrt(len(sgd_gaps))
    for k, v in sgd_values.items():
        assert np.mean(v) >= exact, (k, np.mean(v), exact)


def test_recorders_keep_constant_memory_in_the_number_of_steps(tmp_path):
    """Python-side memory after 500 and after 5,000 steps is the same (the accumulator keeps running sums)."""
    import tracemalloc

    rec = LangevinRecorder(tmp_path / "long.jsonl", n=50, dimension=8, seed=0)
    g = (np.zeros(8), np.ones(8))

    def run(steps):
        for _ in range(steps):
            rec.step(step_size=0.01, inverse_temperature=100.0, candidate_gradients=g, noise=rec.noise(0.01, 100.0),
                     gradient=np.ones(8), heldout_gradient=np.zeros(8))

    tracemalloc.start()
    run(500)
    early = tracemalloc.get_traced_memory()[0]
    run(4500)
    late = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert rec.steps == 5000
    assert late - early < 20_000, (early, late)
