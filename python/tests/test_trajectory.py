"""The streaming trajectory accumulator: same vocabulary, checks and results as `itbound trajectory`."""
import json
import math
import subprocess

import numpy as np
import pytest

import itbound

HEADER = {"dimension": 3, "n": 10, "prior_examples": 2, "gradient_bound_global": True}
STEPS = [
    {"step_size": 0.5, "noise_std": 1.0, "batch_size": 10, "gradient_bound": 2.0, "gradient_sq_mean": 2.0,
     "incoherence_sq": 4.0},
    {"step_size": 0.5, "inverse_temperature": 0.5, "batch_size": 10, "gradient_bound": 2.0, "gradient_sq_mean": 4.0,
     "incoherence_sq": None},
]


def streamed():
    acc = itbound.TrajectoryAccumulator(**HEADER)
    for s in STEPS:
        acc.add_step(**s)
    return acc


def cli(exe, path, *extra):
    r = subprocess.run([exe, "trajectory", "--file", str(path), "--full", *extra], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_streamed_equals_the_cli_on_json_lines_and_npz(exe, tmp_path):
    jsonl = tmp_path / "run.jsonl"
    jsonl.write_text("\n".join(json.dumps(x) for x in [HEADER] + STEPS) + "\n")
    npz = tmp_path / "run.npz"
    keys = {k for s in STEPS for k in s}
    arrays = {k: np.array([np.nan if s.get(k) is None else s[k] for s in STEPS]) for k in keys}
    np.savez(npz, dimension=3, n=10, prior_examples=2, gradient_bound_global=True, **arrays)

    acc = streamed()
    assert acc.steps == 2
    result = json.loads(acc.result().to_json())
    assert result["format"] == "python" and all(result["header"][k] == v for k, v in HEADER.items())
    for path, form in ((jsonl, "jsonl"), (npz, "npz")):
        out = cli(exe, path)
        assert out["format"] == form and out["steps"] == 2
        assert out["bounds"] == result["bounds"], form
    assert json.loads(acc.result(bound="li").to_json())["bounds"] == cli(exe, jsonl, "--bound", "li")["bounds"]


def test_hand_computed_values_and_certificate_objects():
    certs = {c.name: c for c in streamed().certificates()}
    assert list(certs)[:3] == ["pensia", "negrea", "li"]
    # Li, Luo & Qiao Theorem 9 (hand computation in tests/unit-trajectory.cpp): (2 sqrt2 / 10) sqrt(0.5) = 0.2.
    assert certs["li"].applicable and certs["li"].valid is None and certs["li"].value == pytest.approx(0.2, rel=1e-14)
    assert not certs["negrea"].applicable and certs["negrea"].missing == "incoherence_sq"
    assert not certs["wang"].applicable and certs["wang"].reason.startswith("not implemented")


def test_bad_input_is_a_value_error_naming_the_field():
    acc = itbound.TrajectoryAccumulator(dimension=2, n=10)
    acc.add_step(step_size=np.float64(0.1), noise_std=0.2, batch_size=np.int64(10))
    with pytest.raises(ValueError, match=r"^step\[1\]\.noise_std: must be a finite number > 0"):
        acc.add_step(step_size=0.1, noise_std=-1.0)
    with pytest.raises(ValueError, match=r"^step\[1\]\.noise: unknown key"):
        acc.add_step(step_size=0.1, noise=1.0)
    with pytest.raises(ValueError, match=r"^step\[1\]\.step_size: is required"):
        acc.add_step(noise_std=0.2)
    with pytest.raises(ValueError, match=r"^dimension: must be >= 1"):
        itbound.TrajectoryAccumulator(dimension=0, n=10)
    with pytest.raises(ValueError, match=r"^subgaussian: must be a finite number > 0"):
        itbound.TrajectoryAccumulator(dimension=2, n=10, subgaussian=-1.0)
    assert acc.steps == 1  # a rejected step is not counted


def test_add_step_documents_every_step_field():
    doc = itbound.TrajectoryAccumulator.add_step.__doc__
    for field in STEPS[0]:
        assert field in doc
    assert "two_sample_incoherence" in doc and "gradient_variance" in doc


def test_noise_below_the_normal_doubles_gives_a_sound_value_never_nan():
    """A step with noise std 1e-170 made li NaN (and marked valid): sigma^2 underflowed, was rounded down to a negative
    number, and sqrt of the negative sum followed. The exact information term 1 / (2e-340) is past the largest double:
    the bounds are vacuous (the loss range), never NaN."""
    acc = itbound.TrajectoryAccumulator(dimension=1, n=10)
    acc.add_step(step_size=1.0, noise_std=1e-170, batch_size=10, gradient_sq_mean=1.0, incoherence_sq=1.0)
    out = {c.name: c for c in acc.certificates()}
    for name in ("li", "negrea"):
        assert not math.isnan(out[name].value), name
        assert out[name].value == 1.0, name
    # eta = sigma = 1e-163: the term is exactly 1/2 although sigma^2 = 1e-326 underflows in double.
    acc = itbound.TrajectoryAccumulator(dimension=1, n=10)
    acc.add_step(step_size=1e-163, noise_std=1e-163, batch_size=10, gradient_sq_mean=1.0)
    li = {c.name: c for c in acc.certificates()}["li"]
    assert li.value >= 2.0 * math.sqrt(2.0 * 0.5) / 10.0
    assert li.value <= 2.0 * math.sqrt(2.0 * 0.5) / 10.0 * (1 + 1e-14)
