"""The generated command functions: same parameters, results and messages as the CLI."""
import json
import subprocess

import numpy as np
import pytest

import itbound


def cli(exe, command, **args):
    argv = [exe, command, "--full"] + [x for k, v in args.items() for x in (f"--{k.replace('_', '-')}", str(v))]
    return subprocess.run(argv, capture_output=True, text=True)


def test_every_command_is_a_function_with_generated_docs():
    described = itbound.commands()
    assert {c["command"] for c in described} >= {"test-set", "kl-inverse"}
    for c in described:
        fn = getattr(itbound, c["name"])
        assert fn.__doc__.startswith(c["name"] + "(*")
        assert c["summary"] in fn.__doc__
        for p in c["params"]:
            assert p["flag"] == "--" + p["name"].replace("_", "-")
            assert f"{p['name']} : {p['type']}" in fn.__doc__
            assert p["doc"] in fn.__doc__


def test_result_matches_the_cli(exe):
    r = itbound.test_set(errors=7, trials=250, delta=0.01)
    out = cli(exe, "test-set", errors=7, trials=250, delta=0.01)
    assert out.returncode == 0
    assert r.to_dict() == json.loads(out.stdout)
    assert r.value == r["value"] == r.to_dict()["value"]
    assert r.kl_relaxation >= r.value > 7 / 250
    assert "value" in r.keys() and "kl_relaxation" in dir(r)
    with pytest.raises(AttributeError):
        r.no_such_field
    assert itbound.run("test-set", errors=7, trials=250, delta=0.01) == r


@pytest.mark.parametrize("command,args", [
    ("kl-inverse", {"q": 1.5, "c": 1}),
    ("kl-inverse", {"q": float("nan"), "c": 1}),
    ("kl-inverse", {"q": 0.5}),
    ("test-set", {"errors": 5, "trials": 3}),
    ("test-set", {"errors": 1, "trials": 3, "delta": 1}),
    ("test-set", {"errors": "x", "trials": 3}),
])
def test_errors_raise_value_error_with_the_cli_message(exe, command, args):
    with pytest.raises(ValueError) as err:
        getattr(itbound, command.replace("-", "_"))(**args)
    assert isinstance(err.value, itbound.InvalidArgument)
    out = cli(exe, command, **args)
    assert out.returncode == 2
    assert out.stderr.strip() == "itbound: error: " + str(err.value)


def test_unknown_keyword_and_python_types():
    with pytest.raises(ValueError, match="^bogus: is not an argument of 'test-set'"):
        itbound.test_set(errors=1, trials=3, bogus=2)
    # NumPy scalars and integral floats are accepted as the CLI would accept "5" or "1e2".
    a = itbound.test_set(errors=np.int64(5), trials=np.float64(100.0), delta=np.float32(0.25))
    b = itbound.test_set(errors=5, trials=100, delta=float(np.float32(0.25)))
    assert a == b
    with pytest.raises(ValueError, match="^trials: must be an integer"):
        itbound.test_set(errors=1, trials=2.5)
    with pytest.raises(ValueError, match="^errors: unsupported Python type"):
        itbound.test_set(errors=object(), trials=2)


def test_batch_from_python_keeps_order_and_equals_single_calls():
    jobs = [{"id": i, "command": "test-set", "args": {"errors": i % 17, "trials": 60}} for i in range(80)]
    jobs[10] = {"id": 10, "command": "test-set", "args": {"errors": 99, "trials": 60}}
    records = itbound.batch(jobs, threads=3)
    assert [r["id"] for r in records] == list(range(80))
    assert records[10]["ok"] is False and records[10]["error"]["code"] == "invalid_argument"
    assert records[10]["error"]["message"].startswith("errors:")
    for job, rec in zip(jobs, records):
        if rec["ok"]:
            assert rec["result"] == itbound.test_set(**job["args"])


def test_results_render_like_the_cli(exe):
    """Result.render and the notebook view (_repr_markdown_) are the command line's --format outputs."""
    import pathlib
    import pickle

    runs = pathlib.Path(__file__).resolve().parents[2] / "data" / "examples" / "digits-1nn.npz"
    r = itbound.cmi(runs=str(runs))
    for fmt in ["table", "markdown", "latex"]:
        out = subprocess.run([exe, "cmi", str(runs), "--format", fmt], capture_output=True, text=True)
        assert out.returncode == 0 and r.render(fmt) == out.stdout
    md = r._repr_markdown_()
    assert md.startswith("**" + r.summary.split(" ")[0]) and "| fcmi-sqrt |" in md
    assert pickle.loads(pickle.dumps(r))._repr_markdown_() == md
    c = r.certificates()[0]
    assert c._repr_markdown_().startswith("**" + c.name + " = ")



def test_deep_nesting_and_huge_values_are_short_errors_not_crashes():
    """Issue 13, item 10: a 100,000-deep list crashed the interpreter (recursive conversion), and a posterior= dict
    produced a 3.3-million-character message."""
    deep = []
    for _ in range(100000):
        deep = [deep]
    with pytest.raises(ValueError, match="mc_errors: nests lists or dicts deeper than 128 levels"):
        itbound.pac_bayes(kl=5.0, n=100, mc_errors=deep)
    with pytest.raises(ValueError) as err:
        itbound.kl_divergence(posterior={"mean": list(range(300000))}, prior="p.npz")
    assert str(err.value).startswith("posterior: must be a string") and len(str(err.value)) < 300


def test_mc_errors_matrix_is_averaged_by_row():
    """Issue 13, item 1: an (N, n) error matrix is N samples of row means (it was flattened to N n samples)."""
    errors = (np.arange(60).reshape(3, 20) % 3 == 0).astype(float)
    r = itbound.pac_bayes(kl=5.0, n=20, mc_errors=errors).to_dict()
    assert r["mc"]["samples"] == 3 and r["mc"]["rows_averaged_over"] == 20
    with pytest.raises(ValueError, match="mc-sample-errors: an \\(N, n\\) matrix"):
        itbound.pac_bayes(kl=5.0, n=10, mc_errors=errors)
